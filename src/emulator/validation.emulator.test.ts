// MongoDB-facing: runs against the emulator, or against MONGODB_URI when set.
// Collection validators (create / collMod) and bypassDocumentValidation.
import { MongoBulkWriteError, MongoServerError, type Db } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, type TestDatabase } from './test-target';

interface Doc {
  _id: number;
  x?: unknown;
}

let target: TestDatabase;
let db: Db;
let n = 0;
const name = () => `v${++n}`;
const stringX = { x: { $type: 'string' } };

beforeAll(async () => {
  target = await openTestDatabase();
  db = target.client.db(target.dbName);
});
afterAll(async () => {
  await target.close();
});

describe('validators', () => {
  it('refuse an insert that fails, with errInfo, unless validation is bypassed', async () => {
    const coll = await db.createCollection<Doc>(name(), { validator: stringX });
    await coll.insertOne({ _id: 1, x: 'ok' });
    const error = await coll.insertOne({ _id: 2, x: 2 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MongoServerError);
    expect((error as MongoServerError).code).toBe(121);
    expect((error as MongoServerError).errInfo).toMatchObject({ failingDocumentId: 2 });
    expect(typeof (error as MongoServerError).errInfo?.details).toBe('object');
    await coll.insertOne({ _id: 3, x: 3 }, { bypassDocumentValidation: true });
    expect(await coll.find().sort({ _id: 1 }).toArray()).toEqual([
      { _id: 1, x: 'ok' },
      { _id: 3, x: 3 },
    ]);
    const listed = await db.listCollections({ name: coll.collectionName }).toArray();
    expect(listed[0]).toMatchObject({ options: { validator: stringX } });
  });

  it('collMod sets one; updates and findOneAndUpdate are checked too', async () => {
    const coll = db.collection<Doc>(name());
    await coll.insertMany([
      { _id: 1, x: 'a' },
      { _id: 2, x: 'b' },
    ]);
    await db.command({ collMod: coll.collectionName, validator: stringX });
    const failed = await coll
      .findOneAndUpdate({ _id: 1 }, { $set: { x: 1 } })
      .catch((e: unknown) => e);
    expect(failed).toMatchObject({ code: 121, errInfo: { failingDocumentId: 1 } });
    const bulk = await coll
      .bulkWrite([
        { updateOne: { filter: { _id: 2 }, update: { $set: { x: 'still' } } } },
        { updateOne: { filter: { _id: 2 }, update: { $set: { x: 2 } } } },
      ])
      .catch((e: unknown) => e);
    expect(bulk).toBeInstanceOf(MongoBulkWriteError);
    expect((bulk as MongoBulkWriteError).writeErrors).toMatchObject([{ index: 1, code: 121 }]);
    expect(await coll.find().sort({ _id: 1 }).toArray()).toEqual([
      { _id: 1, x: 'a' },
      { _id: 2, x: 'still' },
    ]);
  });

  it("validationLevel 'moderate' leaves documents that did not match alone", async () => {
    const coll = db.collection<Doc>(name());
    await coll.insertMany([
      { _id: 1, x: 1 },
      { _id: 2, x: 'b' },
    ]);
    await db.command({
      collMod: coll.collectionName,
      validator: stringX,
      validationLevel: 'moderate',
    });
    await coll.updateOne({ _id: 1 }, { $set: { x: 10 } });
    await expect(coll.updateOne({ _id: 2 }, { $set: { x: 20 } })).rejects.toMatchObject({
      code: 121,
    });
    expect(await coll.find().sort({ _id: 1 }).toArray()).toEqual([
      { _id: 1, x: 10 },
      { _id: 2, x: 'b' },
    ]);
  });

  it('a bad validationLevel is refused and changes nothing', async () => {
    const coll = await db.createCollection<Doc>(name(), { validator: stringX });
    await expect(
      db.command({ collMod: coll.collectionName, validator: {}, validationLevel: 'sometimes' }),
    ).rejects.toBeInstanceOf(MongoServerError);
    await expect(coll.insertOne({ _id: 1, x: 1 })).rejects.toMatchObject({ code: 121 });
  });
});
