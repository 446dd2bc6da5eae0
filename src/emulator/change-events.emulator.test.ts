// MongoDB-facing: runs against the emulator, or against MONGODB_URI when set.
import {
  MongoServerError,
  Timestamp,
  UUID,
  type ChangeStream,
  type Collection,
  type Db,
  type Document,
} from 'mongodb';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { started, take, type Event } from './stream-helpers';
import { openTestDatabase, type TestDatabase } from './test-target';

let target: TestDatabase;
let db: Db;
let n = 0;
const streams: ChangeStream[] = [];
const fresh = (): Collection => db.collection(`events${++n}`);
const AWAIT = { maxAwaitTimeMS: 100 };

async function watch(on: { watch: Collection['watch'] }, pipeline: Document[] = [], options = {}) {
  const stream = on.watch(pipeline, { ...AWAIT, ...options }) as unknown as ChangeStream<
    Document,
    Event
  >;
  streams.push(stream as unknown as ChangeStream);
  return started(stream);
}

beforeAll(async () => {
  target = await openTestDatabase();
  db = target.client.db(target.dbName);
});
afterEach(async () => {
  await Promise.all(streams.splice(0).map((s) => s.close()));
});
afterAll(async () => {
  await target.close();
});

describe('change events', () => {
  it('insert, update, replace and delete carry every field', async () => {
    const coll = fresh();
    const stream = await watch(coll);
    await coll.insertOne({ _id: 1 as never, a: { b: 1 }, gone: true, arr: [1, 2, 3] });
    await coll.updateOne(
      { _id: 1 as never },
      { $set: { 'a.b': 2, c: 'new' }, $unset: { gone: '' } },
    );
    // Truncations are reported for pipeline-style updates (and, by the emulator, for any).
    await coll.updateOne({ _id: 1 as never }, [{ $set: { arr: { $slice: ['$arr', 2] } } }]);
    await coll.replaceOne({ _id: 1 as never }, { z: 1 });
    await coll.deleteOne({ _id: 1 as never });
    const [insert, update, truncate, replace, del] = await take(stream, 5);
    for (const event of [insert, update, truncate, replace, del]) {
      expect(typeof (event!._id as { _data: unknown })._data).toBe('string');
      expect(event!.clusterTime).toBeInstanceOf(Timestamp);
      expect(event!.wallTime).toBeInstanceOf(Date);
      expect(event!.ns).toEqual({ db: target.dbName, coll: coll.collectionName });
      expect(event!.documentKey).toEqual({ _id: 1 });
    }
    expect(insert).toMatchObject({
      operationType: 'insert',
      fullDocument: { _id: 1, a: { b: 1 }, gone: true, arr: [1, 2, 3] },
    });
    expect(update!.operationType).toBe('update');
    expect(update!.fullDocument).toBeUndefined();
    expect(update!.updateDescription).toMatchObject({
      updatedFields: { 'a.b': 2, c: 'new' },
      removedFields: ['gone'],
      truncatedArrays: [],
    });
    expect(truncate!.updateDescription).toMatchObject({
      updatedFields: {},
      removedFields: [],
      truncatedArrays: [{ field: 'arr', newSize: 2 }],
    });
    expect(replace).toMatchObject({ operationType: 'replace', fullDocument: { _id: 1, z: 1 } });
    expect(del!.operationType).toBe('delete');
    expect(del!.fullDocument).toBeUndefined();
    const times = [insert, update, truncate, replace, del].map((e) =>
      (e!.clusterTime as Timestamp).toBigInt(),
    );
    expect([...times].sort((a, b) => (a < b ? -1 : 1))).toEqual(times);
  });

  it('drop is followed by invalidate, which closes a collection stream', async () => {
    const coll = fresh();
    await coll.insertOne({ a: 1 });
    const stream = await watch(coll);
    await coll.drop();
    const [drop, invalidate] = await take(stream, 2);
    expect(drop).toMatchObject({
      operationType: 'drop',
      ns: { db: target.dbName, coll: coll.collectionName },
    });
    expect(invalidate!.operationType).toBe('invalidate');
    expect(invalidate!.clusterTime).toBeInstanceOf(Timestamp);
    expect(await stream.tryNext().catch(() => null)).toBeNull();
    expect(stream.closed).toBe(true);
  });

  it('rename reports the target namespace, then invalidates', async () => {
    const coll = fresh();
    await coll.insertOne({ a: 1 });
    const stream = await watch(coll);
    const to = `${coll.collectionName}_to`;
    await coll.rename(to);
    const [rename, invalidate] = await take(stream, 2);
    expect(rename).toMatchObject({
      operationType: 'rename',
      ns: { db: target.dbName, coll: coll.collectionName },
      to: { db: target.dbName, coll: to },
    });
    expect(invalidate!.operationType).toBe('invalidate');
  });

  it('a database stream sees every collection, then drop events, dropDatabase and invalidate', async () => {
    const other = target.client.db(`${target.dbName}_x`);
    await other.collection('a').insertOne({ x: 1 });
    const stream = await watch(other);
    await other.collection('a').insertOne({ x: 2 });
    await other.collection('b').insertOne({ x: 3 });
    await other.dropDatabase();
    const events = await take(stream, 6);
    expect(events.map((e) => e.operationType)).toEqual([
      'insert',
      'insert',
      'drop',
      'drop',
      'dropDatabase',
      'invalidate',
    ]);
    expect(
      events
        .slice(2, 4)
        .map((e) => (e.ns as { coll: string }).coll)
        .sort(),
    ).toEqual(['a', 'b']);
    expect(events[4]!.ns).toEqual({ db: other.databaseName });
  });

  it('a cluster-wide stream sees changes in every database', async () => {
    const stream = (await watch(target.client, [
      { $match: { 'ns.db': { $in: [target.dbName, `${target.dbName}_y`] } } },
    ])) as ChangeStream<Document, Event>;
    await fresh().insertOne({ here: 1 });
    await target.client.db(`${target.dbName}_y`).collection('c').insertOne({ there: 1 });
    const events = await take(stream, 2);
    expect(events.map((e) => (e.ns as { db: string }).db)).toEqual([
      target.dbName,
      `${target.dbName}_y`,
    ]);
    await target.client.db(`${target.dbName}_y`).dropDatabase();
  });

  it('delivers events bigger in total than one 16 MiB reply', async () => {
    const coll = fresh();
    const stream = await watch(coll, [], { batchSize: 1000 });
    const big = 'x'.repeat(1024 * 1024);
    for (let i = 0; i < 20; i++) await coll.insertOne({ i, big });
    const events = await take(stream, 20);
    expect(events.map((e) => e.fullDocument.i)).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });

  it('later pipeline stages filter and reshape events', async () => {
    const coll = fresh();
    const stream = await watch(coll, [
      { $match: { operationType: 'insert', 'fullDocument.keep': true } },
      { $project: { operationType: 1, 'fullDocument.v': 1, tagged: { $literal: 'yes' } } },
    ]);
    await coll.insertMany([
      { keep: false, v: 1 },
      { keep: true, v: 2 },
    ]);
    await coll.updateMany({}, { $set: { keep: true } });
    await coll.insertOne({ keep: true, v: 3 });
    const events = await take(stream, 2);
    expect(events.map((e) => (e.fullDocument as { v: number }).v)).toEqual([2, 3]);
    expect(events[0]).toMatchObject({ operationType: 'insert', tagged: 'yes' });
    expect(events[0]!.ns).toBeUndefined();
  });

  it('a pipeline that changes _id fails the stream (the resume token must survive)', async () => {
    const coll = fresh();
    const stream = coll.watch([{ $project: { _id: 0 } }], AWAIT);
    streams.push(stream);
    await stream.tryNext();
    await coll.insertOne({ a: 1 });
    const error = await take(stream, 1).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 280 });
  });
});

