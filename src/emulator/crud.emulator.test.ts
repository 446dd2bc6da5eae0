// MongoDB-facing: runs against the emulator, or against MONGODB_URI when set.
import {
  MongoBulkWriteError,
  MongoServerError,
  ObjectId,
  type Binary,
  type Collection,
  type Db,
} from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, type TestDatabase } from './test-target';

let target: TestDatabase;
let db: Db;
let n = 0;
/** A fresh collection per test, so tests do not see each other's documents. */
const fresh = (): Collection => db.collection(`c${++n}`);

beforeAll(async () => {
  target = await openTestDatabase();
  db = target.client.db(target.dbName);
});
afterAll(async () => {
  await target.close();
});

describe('writes return the driver result shapes', () => {
  it('insertOne and insertMany', async () => {
    const coll = fresh();
    const one = await coll.insertOne({ name: 'a' });
    expect(one.acknowledged).toBe(true);
    expect(one.insertedId).toBeInstanceOf(ObjectId);
    const many = await coll.insertMany([{ _id: 'x' as never, name: 'b' }, { name: 'c' }]);
    expect(many.insertedCount).toBe(2);
    expect(many.insertedIds[0]).toBe('x');
    const stored = await coll.findOne({ name: 'a' });
    expect(Object.keys(stored!)[0]).toBe('_id');
    expect(await coll.countDocuments()).toBe(3);
  });

  it('updateOne, updateMany, replaceOne, upserts and arrayFilters', async () => {
    const coll = fresh();
    await coll.insertMany([
      { _id: 1 as never, n: 1, tags: ['a', 'b'] },
      { _id: 2 as never, n: 2, tags: ['b'] },
    ]);
    const one = await coll.updateOne({ _id: 1 as never }, { $inc: { n: 10 } });
    expect(one).toMatchObject({
      matchedCount: 1,
      modifiedCount: 1,
      upsertedCount: 0,
      upsertedId: null,
    });
    const noop = await coll.updateOne({ _id: 1 as never }, { $set: { n: 11 } });
    expect(noop).toMatchObject({ matchedCount: 1, modifiedCount: 0 });
    const many = await coll.updateMany({}, { $set: { seen: true } });
    expect(many).toMatchObject({ matchedCount: 2, modifiedCount: 2 });
    const up = await coll.updateOne(
      { _id: 3 as never },
      { $set: { n: 3 }, $setOnInsert: { fresh: true } },
      { upsert: true },
    );
    expect(up).toMatchObject({
      matchedCount: 0,
      modifiedCount: 0,
      upsertedCount: 1,
      upsertedId: 3,
    });
    expect(await coll.findOne({ _id: 3 as never })).toEqual({ _id: 3, n: 3, fresh: true });
    const replaced = await coll.replaceOne({ _id: 2 as never }, { n: 20 });
    expect(replaced).toMatchObject({ matchedCount: 1, modifiedCount: 1 });
    expect(await coll.findOne({ _id: 2 as never })).toEqual({ _id: 2, n: 20 });
    await coll.updateOne(
      { _id: 1 as never },
      { $set: { 'tags.$[t]': 'B' } },
      { arrayFilters: [{ t: 'b' }] },
    );
    expect((await coll.findOne({ _id: 1 as never }))?.tags).toEqual(['a', 'B']);
    await coll.updateOne({ _id: 1 as never }, [{ $set: { double: { $multiply: ['$n', 2] } } }]);
    expect((await coll.findOne({ _id: 1 as never }))?.double).toBe(22);
  });

  it('deleteOne and deleteMany', async () => {
    const coll = fresh();
    await coll.insertMany([{ k: 1 }, { k: 1 }, { k: 2 }]);
    expect(await coll.deleteOne({ k: 1 })).toEqual({ acknowledged: true, deletedCount: 1 });
    expect(await coll.deleteMany({})).toEqual({ acknowledged: true, deletedCount: 2 });
    expect(await coll.deleteMany({})).toEqual({ acknowledged: true, deletedCount: 0 });
  });

  it('findOneAndUpdate, findOneAndReplace, findOneAndDelete', async () => {
    const coll = fresh();
    await coll.insertMany([
      { _id: 1 as never, v: 1 },
      { _id: 2 as never, v: 2 },
    ]);
    const before = await coll.findOneAndUpdate(
      { v: { $gte: 1 } },
      { $inc: { v: 5 } },
      { sort: { v: -1 } },
    );
    expect(before).toEqual({ _id: 2, v: 2 });
    const after = await coll.findOneAndUpdate(
      { _id: 1 as never },
      { $inc: { v: 1 } },
      { returnDocument: 'after' },
    );
    expect(after).toEqual({ _id: 1, v: 2 });
    const upserted = await coll.findOneAndUpdate(
      { _id: 3 as never },
      { $set: { v: 3 } },
      { upsert: true, returnDocument: 'after' },
    );
    expect(upserted).toEqual({ _id: 3, v: 3 });
    const replaced = await coll.findOneAndReplace(
      { _id: 3 as never },
      { w: 1 },
      { returnDocument: 'after', projection: { _id: 0 } },
    );
    expect(replaced).toEqual({ w: 1 });
    expect(await coll.findOneAndDelete({ _id: 3 as never })).toEqual({ _id: 3, w: 1 });
    expect(await coll.findOneAndDelete({ _id: 3 as never })).toBeNull();
    const meta = await coll.findOneAndUpdate(
      { _id: 9 as never },
      { $set: { v: 9 } },
      { upsert: true, includeResultMetadata: true },
    );
    expect(meta.lastErrorObject).toMatchObject({ n: 1, updatedExisting: false, upserted: 9 });
  });
});

