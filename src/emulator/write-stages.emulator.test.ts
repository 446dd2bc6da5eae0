// MongoDB-facing: runs against the emulator, or against MONGODB_URI when set.
// The aggregation stages that write: $out and $merge.
import { MongoServerError, type Collection, type Db } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, type TestDatabase } from './test-target';

interface Doc {
  _id: number;
  x?: number;
  y?: number;
  k?: string;
}

let target: TestDatabase;
let db: Db;
let n = 0;
async function fresh(docs: Doc[] = []): Promise<Collection<Doc>> {
  const coll = db.collection<Doc>(`w${++n}`);
  if (docs.length > 0) await coll.insertMany(docs);
  return coll;
}
const all = (coll: Collection<Doc>) => coll.find().sort({ _id: 1 }).toArray();

beforeAll(async () => {
  target = await openTestDatabase();
  db = target.client.db(target.dbName);
});
afterAll(async () => {
  await target.close();
});

describe('$out', () => {
  it('replaces the target with the pipeline output, keeping its indexes', async () => {
    const source = await fresh([
      { _id: 1, x: 1 },
      { _id: 2, x: 2 },
      { _id: 3, x: 3 },
    ]);
    const out = await fresh([{ _id: 9, x: 9 }]);
    await out.createIndex({ x: 1 }, { unique: true, name: 'x_unique' });
    const batch = await source
      .aggregate([{ $match: { x: { $gte: 2 } } }, { $out: out.collectionName }])
      .toArray();
    expect(batch).toEqual([]);
    expect(await all(out)).toEqual([
      { _id: 2, x: 2 },
      { _id: 3, x: 3 },
    ]);
    const names = (await out.indexes()).map((index) => index.name).sort();
    expect(names).toEqual(['_id_', 'x_unique']);
  });

  it('output that breaks a unique index fails and leaves the target as it was', async () => {
    const source = await fresh([
      { _id: 1, x: 1 },
      { _id: 2, x: 1 },
    ]);
    const out = await fresh([{ _id: 9, x: 9 }]);
    await out.createIndex({ x: 1 }, { unique: true });
    const error = await source
      .aggregate([{ $out: out.collectionName }])
      .toArray()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MongoServerError);
    expect((error as MongoServerError).code).toBe(11000);
    expect(await all(out)).toEqual([{ _id: 9, x: 9 }]);
  });

  it('creates a missing target, and must be the last stage', async () => {
    const source = await fresh([{ _id: 1, x: 1 }]);
    const name = `w${++n}`;
    await source.aggregate([{ $project: { x: 1 } }, { $out: name }]).toArray();
    expect(await all(db.collection<Doc>(name))).toEqual([{ _id: 1, x: 1 }]);
    const error = await source
      .aggregate([{ $out: name }, { $match: {} }])
      .toArray()
      .catch((e: unknown) => e);
    expect((error as MongoServerError).code).toBe(40601);
  });
});

describe('$merge', () => {
  it('merges matched documents and inserts the others by default', async () => {
    const source = await fresh([
      { _id: 1, y: 10 },
      { _id: 3, y: 30 },
    ]);
    const into = await fresh([
      { _id: 1, x: 1 },
      { _id: 2, x: 2 },
    ]);
    await source.aggregate([{ $merge: { into: into.collectionName } }]).toArray();
    expect(await all(into)).toEqual([
      { _id: 1, x: 1, y: 10 },
      { _id: 2, x: 2 },
      { _id: 3, y: 30 },
    ]);
  });

  it('replace, keepExisting, discard and a pipeline reading $$new', async () => {
    const source = await fresh([
      { _id: 1, y: 10 },
      { _id: 3, y: 30 },
    ]);
    const into = await fresh([{ _id: 1, x: 1 }]);
    const merge = (spec: object) =>
      source.aggregate([{ $merge: { into: into.collectionName, ...spec } }]).toArray();
    await merge({ whenMatched: 'keepExisting', whenNotMatched: 'discard' });
    expect(await all(into)).toEqual([{ _id: 1, x: 1 }]);
    await merge({ whenMatched: 'replace', whenNotMatched: 'discard' });
    expect(await all(into)).toEqual([{ _id: 1, y: 10 }]);
    await merge({ whenMatched: [{ $set: { y: { $add: ['$y', '$$new.y'] } } }] });
    expect(await all(into)).toEqual([
      { _id: 1, y: 20 },
      { _id: 3, y: 30 },
    ]);
  });

  it('whenMatched fail is a duplicate key error naming the key; whenNotMatched fail is 13113', async () => {
    const into = await fresh([{ _id: 1, x: 1 }]);
    const run = (pipeline: object[]) =>
      db
        .aggregate(pipeline)
        .toArray()
        .catch((e: unknown) => e as MongoServerError);
    const duplicate = await run([
      { $documents: [{ _id: 1, x: 2 }] },
      { $merge: { into: into.collectionName, whenMatched: 'fail' } },
    ]);
    expect(duplicate).toMatchObject({ code: 11000, keyPattern: { _id: 1 }, keyValue: { _id: 1 } });
    const missing = await run([
      { $documents: [{ _id: 5 }] },
      { $merge: { into: into.collectionName, whenNotMatched: 'fail' } },
    ]);
    expect(missing).toMatchObject({ code: 13113 });
    expect(await all(into)).toEqual([{ _id: 1, x: 1 }]);
  });

  it("'on' other fields needs a unique index on them", async () => {
    const source = await fresh([{ _id: 7, k: 'a', y: 1 }]);
    const into = await fresh([{ _id: 1, k: 'a', x: 1 }]);
    const merge = () =>
      source
        .aggregate([
          { $project: { _id: 0, k: 1, y: 1 } },
          { $merge: { into: into.collectionName, on: 'k' } },
        ])
        .toArray();
    await expect(merge()).rejects.toMatchObject({ code: 51183 });
    await into.createIndex({ k: 1 }, { unique: true });
    await merge();
    expect(await all(into)).toEqual([{ _id: 1, k: 'a', x: 1, y: 1 }]);
    // The source document's own _id (7) would change the matched one's (1): refused.
    const changesId = await source
      .aggregate([{ $merge: { into: into.collectionName, on: 'k' } }])
      .toArray()
      .catch((e: unknown) => e);
    expect(changesId).toMatchObject({ code: 66 });
    expect(await all(into)).toEqual([{ _id: 1, k: 'a', x: 1, y: 1 }]);
  });
});