describe('updateDescription.disambiguatedPaths (showExpandedEvents, MongoDB 6.1+)', () => {
  it('spells out paths holding numeric or dotted field names, with array indexes as ints', async () => {
    const coll = fresh();
    await coll.insertMany([
      { _id: 1 as never, a: { '1': 1 } },
      { _id: 2 as never, a: [{ '1': 1 }] },
      { _id: 3 as never, a: [1], b: 1 },
    ]);
    const expanded = await watch(coll, [], { showExpandedEvents: true });
    const plain = await watch(coll);
    await coll.updateOne({ _id: 1 as never }, { $set: { 'a.1': 2 } });
    await coll.updateOne({ _id: 2 as never }, { $set: { 'a.0.1': 2 } });
    await coll.updateOne({ _id: 3 as never }, { $set: { 'a.0': 2, b: 2 } });
    const events = await take(expanded, 3);
    expect(events.map((e) => e.updateDescription)).toEqual([
      {
        updatedFields: { 'a.1': 2 },
        removedFields: [],
        truncatedArrays: [],
        disambiguatedPaths: { 'a.1': ['a', '1'] },
      },
      {
        updatedFields: { 'a.0.1': 2 },
        removedFields: [],
        truncatedArrays: [],
        disambiguatedPaths: { 'a.0.1': ['a', 0, '1'] },
      },
      {
        updatedFields: { 'a.0': 2, b: 2 },
        removedFields: [],
        truncatedArrays: [],
        disambiguatedPaths: {},
      },
    ]);
    for (const event of await take(plain, 3)) {
      expect(event.updateDescription).not.toHaveProperty('disambiguatedPaths');
    }
  });
});

