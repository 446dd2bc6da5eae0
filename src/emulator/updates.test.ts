import { update as mingoUpdate } from 'mingo';
import { describe, expect, it } from 'vitest';
import { applyUpdate, upsertBase } from './updates';
import { clone } from './values';

const base = () => ({ _id: 1, n: 1, a: { b: 2, c: { d: 3 } }, arr: [1, 2], s: 'x' });

/** What mingo alone makes of the same update (the reference for the fast path). */
function viaMingo(doc: Record<string, unknown>, modifier: Record<string, unknown>) {
  const copy = clone(doc);
  mingoUpdate(copy, modifier, undefined, undefined, { cloneMode: 'deep' });
  return copy;
}

describe('applyUpdate', () => {
  const cases: Record<string, unknown>[] = [
    { $set: { n: 5, 'a.b': 9, 'new.deep.path': true } },
    { $inc: { n: 2, missing: 3, 'a.c.d': -1 } },
    { $unset: { s: '', 'a.c.d': '', nothing: '' } },
    { $set: { s: 'y' }, $inc: { n: 1 }, $unset: { arr: '' } },
    { $set: { 'arr.1': 7 } },
    { $push: { arr: 3 } },
    { $set: { s: { nested: [1, { two: 2 }] } } },
  ];
  for (const modifier of cases) {
    it(`matches mingo for ${JSON.stringify(modifier)}`, () => {
      const doc = base();
      expect(applyUpdate(doc, modifier, undefined, false)).toEqual(viaMingo(doc, modifier));
      expect(doc).toEqual(base());
    });
  }

  it('rejects $inc on a non-number and _id changes with MongoDB codes', () => {
    expect(() => applyUpdate(base(), { $inc: { s: 1 } }, undefined, false)).toThrow();
    expect(() => applyUpdate(base(), { $set: { _id: 2 } }, undefined, false)).toThrow(
      expect.objectContaining({ code: 66 }),
    );
    expect(() => applyUpdate(base(), { $bogus: { a: 1 } }, undefined, false)).toThrow(
      expect.objectContaining({ code: 9 }),
    );
  });

  it('applies $setOnInsert only when inserting, and replacements keep _id', () => {
    expect(applyUpdate(base(), { $setOnInsert: { fresh: 1 } }, undefined, false)).toEqual(base());
    expect(applyUpdate({ _id: 2 }, { $setOnInsert: { fresh: 1 } }, undefined, true)).toEqual({
      _id: 2,
      fresh: 1,
    });
    expect(applyUpdate(base(), { only: true }, undefined, false)).toEqual({ _id: 1, only: true });
  });

  it('builds upsert documents from equality conditions', () => {
    expect(
      upsertBase({ _id: 7, 'a.b': 1, n: { $gt: 1 }, $and: [{ c: 2 }], s: { $eq: 'x' } }),
    ).toEqual({
      _id: 7,
      a: { b: 1 },
      c: 2,
      s: 'x',
    });
  });
});