describe('reads', () => {
  it('find with filter, sort, skip, limit, projection and batches over getMore', async () => {
    const coll = fresh();
    await coll.insertMany(
      Array.from({ length: 250 }, (_, i) => ({ _id: i as never, i, even: i % 2 === 0 })),
    );
    const page = await coll
      .find({ even: true }, { projection: { _id: 0, i: 1 } })
      .sort({ i: -1 })
      .skip(2)
      .limit(3)
      .toArray();
    expect(page).toEqual([{ i: 244 }, { i: 242 }, { i: 240 }]);
    const all = await coll.find({}, { batchSize: 7 }).toArray();
    expect(all.map((d) => d.i)).toEqual(Array.from({ length: 250 }, (_, i) => i));
    const cursor = coll.find({}, { batchSize: 5 });
    await cursor.next();
    await cursor.close();
    expect(await coll.estimatedDocumentCount()).toBe(250);
    expect(await coll.countDocuments({ even: false })).toBe(125);
    expect((await coll.distinct('even')).sort()).toEqual([false, true]);
  });

  it('splits results bigger than the 16 MiB reply limit into batches', async () => {
    const coll = fresh();
    const big = 'x'.repeat(1024 * 1024);
    for (let i = 0; i < 20; i++) await coll.insertOne({ i, big });
    const all = await coll.find({}, { batchSize: 1000 }).toArray();
    expect(all.map((d) => d.i)).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });

  it('aggregate', async () => {
    const coll = fresh();
    await coll.insertMany([
      { g: 'a', v: 1 },
      { g: 'a', v: 2 },
      { g: 'b', v: 5 },
    ]);
    const groups = await coll
      .aggregate([{ $group: { _id: '$g', total: { $sum: '$v' } } }, { $sort: { _id: 1 } }])
      .toArray();
    expect(groups).toEqual([
      { _id: 'a', total: 3 },
      { _id: 'b', total: 5 },
    ]);
  });
});

describe('catalogue and indexes', () => {
  it('a tailable find on a collection that is not capped is refused', async () => {
    const coll = fresh();
    await coll.insertOne({ a: 1 });
    const error = await coll
      .find({}, { tailable: true })
      .toArray()
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 2 });
  });

  it('capped collections are refused, not silently uncapped (emulator only)', async (ctx) => {
    if (!target.usingEmulator) ctx.skip('a real server supports capped collections');
    const error = await db
      .createCollection(`capped${++n}`, { capped: true, size: 4096 })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 2 });
    expect((error as Error).message).toMatch(/not supported by the emulator/);
  });

  it('unique indexes reject duplicates with error 11000 in the driver shape', async () => {
    const coll = fresh();
    expect(await coll.createIndex({ email: 1 }, { unique: true, name: 'email_1' })).toBe('email_1');
    await coll.insertOne({ _id: 1 as never, email: 'a@x' });
    const single = await coll.insertOne({ email: 'a@x' }).catch((e: unknown) => e);
    expect(single).toBeInstanceOf(MongoServerError);
    expect(single).toMatchObject({
      code: 11000,
      keyPattern: { email: 1 },
      keyValue: { email: 'a@x' },
    });
    const dupId = await coll.insertOne({ _id: 1 as never }).catch((e: unknown) => e);
    expect(dupId).toMatchObject({ code: 11000, keyPattern: { _id: 1 }, keyValue: { _id: 1 } });
    const bulk = await coll
      .insertMany([{ email: 'b@x' }, { email: 'a@x' }, { email: 'c@x' }])
      .catch((e: unknown) => e);
    expect(bulk).toBeInstanceOf(MongoBulkWriteError);
    expect((bulk as MongoBulkWriteError).insertedCount).toBe(1);
    expect((bulk as MongoBulkWriteError).writeErrors).toMatchObject([{ index: 1, code: 11000 }]);
    const updated = await coll
      .updateOne({ email: 'b@x' }, { $set: { email: 'a@x' } })
      .catch((e: unknown) => e);
    expect(updated).toMatchObject({ code: 11000 });
    const names = (await coll.listIndexes().toArray()).map((i) => i.name);
    expect(names).toEqual(['_id_', 'email_1']);
    await coll.dropIndex('email_1');
    await coll.insertOne({ email: 'a@x' });
  });

  it('create, list, rename, drop collections and databases', async () => {
    const name = `made${++n}`;
    await db.createCollection(name);
    const again = await db.createCollection(name).catch((e: unknown) => e);
    expect(again).toMatchObject({ code: 48 });
    const listed = await db.listCollections({ name }).toArray();
    expect(listed).toMatchObject([{ name, type: 'collection' }]);
    await db.collection(name).insertOne({ a: 1 });
    await db.renameCollection(name, `${name}_renamed`);
    expect(await db.collection(`${name}_renamed`).countDocuments()).toBe(1);
    expect(await db.collection(`${name}_renamed`).drop()).toBe(true);
    const dbs = await target.client.db('admin').admin().listDatabases();
    expect(dbs.databases.map((d) => d.name)).toContain(target.dbName);
  });
});