describe('expanded events (showExpandedEvents, MongoDB 6.0+)', () => {
  it('reports create, createIndexes, modify, dropIndexes and rename, with collectionUUID', async () => {
    const name = `expanded${++n}`;
    const expanded = await watch(db, [], { showExpandedEvents: true });
    const plain = await watch(db);
    const coll = await db.createCollection(name);
    await coll.insertOne({ _id: 1 as never });
    await coll.createIndex({ x: 1 }, { name: 'x_1' });
    await db.command({ collMod: name, changeStreamPreAndPostImages: { enabled: true } });
    await coll.dropIndex('x_1');
    await coll.rename(`${name}-renamed`);
    const events = await take(expanded, 6);
    expect(events.map((e) => e.operationType)).toEqual([
      'create',
      'insert',
      'createIndexes',
      'modify',
      'dropIndexes',
      'rename',
    ]);
    const uuid = events[0]!.collectionUUID as UUID;
    expect(uuid).toBeInstanceOf(UUID);
    for (const event of events) {
      expect(event.ns).toEqual({ db: db.databaseName, coll: name });
      expect((event.collectionUUID as UUID).equals(uuid)).toBe(true);
    }
    expect(events[2]!.operationDescription.indexes).toMatchObject([{ key: { x: 1 }, name: 'x_1' }]);
    expect(events[3]!.operationDescription).toEqual({
      changeStreamPreAndPostImages: { enabled: true },
    });
    expect(events[4]!.operationDescription.indexes).toMatchObject([{ name: 'x_1' }]);
    expect(events[5]!.operationDescription.to).toEqual({
      db: db.databaseName,
      coll: `${name}-renamed`,
    });
    const seen = await take(plain, 2);
    expect(seen.map((e) => e.operationType)).toEqual(['insert', 'rename']);
    expect(seen[0]).not.toHaveProperty('collectionUUID');
    expect(seen[1]).not.toHaveProperty('operationDescription');
  });

  it('reports the creation of a view, which has no collectionUUID', async () => {
    const name = `view${++n}`;
    const expanded = await watch(db, [], { showExpandedEvents: true });
    await db.createCollection(name, { viewOn: 'elsewhere', pipeline: [{ $match: { a: 1 } }] });
    const [event] = await take(expanded, 1);
    expect(event).toMatchObject({
      operationType: 'create',
      ns: { db: db.databaseName, coll: name },
      operationDescription: { viewOn: 'elsewhere', pipeline: [{ $match: { a: 1 } }] },
    });
    expect(event).not.toHaveProperty('collectionUUID');
  });

  it('reports the implicit creation of a collection by its first insert', async () => {
    const coll = fresh();
    const expanded = await watch(coll, [], { showExpandedEvents: true });
    await coll.insertOne({ _id: 1 as never });
    const events = await take(expanded, 2);
    expect(events.map((e) => e.operationType)).toEqual(['create', 'insert']);
  });
});

