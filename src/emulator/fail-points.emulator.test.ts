// MongoDB-facing: runs against the emulator, or against MONGODB_URI when set (which then needs
// a server started with enableTestCommands=1 for configureFailPoint).
import { MongoClient, MongoServerError, type Db, type Document } from 'mongodb';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, type TestDatabase } from './test-target';

let target: TestDatabase;
let db: Db;

async function failCommand(mode: Document | string, data: Document = {}) {
  await target.client.db('admin').command({
    configureFailPoint: 'failCommand',
    mode,
    data: { appName: target.appName, ...data },
  });
}

/**
 * `onPrimaryTransactionalWrite`. mongod ignores `appName` for it (the emulator honours it), so
 * against a shared MONGODB_URI deployment it fires for any client's retryable write.
 */
async function transactionalWriteFailPoint(mode: Document | string, data: Document = {}) {
  await target.client.db('admin').command({
    configureFailPoint: 'onPrimaryTransactionalWrite',
    mode,
    data: { appName: target.appName, ...data },
  });
}

/** Runs `find` and reports the error code, or 0 on success. */
async function findCode(): Promise<number> {
  try {
    await db.collection('fp').findOne({});
    return 0;
  } catch (error) {
    return (error as MongoServerError).code as number;
  }
}

beforeAll(async () => {
  target = await openTestDatabase();
  db = target.client.db(target.dbName);
});
afterEach(async () => {
  await failCommand('off');
  await transactionalWriteFailPoint('off');
});
afterAll(async () => {
  await target.close();
});

describe('failCommand', () => {
  it('times: n fails the next n matching commands, then stops', async () => {
    await failCommand({ times: 2 }, { failCommands: ['find'], errorCode: 2 });
    expect([await findCode(), await findCode(), await findCode()]).toEqual([2, 2, 0]);
  });

  it('skip: n lets n commands through, then fails the rest', async () => {
    await failCommand({ skip: 1 }, { failCommands: ['find'], errorCode: 2 });
    expect([await findCode(), await findCode(), await findCode()]).toEqual([0, 2, 2]);
  });

  it('alwaysOn fails until off', async () => {
    await failCommand('alwaysOn', { failCommands: ['find'], errorCode: 96 });
    expect([await findCode(), await findCode()]).toEqual([96, 96]);
    await failCommand('off');
    expect(await findCode()).toBe(0);
  });

  it('reports the configured errorLabels and leaves other commands alone', async () => {
    await failCommand('alwaysOn', {
      failCommands: ['find'],
      errorCode: 2,
      errorLabels: ['SomeLabel'],
    });
    const error = await db
      .collection('fp')
      .findOne({})
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MongoServerError);
    expect((error as MongoServerError).hasErrorLabel('SomeLabel')).toBe(true);
    expect(await db.collection('fp').countDocuments()).toBe(0);
  });

  it('closeConnection drops the connection; the driver retries the write once', async () => {
    await failCommand({ times: 1 }, { failCommands: ['insert'], closeConnection: true });
    await db.collection('retried').insertOne({ _id: 'once' as never });
    expect(await db.collection('retried').countDocuments()).toBe(1);
  });

  it('blockConnection holds the command while other connections carry on', async () => {
    await failCommand(
      { times: 1 },
      { failCommands: ['find'], blockConnection: true, blockTimeMS: 500 },
    );
    const finished: string[] = [];
    const blocked = db
      .collection('fp')
      .findOne({})
      .then(() => finished.push('find'));
    await db.command({ ping: 1 });
    finished.push('ping');
    await blocked;
    expect(finished).toEqual(['ping', 'find']);
  });

  it('appName limits the fail point to one client', async () => {
    const appName = `${target.appName}-victim`;
    await failCommand('alwaysOn', { failCommands: ['find'], errorCode: 2, appName });
    const victim = new MongoClient(target.uri, { appName });
    try {
      const error = await victim
        .db(target.dbName)
        .collection('fp')
        .findOne({})
        .catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 2 });
      expect(await findCode()).toBe(0);
    } finally {
      await victim.close();
    }
  });
});

