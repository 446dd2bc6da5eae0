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