describe('stages a change stream refuses when it opens', () => {
  // Codes and messages of a 7.0 server (pipeline.cpp, document_source.cpp), written out here.
  it.each([
    [{ $unsupported: 'foo' }, 40324, "Unrecognized pipeline stage name: '$unsupported'"],
    [{ $group: { _id: null } }, 20, '$group is not permitted in a $changeStream pipeline'],
    [{ $sort: { _id: 1 } }, 20, '$sort is not permitted in a $changeStream pipeline'],
    [{ $lookup: { from: 'x', as: 'y', pipeline: [] } }, 20, '$lookup is not permitted'],
    [{ $limit: 1 }, 20, '$limit is not permitted in a $changeStream pipeline'],
    [{ $changeStream: {} }, 40602, '$changeStream is only valid as the first stage'],
    [{ $match: {}, $project: { a: 1 } }, 40323, 'must contain exactly one field'],
  ])('%j: error %i', async (stage, code, message) => {
    const coll = fresh();
    await coll.insertOne({ a: 1 });
    const stream = coll.watch([{ $match: {} }, stage], AWAIT);
    streams.push(stream);
    const error = await stream.tryNext().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MongoServerError);
    expect(error).toMatchObject({ code });
    expect((error as MongoServerError).message).toContain(message);
    expect(stream.closed).toBe(true);
  });

  it('accepts every stage MongoDB allows after $changeStream', async () => {
    const coll = fresh();
    const stream = await watch(coll, [
      { $match: { operationType: 'insert' } },
      { $project: { operationType: 1, fullDocument: 1, documentKey: 1 } },
      { $addFields: { added: 1 } },
      { $set: { alsoSet: 2 } },
      { $unset: 'alsoSet' },
      { $replaceWith: '$$ROOT' },
      { $replaceRoot: { newRoot: '$$ROOT' } },
      { $redact: '$$KEEP' },
    ]);
    await coll.insertOne({ _id: 7 as never, v: 1 });
    const [event] = await take(stream, 1);
    expect(event).toMatchObject({
      operationType: 'insert',
      fullDocument: { _id: 7, v: 1 },
      added: 1,
    });
    expect(event!.alsoSet).toBeUndefined();
  });
});