describe('command errors', () => {
  it('an unknown command is error 59 naming it', async () => {
    const error = await db.command({ noSuchThing: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MongoServerError);
    expect(error).toMatchObject({ code: 59, codeName: 'CommandNotFound' });
    expect((error as Error).message).toContain('noSuchThing');
  });

  it('wrong argument types get MongoDB error codes', async () => {
    const badFilter = await db.command({ find: 'x', filter: 'nope' }).catch((e: unknown) => e);
    expect(badFilter).toMatchObject({ code: 14, codeName: 'TypeMismatch' });
    const badName = await db.command({ insert: 5, documents: [] }).catch((e: unknown) => e);
    expect(badName).toMatchObject({ code: 73, codeName: 'InvalidNamespace' });
    const badOp = await fresh()
      .updateOne({}, { $nope: { a: 1 } } as never, { upsert: true })
      .catch((e: unknown) => e);
    expect(badOp).toMatchObject({ code: 9 });
    const coll = fresh();
    const badQuery = await coll
      .find({ $foo: 1 })
      .toArray()
      .catch((e: unknown) => e);
    expect(badQuery).toMatchObject({ code: 2, codeName: 'BadValue' });
    const badStage = await coll
      .aggregate([{ $nope: {} }])
      .toArray()
      .catch((e: unknown) => e);
    expect(badStage).toMatchObject({ code: 40324 });
  });

  it('ping, buildInfo and hello describe a replica-set primary', async () => {
    expect(await db.command({ ping: 1 })).toMatchObject({ ok: 1 });
    const hello = await db.admin().command({ hello: 1 });
    expect(hello).toMatchObject({ isWritablePrimary: true, ok: 1 });
    expect(typeof hello.setName).toBe('string');
    expect(hello.maxWireVersion).toBeGreaterThanOrEqual(21);
    expect(hello.logicalSessionTimeoutMinutes).toBeGreaterThan(0);
    expect((await db.admin().buildInfo()).version).toMatch(/^\d+\.\d+/);
  });

  it('transactions are refused with a clear error (emulator only)', async (ctx) => {
    if (!target.usingEmulator) ctx.skip('a real replica set supports transactions');
    const session = target.client.startSession();
    try {
      const error = await session
        .withTransaction(async () => {
          await fresh().insertOne({ a: 1 }, { session });
        })
        .catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 263 });
      expect((error as Error).message).toMatch(/Transactions are not supported/);
    } finally {
      await session.endSession();
    }
  });
});

describe('nesting depth', () => {
  // A real server refuses documents nested deeper than 100 levels when they are written.
  const nested = (depth: number): unknown => {
    let value: unknown = 1;
    for (let i = 1; i < depth; i++) value = [value];
    return value;
  };

  it('stores a document at the limit and refuses one past it, in inserts and updates', async (ctx) => {
    if (!target.usingEmulator) ctx.skip('the exact refusal differs between server versions');
    const coll = target.client.db(target.dbName).collection('depth');
    await coll.insertOne({ _id: 'ok' as never, v: nested(99) });
    const tooDeep = await coll.insertOne({ v: nested(150) }).catch((e: unknown) => e);
    expect(tooDeep).toMatchObject({ code: 15 });
    const update = await coll
      .updateOne({ _id: 'ok' as never }, { $set: { w: nested(150) } })
      .catch((e: unknown) => e);
    expect(update).toMatchObject({ code: 15 });
    expect(await coll.countDocuments()).toBe(1);
  });
});

