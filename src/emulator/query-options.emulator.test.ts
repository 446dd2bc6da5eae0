// MongoDB-facing: runs against the emulator, or against MONGODB_URI when set.
// `let` variables (5.0+) and collation in reads and writes.
import type { Collection, Db } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, type TestDatabase } from './test-target';

interface Doc {
  _id: number;
  x?: string | number;
  name?: string;
}

let target: TestDatabase;
let db: Db;
let n = 0;
/** A fresh collection per test, holding `docs`. */
async function fresh(docs: Doc[]): Promise<Collection<Doc>> {
  const coll = db.collection<Doc>(`q${++n}`);
  if (docs.length > 0) await coll.insertMany(docs);
  return coll;
}

beforeAll(async () => {
  target = await openTestDatabase();
  db = target.client.db(target.dbName);
});
afterAll(async () => {
  await target.close();
});

const byId = { $expr: { $eq: ['$_id', '$$id'] } };
const caseless = { locale: 'en_US', strength: 2 };

describe('let variables', () => {
  it('find and aggregate read $$variables, evaluated once as expressions', async () => {
    const coll = await fresh([{ _id: 1 }, { _id: 2 }]);
    expect(await coll.find(byId, { let: { id: 2 } }).toArray()).toEqual([{ _id: 2 }]);
    const projected = await coll
      .aggregate([{ $match: byId }, { $project: { _id: 0, x: '$$x', y: '$$y' } }], {
        let: { id: 1, x: 'foo', y: { $literal: '$bar' } },
      })
      .toArray();
    expect(projected).toEqual([{ x: 'foo', y: '$bar' }]);
  });

  it('updates (filter and pipeline), deletes and findOneAndUpdate read them', async () => {
    const coll = await fresh([
      { _id: 1, name: 'a' },
      { _id: 2, name: 'b' },
      { _id: 3, name: 'b' },
    ]);
    const updated = await coll.updateOne(byId, [{ $set: { x: '$$x' } }], {
      let: { id: 1, x: 'set' },
    });
    expect(updated.modifiedCount).toBe(1);
    const found = await coll.findOneAndUpdate(byId, [{ $set: { x: '$$x' } }], {
      let: { id: 2, x: 'fam' },
      returnDocument: 'after',
    });
    expect(found).toEqual({ _id: 2, name: 'b', x: 'fam' });
    const deleted = await coll.deleteMany(
      { $expr: { $eq: ['$name', '$$name'] } },
      { let: { name: 'b' } },
    );
    expect(deleted.deletedCount).toBe(2);
    expect(await coll.find().toArray()).toEqual([{ _id: 1, name: 'a', x: 'set' }]);
  });

  it('an undefined variable is an error, not an empty result', async () => {
    const coll = await fresh([{ _id: 1 }]);
    await expect(coll.find(byId).toArray()).rejects.toThrow(/undefined variable/i);
  });
});

describe('collation strength 2 compares strings without case', () => {
  const docs: Doc[] = [
    { _id: 1, x: 'ping' },
    { _id: 2, x: 'pINg' },
    { _id: 3, x: 'pong' },
    { _id: 4, x: 11 },
  ];

  it('in find, aggregate $match, count and distinct', async () => {
    const coll = await fresh(docs);
    const ids = (rows: Doc[]) => rows.map((doc) => doc._id).sort();
    expect(ids(await coll.find({ x: 'PING' }, { collation: caseless }).toArray())).toEqual([1, 2]);
    expect(await coll.find({ x: 'PING' }).toArray()).toEqual([]);
    const matched = await coll
      .aggregate([{ $match: { x: { $in: ['PONG'] } } }], { collation: caseless })
      .toArray();
    expect(matched).toEqual([{ _id: 3, x: 'pong' }]);
    expect(await coll.countDocuments({ x: 'Ping' }, { collation: caseless })).toBe(2);
    const distinct = await coll.distinct('x', { x: { $type: 'string' } }, { collation: caseless });
    expect(distinct.map((v) => String(v).toLowerCase()).sort()).toEqual(['ping', 'pong']);
  });

  it('in updates, deletes and findOneAndDelete, per statement', async () => {
    const coll = await fresh(docs);
    const updated = await coll.updateMany(
      { x: 'PING' },
      { $set: { name: 'hit' } },
      { collation: caseless },
    );
    expect(updated.modifiedCount).toBe(2);
    const exact = await coll.updateMany({ x: 'PONG' }, { $set: { name: 'hit' } });
    expect(exact.matchedCount).toBe(0);
    const removed = await coll.findOneAndDelete({ x: 'PONG' }, { collation: caseless });
    expect(removed?._id).toBe(3);
    const result = await coll.bulkWrite([
      { deleteOne: { filter: { x: 'PING' }, collation: caseless } },
      { deleteMany: { filter: { x: 'PING' } } },
    ]);
    expect(result.deletedCount).toBe(1);
    expect(await coll.countDocuments()).toBe(2);
  });

  it('a collation without a locale is refused', async () => {
    const coll = await fresh(docs);
    await expect(
      coll.find({ x: 'PING' }, { collation: { strength: 2 } as never }).toArray(),
    ).rejects.toMatchObject({ code: 40414 });
  });
});
