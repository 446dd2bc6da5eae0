import { Decimal128, Int32, Long, ObjectId, type Document } from 'bson';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ChangeHistory, LogicalClock } from './history';
import { matcher, matching } from './matcher';
import { EqualityIndex, Store, type Collection } from './store';

const oid = new ObjectId('64b7f0c2a1b2c3d4e5f60718');
/** Values for the indexed field, chosen to collide across BSON types the way MongoDB compares them. */
const VALUES: unknown[] = [
  'a',
  'b',
  '',
  5,
  5.0,
  new Int32(5),
  Long.fromNumber(5),
  6,
  -0,
  0,
  true,
  false,
  null,
  new Date(0),
  oid,
  Decimal128.fromString('5'),
  ['a', 'b'],
  { a: 1 },
];
const value = fc.constantFrom(...VALUES);
const maybeMissing = fc.option(value, { nil: undefined, freq: 5 });

type Op =
  | { kind: 'insert'; k: unknown; tag: number }
  | { kind: 'replace'; at: number; k: unknown; tag: number }
  | { kind: 'remove'; at: number };
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('insert' as const), k: maybeMissing, tag: fc.nat(3) }),
  fc.record({
    kind: fc.constant('replace' as const),
    at: fc.nat(),
    k: maybeMissing,
    tag: fc.nat(3),
  }),
  fc.record({ kind: fc.constant('remove' as const), at: fc.nat() }),
);

function docOf(id: number, k: unknown, tag: number): Document {
  return k === undefined ? { _id: id, tag } : { _id: id, k, tag };
}

/** The same operations on a collection with an index on `k` and on one without. */
function build(ops: Op[], indexFirst: boolean) {
  const store = new Store(new ChangeHistory(100), new LogicalClock());
  const indexed = store.ensure('db', 'indexed');
  const plain = store.ensure('db', 'plain');
  const index = () => store.createIndex(indexed, { v: 2, key: { k: 1 }, name: 'k_1' });
  if (indexFirst) index();
  let next = 0;
  for (const o of ops) {
    for (const coll of [indexed, plain]) {
      const stored = [...coll.docs.values()];
      if (o.kind === 'insert') store.insert(coll, docOf(next, o.k, o.tag));
      else if (stored.length > 0) {
        const before = stored[o.at % stored.length]!;
        if (o.kind === 'remove') store.remove(coll, before);
        else store.replace(coll, before, docOf(before._id as number, o.k, o.tag), 'replace');
      }
    }
    if (o.kind === 'insert') next += 1;
  }
  if (!indexFirst) index();
  return { indexed, plain };
}

const ids = (coll: Collection, filter: Document) =>
  matching(coll, matcher(filter)).map((d) => d._id as number);

describe('equality index', () => {
  it('answers every equality filter exactly as a full scan does, in the same order', () => {
    fc.assert(
      fc.property(
        fc.array(op, { maxLength: 40 }),
        fc.boolean(),
        value,
        fc.constantFrom('plain', '$eq', 'and-tag'),
        (ops, indexFirst, v, shape) => {
          const { indexed, plain } = build(ops, indexFirst);
          const filter =
            shape === 'plain' ? { k: v } : shape === '$eq' ? { k: { $eq: v } } : { k: v, tag: 1 };
          expect(ids(indexed, filter)).toEqual(ids(plain, filter));
          // Kept up to date through every write: the same as an index built from scratch.
          const kept = indexed.indexes.find((i) => i.spec.name === 'k_1')!.equality!;
          const fresh = new EqualityIndex('k');
          for (const [id, doc] of indexed.docs) fresh.add(id, doc);
          expect(kept.contents()).toEqual(fresh.contents());
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('looks a unique value up without testing the other documents', () => {
    const store = new Store(new ChangeHistory(100), new LogicalClock());
    const coll = store.ensure('db', 'calls');
    store.createIndex(coll, { v: 2, key: { callSid: 1 }, name: 'callSid_1', unique: true });
    for (let i = 0; i < 1000; i++)
      store.insert(coll, { _id: i, callSid: `CA${i}`, status: 'queued' });
    const query = matcher({ callSid: 'CA500' });
    let tested = 0;
    const test = query.test.bind(query);
    query.test = (doc) => (tested++, test(doc));
    expect(matching(coll, query).map((d) => d._id)).toEqual([500]);
    expect(tested).toBe(1);
    expect(matching(coll, matcher({ callSid: 'CA-none' }))).toEqual([]);
  });

  it('scans again while a stored array or embedded document could match differently', () => {
    const store = new Store(new ChangeHistory(100), new LogicalClock());
    const coll = store.ensure('db', 'c');
    store.createIndex(coll, { v: 2, key: { k: 1 }, name: 'k_1' });
    store.insert(coll, { _id: 1, k: 'a' });
    const arrayDoc = store.insert(coll, { _id: 2, k: ['a', 'z'] });
    expect(ids(coll, { k: 'a' })).toEqual([1, 2]);
    store.remove(coll, arrayDoc);
    expect(ids(coll, { k: 'a' })).toEqual([1]);
    expect(ids(coll, { k: 'z' })).toEqual([]);
  });
});