describe('views', () => {
  it('reads through the pipeline, live, and refuses writes, indexes and change streams', async () => {
    const source = fresh();
    const viewName = `view${++n}`;
    await source.insertMany([
      { _id: 1 as never, name: 'a', active: true, secret: 1 },
      { _id: 2 as never, name: 'b', active: false, secret: 2 },
    ]);
    await db.createCollection(viewName, {
      viewOn: source.collectionName,
      pipeline: [{ $match: { active: true } }, { $project: { name: 1 } }],
    });
    const view = db.collection(viewName);
    expect(await view.find().toArray()).toEqual([{ _id: 1, name: 'a' }]);
    await source.insertOne({ _id: 3 as never, name: 'c', active: true });
    expect(await view.find({}, { sort: { _id: -1 } }).toArray()).toEqual([
      { _id: 3, name: 'c' },
      { _id: 1, name: 'a' },
    ]);
    expect(await view.countDocuments({ name: 'c' })).toBe(1);
    expect(await view.aggregate([{ $count: 'n' }]).toArray()).toEqual([{ n: 2 }]);
    const [info] = await db.listCollections({ name: viewName }, { nameOnly: false }).toArray();
    expect(info).toMatchObject({
      type: 'view',
      options: {
        viewOn: source.collectionName,
        pipeline: [{ $match: { active: true } }, { $project: { name: 1 } }],
      },
    });
    for (const refused of [
      () => view.insertOne({ name: 'x' }),
      () => view.updateOne({}, { $set: { name: 'x' } }),
      () => view.deleteMany({}),
      () => view.createIndex({ name: 1 }),
      () => view.watch().tryNext(),
    ]) {
      await expect(refused()).rejects.toMatchObject({ code: 166 });
    }
    expect(await source.countDocuments()).toBe(3);
    expect(await view.drop()).toBe(true);
    expect(await source.countDocuments()).toBe(3);
  });

  it('refuses a view cycle', async () => {
    const a = `cycleA${++n}`;
    const b = `cycleB${n}`;
    await db.createCollection(a, { viewOn: b, pipeline: [] });
    await db.createCollection(b, { viewOn: `other${n}`, pipeline: [] });
    await db.collection(b).drop();
    const error = await db.createCollection(b, { viewOn: a, pipeline: [] }).catch((e) => e);
    expect(error).toBeInstanceOf(MongoServerError);
    expect(error).toMatchObject({ code: 166 });
  });
});

describe('a null _id', () => {
  it('an upsert on { _id: null } stores and finds a document whose _id is null', async () => {
    const coll = fresh();
    const result = await coll.updateOne(
      { _id: null as never },
      { $set: { a: 1 } },
      { upsert: true },
    );
    expect(result.upsertedCount).toBe(1);
    expect(await coll.findOne({ _id: null as never })).toEqual({ _id: null, a: 1 });
    await coll.updateMany({ _id: null as never }, { $set: { a: 2 } }, { upsert: true });
    expect(await coll.find().toArray()).toEqual([{ _id: null, a: 2 }]);
  });
});

describe('what the server version decides', () => {
  it('updateOne with sort: refused before 8.0 as an unknown field, applied from 8.0', async () => {
    const coll = fresh();
    await coll.insertMany([
      { _id: 1 as never, n: 1 },
      { _id: 2 as never, n: 2 },
    ]);
    const [major] = (await db.admin().buildInfo()).versionArray as number[];
    const attempt = coll
      .updateOne({}, { $set: { hit: true } }, { sort: { n: -1 } })
      .catch((e: unknown) => e);
    const outcome = await attempt;
    if (major! < 8) {
      expect(outcome).toBeInstanceOf(MongoServerError);
      expect(outcome).toMatchObject({ code: 40415 });
      expect(await coll.countDocuments({ hit: true })).toBe(0);
    } else {
      expect(await coll.findOne({ hit: true })).toMatchObject({ _id: 2 });
    }
  });

  it('an _id holding a $-prefixed field is refused (52) and nothing is stored', async () => {
    const coll = fresh();
    const error = await coll.insertOne({ _id: { $a: 1 } as never }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MongoServerError);
    expect(error).toMatchObject({ code: 52 });
    expect(await coll.countDocuments()).toBe(0);
  });
});

describe('$listLocalSessions', () => {
  it("lists the server's sessions, including one this client just used", async () => {
    const session = target.client.startSession();
    try {
      await fresh().findOne({}, { session });
      const listed = await db
        .aggregate([{ $listLocalSessions: {} }, { $project: { id: '$_id.id', _id: 0 } }])
        .toArray();
      const ids = listed.map((doc) => (doc.id as Binary).toString('hex'));
      expect(ids).toContain(session.id!.id.toString('hex'));
    } finally {
      await session.endSession();
    }
  });

  it('runs only on a database, not on a collection', async () => {
    await expect(
      fresh()
        .aggregate([{ $listLocalSessions: {} }])
        .toArray(),
    ).rejects.toBeInstanceOf(MongoServerError);
  });
});
