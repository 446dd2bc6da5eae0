import { ObjectId } from 'bson';
import { describe, expect, it } from 'vitest';
import { clone, describeUpdate, keyOf, valuesEqual } from './values';

describe('values', () => {
  it('describes updates as a change event does', () => {
    const before = { _id: 1, a: { b: 1, c: 2 }, arr: [1, 2, 3], gone: 1, same: 'x' };
    const after = { _id: 1, a: { b: 5, c: 2 }, arr: [1, 9], same: 'x', added: true };
    expect(describeUpdate(before, after)).toEqual({
      description: {
        updatedFields: { 'a.b': 5, 'arr.1': 9, added: true },
        removedFields: ['gone'],
        truncatedArrays: [{ field: 'arr', newSize: 2 }],
      },
      disambiguatedPaths: {},
    });
  });

  it('descends into array elements and spells out ambiguous paths', () => {
    const before = { _id: 1, a: [{ '1': 1, x: 1 }], b: { 'c.d': 1 }, n: { '2': [0] } };
    const after = { _id: 1, a: [{ '1': 2, x: 1 }, 5], b: {}, n: { '2': [0, 1] } };
    expect(describeUpdate(before, after)).toEqual({
      description: {
        updatedFields: { 'a.0.1': 2, 'a.1': 5, 'n.2.1': 1 },
        removedFields: ['b.c.d'],
        truncatedArrays: [],
      },
      disambiguatedPaths: {
        'a.0.1': ['a', 0, '1'],
        'b.c.d': ['b', 'c.d'],
        'n.2.1': ['n', '2', 1],
      },
    });
  });

  it('compares BSON values by value', () => {
    const hex = '6b089106b1ce6dbd8bc64b21';
    expect(keyOf(new ObjectId(hex))).toBe(keyOf(new ObjectId(hex)));
    expect(keyOf(1)).not.toBe(keyOf('1'));
    expect(valuesEqual({ a: [new Date(5)] }, { a: [new Date(5)] })).toBe(true);
    expect(valuesEqual({ a: 1, b: 2 }, { b: 2, a: 1 })).toBe(false);
  });

  it('clones plain data deeply and keeps BSON values', () => {
    const id = new ObjectId();
    const doc = { id, nested: { list: [1, { x: 2 }] } };
    const copy = clone(doc);
    expect(copy).toEqual(doc);
    expect(copy.nested).not.toBe(doc.nested);
    expect(copy.id).toBe(id);
  });
});