describe('fullDocument options', () => {
  it('updateLookup returns the current document, or null once deleted', async () => {
    const coll = fresh();
    await coll.insertOne({ _id: 1 as never, v: 0 });
    const stream = await watch(coll, [{ $match: { operationType: 'update' } }], {
      fullDocument: 'updateLookup',
    });
    await coll.updateOne({ _id: 1 as never }, { $set: { v: 1 } });
    const [first] = await take(stream, 1);
    expect(first!.fullDocument).toEqual({ _id: 1, v: 1 });
    await coll.updateOne({ _id: 1 as never }, { $set: { v: 2 } });
    await coll.deleteOne({ _id: 1 as never });
    const [second] = await take(stream, 1);
    expect(second!.fullDocument).toBeNull();
  });

  it('whenAvailable and required give post-images; fullDocumentBeforeChange gives pre-images', async () => {
    const name = `images${++n}`;
    const coll = await db.createCollection(name, {
      changeStreamPreAndPostImages: { enabled: true },
    });
    await coll.insertOne({ _id: 1 as never, v: 0 });
    const when = await watch(coll, [], {
      fullDocument: 'whenAvailable',
      fullDocumentBeforeChange: 'whenAvailable',
    });
    const required = await watch(coll, [], {
      fullDocument: 'required',
      fullDocumentBeforeChange: 'required',
    });
    await coll.updateOne({ _id: 1 as never }, { $inc: { v: 1 } });
    await coll.deleteOne({ _id: 1 as never });
    for (const stream of [when, required]) {
      const [update, del] = await take(stream, 2);
      expect(update).toMatchObject({
        fullDocument: { _id: 1, v: 1 },
        fullDocumentBeforeChange: { _id: 1, v: 0 },
      });
      expect(del).toMatchObject({
        operationType: 'delete',
        fullDocumentBeforeChange: { _id: 1, v: 1 },
      });
    }
  });

  /** Runs collMod on `coll` for changeStreamPreAndPostImages. */
  const setImages = (coll: Collection, enabled: boolean) =>
    db.command({ collMod: coll.collectionName, changeStreamPreAndPostImages: { enabled } });

  it('collMod turns pre- and post-images on and off for the writes that follow', async () => {
    const coll = fresh();
    await coll.insertOne({ _id: 1 as never, v: 0 });
    const stream = await watch(coll, [], {
      fullDocument: 'whenAvailable',
      fullDocumentBeforeChange: 'whenAvailable',
    });
    const off = await watch(coll, [], { fullDocumentBeforeChange: 'off' });
    await coll.updateOne({ _id: 1 as never }, { $set: { v: 1 } }); // images not enabled yet
    await setImages(coll, true);
    await coll.updateOne({ _id: 1 as never }, { $set: { v: 2 } });
    await setImages(coll, false);
    await coll.updateOne({ _id: 1 as never }, { $set: { v: 3 } });
    await coll.deleteOne({ _id: 1 as never });
    const events = await take(stream, 4);
    expect(
      events.map((e) => [e.operationType, e.fullDocument, e.fullDocumentBeforeChange]),
    ).toEqual([
      ['update', null, null],
      ['update', { _id: 1, v: 2 }, { _id: 1, v: 1 }],
      ['update', null, null],
      ['delete', undefined, null],
    ]);
    for (const event of await take(off, 4))
      expect(event).not.toHaveProperty('fullDocumentBeforeChange');
    const [info] = await db
      .listCollections({ name: coll.collectionName }, { nameOnly: false })
      .toArray();
    expect(info?.options?.changeStreamPreAndPostImages?.enabled ?? false).toBe(false);
  });

  it.each([
    ['fullDocument', 'post-image'],
    ['fullDocumentBeforeChange', 'pre-image'],
  ])('%s: required fails the stream with 47 when the image was not kept', async (option, image) => {
    const coll = fresh();
    await coll.insertOne({ _id: 1 as never, v: 0 });
    const stream = coll.watch([], { ...AWAIT, [option]: 'required' });
    streams.push(stream);
    await stream.tryNext();
    await coll.updateOne({ _id: 1 as never }, { $set: { v: 1 } });
    const error = await take(stream, 1).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MongoServerError);
    expect(error).toMatchObject({ code: 47, codeName: 'NoMatchingDocument' });
    expect((error as Error).message).toContain(`require a ${image}`);
  });

  it('collMod refuses a missing collection and bad options, changing nothing', async () => {
    const coll = fresh();
    await coll.insertOne({ _id: 1 as never });
    const missing = await db
      .command({ collMod: 'no-such-collection', changeStreamPreAndPostImages: { enabled: true } })
      .catch((e: unknown) => e);
    expect(missing).toMatchObject({ code: 26 });
    for (const bad of [
      { changeStreamPreAndPostImages: true },
      { changeStreamPreAndPostImages: {} },
      { changeStreamPreAndPostImages: { enabled: true, extra: 1 } },
      { changeStreamPreAndPostImages: { enabled: true }, noSuchOption: 1 },
    ]) {
      const error = await db
        .command({ collMod: coll.collectionName, ...bad })
        .catch((e: unknown) => e);
      expect(error, JSON.stringify(bad)).toBeInstanceOf(MongoServerError);
    }
    const [info] = await db
      .listCollections({ name: coll.collectionName }, { nameOnly: false })
      .toArray();
    expect(info?.options?.changeStreamPreAndPostImages).toBeUndefined();
  });
});