describe('retryable writes', () => {
  const shutdown = { code: 91, errmsg: 'Replication is being shut down' };

  /** The replies to `name` commands of `client` while `run` runs. */
  async function repliesWhile(client: MongoClient, name: string, run: () => Promise<unknown>) {
    const replies: Document[] = [];
    const onSucceeded = (e: { commandName: string; reply: unknown }) => {
      if (e.commandName === name) replies.push(e.reply as Document);
    };
    client.on('commandSucceeded', onSucceeded);
    try {
      await run();
    } finally {
      client.off('commandSucceeded', onSucceeded);
    }
    return replies;
  }

  it('a retriable writeConcernError is labelled RetryableWriteError; the retry is not applied twice', async () => {
    const client = new MongoClient(target.uri, { appName: target.appName, monitorCommands: true });
    try {
      const coll = client.db(target.dbName).collection('retried');
      await failCommand({ times: 1 }, { failCommands: ['insert'], writeConcernError: shutdown });
      const replies = await repliesWhile(client, 'insert', () => coll.insertOne({ i: 1 }));
      expect(replies).toHaveLength(2);
      expect(replies[0]!.errorLabels).toContain('RetryableWriteError');
      expect(replies[0]!.writeConcernError).toMatchObject({ code: 91 });
      expect(replies[1]!.writeConcernError).toBeUndefined();
      expect(await coll.countDocuments({ i: 1 })).toBe(1);
    } finally {
      await client.close();
    }
  });

  it('a retry that meets the writeConcernError again fails with it, still applied once', async () => {
    const client = new MongoClient(target.uri, { appName: target.appName });
    try {
      const coll = client.db(target.dbName).collection('retried-twice');
      await failCommand({ times: 2 }, { failCommands: ['insert'], writeConcernError: shutdown });
      const error = await coll.insertOne({ i: 1 }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 91 });
      expect((error as MongoServerError).errorLabels).toContain('RetryableWriteError');
      expect(await coll.countDocuments({ i: 1 })).toBe(1);
    } finally {
      await client.close();
    }
  });

  it('without retryable writes the writeConcernError reaches the caller, applied once', async () => {
    const client = new MongoClient(target.uri, { appName: target.appName, retryWrites: false });
    try {
      const coll = client.db(target.dbName).collection('not-retried');
      await failCommand({ times: 1 }, { failCommands: ['insert'], writeConcernError: shutdown });
      const error = await coll.insertOne({ i: 1 }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 91 });
      expect(await coll.countDocuments({ i: 1 })).toBe(1);
    } finally {
      await client.close();
    }
  });
});

describe('onPrimaryTransactionalWrite', () => {
  /** A client that counts the attempts of each command (started events). */
  async function withCountingClient(run: (db: Db, attempts: Map<string, number>) => Promise<void>) {
    const client = new MongoClient(target.uri, { appName: target.appName, monitorCommands: true });
    const attempts = new Map<string, number>();
    client.on('commandStarted', (e) =>
      attempts.set(e.commandName, (attempts.get(e.commandName) ?? 0) + 1),
    );
    try {
      await run(client.db(target.dbName), attempts);
    } finally {
      await client.close();
    }
  }

  it('closes the connection after the write; the retry is answered without applying it again', async () => {
    await withCountingClient(async (clientDb, attempts) => {
      const coll = clientDb.collection<{ _id: number; x: number }>('tw-update');
      await coll.insertOne({ _id: 1, x: 10 });
      await transactionalWriteFailPoint({ times: 1 });
      const result = await coll.updateOne({ _id: 1 }, { $inc: { x: 1 } });
      expect(attempts.get('update')).toBe(2);
      expect(result).toMatchObject({ matchedCount: 1, modifiedCount: 1 });
      expect(await coll.findOne({ _id: 1 })).toEqual({ _id: 1, x: 11 });
    });
  });

  it('remembers each statement of a batch: a retry runs only the ones not applied', async () => {
    await withCountingClient(async (clientDb, attempts) => {
      const coll = clientDb.collection<{ _id: number; x: number }>('tw-batch');
      await coll.insertMany([
        { _id: 1, x: 10 },
        { _id: 2, x: 20 },
      ]);
      // Lets the first statement through, then fails every later one: the second statement is
      // applied before its connection closes, so the retry must apply neither again.
      await transactionalWriteFailPoint({ skip: 1 });
      const result = await coll.bulkWrite(
        [
          { updateOne: { filter: { _id: 1 }, update: { $inc: { x: 1 } } } },
          { updateOne: { filter: { _id: 2 }, update: { $inc: { x: 1 } } } },
        ],
        { ordered: true },
      );
      expect(attempts.get('update')).toBe(2);
      expect(result.modifiedCount).toBe(2);
      expect(await coll.find().sort({ _id: 1 }).toArray()).toEqual([
        { _id: 1, x: 11 },
        { _id: 2, x: 21 },
      ]);
    });
  });

  it('failBeforeCommitExceptionCode keeps the write from being applied; the retry applies it', async () => {
    await withCountingClient(async (clientDb, attempts) => {
      const coll = clientDb.collection<{ _id: number }>('tw-insert');
      await transactionalWriteFailPoint({ times: 1 }, { failBeforeCommitExceptionCode: 1 });
      await coll.insertOne({ _id: 1 });
      expect(attempts.get('insert')).toBe(2);
      expect(await coll.find().toArray()).toEqual([{ _id: 1 }]);
    });
  });

  it('a write failed before commit on every attempt is never applied', async () => {
    await withCountingClient(async (clientDb) => {
      const coll = clientDb.collection<{ _id: number; x: number }>('tw-never');
      await coll.insertOne({ _id: 1, x: 10 });
      await transactionalWriteFailPoint({ times: 2 }, { failBeforeCommitExceptionCode: 1 });
      const error = await coll
        .findOneAndUpdate({ _id: 1 }, { $inc: { x: 1 } })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(Error);
      expect(await coll.findOne({ _id: 1 })).toEqual({ _id: 1, x: 10 });
    });
  });

  it('does not touch writes without a transaction number', async () => {
    const client = new MongoClient(target.uri, { appName: target.appName, retryWrites: false });
    try {
      const coll = client.db(target.dbName).collection<{ _id: number }>('tw-plain');
      await transactionalWriteFailPoint('alwaysOn', { failBeforeCommitExceptionCode: 1 });
      await coll.insertOne({ _id: 1 });
      expect(await coll.countDocuments()).toBe(1);
    } finally {
      await client.close();
    }
  });
});
