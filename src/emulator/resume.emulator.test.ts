// MongoDB-facing: runs against the emulator, or against MONGODB_URI when set (the fail-point
// tests then need a server started with enableTestCommands=1).
import type {
  ChangeStream,
  ChangeStreamOptions,
  Collection,
  CommandFailedEvent,
  CommandStartedEvent,
  CommandSucceededEvent,
  Db,
  Document,
  ServerDescriptionChangedEvent,
} from 'mongodb';
import { MongoServerError, Timestamp, type Long } from 'mongodb';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { started, take } from './stream-helpers';
import { openTestDatabase, type TestDatabase } from './test-target';

let target: TestDatabase;
let db: Db;
let n = 0;
const streams: ChangeStream[] = [];
const fresh = () => db.collection(`resume${++n}`);
const AWAIT = { maxAwaitTimeMS: 100 };
/** Cursor ids stay Longs (a real server's are 64-bit). */
const RAW_LONGS = { promoteLongs: false };

function watch(coll: Collection, options: ChangeStreamOptions = {}) {
  const stream = coll.watch<Document, Document>([], { ...AWAIT, ...options });
  streams.push(stream as unknown as ChangeStream);
  return stream;
}

async function failPoint(name: string, mode: Document | string, data: Document) {
  await target.client.db('admin').command({
    configureFailPoint: name,
    mode,
    data: { ...data, appName: target.appName },
  });
}
const failCommand = (mode: Document | string, data: Document) =>
  failPoint('failCommand', mode, data);
const failAfterCheckout = (mode: Document | string, data: Document) =>
  failPoint('failGetMoreAfterCursorCheckout', mode, data);

/** Records the commands the client starts, succeeds and fails, from now until stop(). */
function monitor() {
  const startedCommands: CommandStartedEvent[] = [];
  const succeeded: CommandSucceededEvent[] = [];
  const failed: CommandFailedEvent[] = [];
  const onStarted = (e: CommandStartedEvent) => startedCommands.push(e);
  const onSucceeded = (e: CommandSucceededEvent) => succeeded.push(e);
  const onFailed = (e: CommandFailedEvent) => failed.push(e);
  target.client.on('commandStarted', onStarted);
  target.client.on('commandSucceeded', onSucceeded);
  target.client.on('commandFailed', onFailed);
  return {
    started: (name: string) => startedCommands.filter((e) => e.commandName === name),
    succeeded: (name: string) => succeeded.filter((e) => e.commandName === name),
    failed: (name: string) => failed.filter((e) => e.commandName === name),
    stop() {
      target.client.off('commandStarted', onStarted);
      target.client.off('commandSucceeded', onSucceeded);
      target.client.off('commandFailed', onFailed);
    },
  };
}

beforeAll(async () => {
  target = await openTestDatabase({ clientOptions: { monitorCommands: true } });
  db = target.client.db(target.dbName);
});
afterEach(async () => {
  await failCommand('off', {}).catch(() => {});
  await failAfterCheckout('off', {}).catch(() => {});
  await Promise.all(streams.splice(0).map((s) => s.close()));
});
afterAll(async () => {
  await target.close();
});

describe('resuming explicitly', () => {
  it('resumeAfter continues after the given event', async () => {
    const coll = fresh();
    const first = await started(watch(coll));
    await coll.insertMany([{ i: 1 }, { i: 2 }, { i: 3 }]);
    const [one] = await take(first, 3);
    const again = watch(coll, { resumeAfter: one!._id });
    expect((await take(again, 2)).map((e) => e.fullDocument.i)).toEqual([2, 3]);
  });

  it('startAfter continues past an invalidate; resumeAfter may not', async () => {
    const coll = fresh();
    await coll.insertOne({ i: 0 });
    const first = await started(watch(coll));
    await coll.drop();
    const [, invalidate] = await take(first, 2);
    expect(invalidate!.operationType).toBe('invalidate');
    await coll.insertOne({ i: 1 });
    const after = watch(coll, { startAfter: invalidate!._id });
    const [insert] = await take(after, 1);
    expect(insert).toMatchObject({ operationType: 'insert', fullDocument: { i: 1 } });
    const refused = watch(coll, { resumeAfter: invalidate!._id });
    expect(await refused.next().catch((e: unknown) => e)).toMatchObject({ code: 260 });
  });

  it('startAtOperationTime starts at the change made at that time', async () => {
    const coll = fresh();
    const first = await started(watch(coll));
    await coll.insertMany([{ i: 1 }, { i: 2 }, { i: 3 }], { ordered: true });
    const [, two] = await take(first, 3);
    const again = watch(coll, { startAtOperationTime: two!.clusterTime });
    expect((await take(again, 2)).map((e) => e.fullDocument.i)).toEqual([2, 3]);
  });

  it('startAtOperationTime in the future skips changes made before it', async (ctx) => {
    if (!target.usingEmulator) ctx.skip('real servers may refuse a start time in the future');
    const coll = fresh();
    const later = new Timestamp({ t: Math.floor(Date.now() / 1000) + 3600, i: 0 });
    const stream = await started(watch(coll, { startAtOperationTime: later }));
    await coll.insertOne({ i: 1 });
    expect(await stream.tryNext()).toBeNull();
  });

  it('every batch carries a postBatchResumeToken, and an idle stream has a resume token', async () => {
    const commands = monitor();
    const coll = fresh();
    const stream = await started(watch(coll));
    expect(stream.resumeToken).toBeTruthy();
    await coll.insertOne({ i: 1 });
    await take(stream, 1);
    commands.stop();
    const replies = [...commands.succeeded('aggregate'), ...commands.succeeded('getMore')];
    expect(replies.length).toBeGreaterThanOrEqual(2);
    for (const reply of replies)
      expect((reply.reply as Document).cursor.postBatchResumeToken).toBeTruthy();
  });

  it('an awaitData getMore returns as soon as an event arrives', async () => {
    const coll = fresh();
    // Longer than the test timeout: if the waiting getMore did not wake up, the test fails.
    const stream = watch(coll, { maxAwaitTimeMS: 60_000 });
    const commands = monitor();
    const getMoreStarted = new Promise<void>((resolve) => {
      const onStarted = (e: CommandStartedEvent) => {
        if (e.commandName !== 'getMore') return;
        target.client.off('commandStarted', onStarted);
        resolve();
      };
      target.client.on('commandStarted', onStarted);
    });
    const next = stream.next();
    await getMoreStarted;
    await coll.insertOne({ i: 1 });
    expect((await next).fullDocument.i).toBe(1);
    commands.stop();
    const batches = commands
      .succeeded('getMore')
      .map((e) => (e.reply as Document).cursor.nextBatch.length);
    expect(batches).toEqual([1]);
  });
});

describe('the driver resumes by itself', () => {
  it('after a getMore error 6 labelled ResumableChangeStreamError, with one new aggregate', async () => {
    const coll = fresh();
    const stream = await started(watch(coll));
    await coll.insertOne({ i: 1 });
    await take(stream, 1);
    const lastToken = stream.resumeToken;
    await failCommand(
      { times: 1 },
      { failCommands: ['getMore'], errorCode: 6, errorLabels: ['ResumableChangeStreamError'] },
    );
    const commands = monitor();
    await coll.insertOne({ i: 2 });
    const [event] = await take(stream, 1);
    commands.stop();
    expect(event!.fullDocument.i).toBe(2);
    expect(commands.failed('getMore').map((e) => (e.failure as { code?: number }).code)).toEqual([
      6,
    ]);
    const aggregates = commands.started('aggregate');
    expect(aggregates).toHaveLength(1);
    expect(aggregates[0]!.command.pipeline[0].$changeStream.resumeAfter).toEqual(lastToken);
  });

  it('after the connection closes mid-stream', async () => {
    const coll = fresh();
    const stream = await started(watch(coll));
    await coll.insertOne({ i: 1 });
    await take(stream, 1);
    await failCommand({ times: 1 }, { failCommands: ['getMore'], closeConnection: true });
    const commands = monitor();
    await coll.insertMany([{ i: 2 }, { i: 3 }]);
    const events = await take(stream, 2);
    commands.stop();
    expect(events.map((e) => e.fullDocument.i)).toEqual([2, 3]);
    expect(commands.failed('getMore')).toHaveLength(1);
    expect(commands.started('aggregate')).toHaveLength(1);
  });

  it('but not after an error on the initial aggregate', async () => {
    const coll = fresh();
    // Code 2 is not a retryable-read error, so the driver's read retry stays out of the way;
    // the label alone would make a getMore error resumable, but not an aggregate error.
    await failCommand(
      { times: 1 },
      { failCommands: ['aggregate'], errorCode: 2, errorLabels: ['ResumableChangeStreamError'] },
    );
    const commands = monitor();
    const error = await watch(coll)
      .next()
      .catch((e: unknown) => e);
    commands.stop();
    expect(error).toMatchObject({ code: 2 });
    expect(commands.started('aggregate')).toHaveLength(1);
  });
});

/**
 * Codes a 7.0 server labels ResumableChangeStreamError on a change stream's getMore, written
 * out from the change-streams spec (change-streams-resume-errorLabels); StaleShardVersion (63)
 * is left out as the spec does for servers after 6.0.
 */
const RESUMABLE_BY_SPEC: [string, number][] = [
  ['HostUnreachable', 6],
  ['HostNotFound', 7],
  ['NetworkTimeout', 89],
  ['ShutdownInProgress', 91],
  ['PrimarySteppedDown', 189],
  ['ExceededTimeLimit', 262],
  ['SocketException', 9001],
  ['NotWritablePrimary', 10107],
  ['InterruptedAtShutdown', 11600],
  ['InterruptedDueToReplStateChange', 11602],
  ['NotPrimaryNoSecondaryOk', 13435],
  ['NotPrimaryOrSecondary', 13436],
  ['StaleEpoch', 150],
  ['RetryChangeStream', 234],
  ['FailedToSatisfyReadPreference', 133],
];

/** Starts a stream that has seen one event; returns it with its resume token. */
async function streamPastOneEvent(coll: Collection) {
  const stream = await started(watch(coll));
  await coll.insertOne({ i: 1 });
  await take(stream, 1);
  return { stream, token: stream.resumeToken };
}

describe('error labels decide whether the driver resumes (server 4.4+ rules)', () => {
  it.each(RESUMABLE_BY_SPEC)(
    'resumes after %s (%i) raised once the getMore holds its cursor',
    async (_name, code) => {
      const coll = fresh();
      const { stream, token } = await streamPastOneEvent(coll);
      await failAfterCheckout({ times: 1 }, { errorCode: code });
      const commands = monitor();
      await coll.insertOne({ i: 2 });
      const [event] = await take(stream, 1);
      commands.stop();
      expect(event!.fullDocument.i).toBe(2);
      const failures = commands.failed('getMore').map((e) => e.failure as MongoServerError);
      expect(failures.map((f) => f.code)).toEqual([code]);
      expect(failures[0]!.errorLabels).toContain('ResumableChangeStreamError');
      const aggregates = commands.started('aggregate');
      expect(aggregates).toHaveLength(1);
      expect(aggregates[0]!.command.pipeline[0].$changeStream.resumeAfter).toEqual(token);
    },
  );

  it('a NotWritablePrimary carries the topologyVersion, so the driver keeps its primary', async () => {
    const coll = fresh();
    const { stream } = await streamPastOneEvent(coll);
    const unknown: string[] = [];
    const onChange = (e: ServerDescriptionChangedEvent) => {
      if (e.newDescription.type === 'Unknown') unknown.push(e.address);
    };
    target.client.on('serverDescriptionChanged', onChange);
    const commands = monitor();
    try {
      await failAfterCheckout({ times: 1 }, { errorCode: 10107 });
      await coll.insertOne({ i: 2 });
      expect((await take(stream, 1))[0]!.fullDocument.i).toBe(2);
    } finally {
      commands.stop();
      target.client.off('serverDescriptionChanged', onChange);
    }
    const [failure] = commands.failed('getMore').map((e) => e.failure as MongoServerError);
    expect(failure?.topologyVersion?.processId).toBeTruthy();
    expect(unknown).toEqual([]);
  });

  it('does not resume after failCommand HostUnreachable on getMore without labels', async () => {
    const coll = fresh();
    const { stream } = await streamPastOneEvent(coll);
    await failCommand({ times: 1 }, { failCommands: ['getMore'], errorCode: 6 });
    const commands = monitor();
    await coll.insertOne({ i: 2 });
    const error = await stream.next().catch((e: unknown) => e);
    commands.stop();
    expect(error).toBeInstanceOf(MongoServerError);
    expect(error).toMatchObject({ code: 6 });
    expect((error as MongoServerError).errorLabels).not.toContain('ResumableChangeStreamError');
    expect(commands.started('aggregate')).toHaveLength(0);
  });

  it('does not resume after a non-resumable error once the getMore holds its cursor', async () => {
    const coll = fresh();
    const { stream } = await streamPastOneEvent(coll);
    await failAfterCheckout({ times: 1 }, { errorCode: 2 });
    const commands = monitor();
    const error = await stream.next().catch((e: unknown) => e);
    commands.stop();
    expect(error).toMatchObject({ code: 2 });
    expect((error as MongoServerError).errorLabels).toEqual([]);
    expect(commands.started('aggregate')).toHaveLength(0);
  });

  /** A find cursor on a collection of five documents, one per batch; `getMore` for it. */
  async function openFindCursor(coll: Collection) {
    const reply = await db.command({ find: coll.collectionName, batchSize: 1 }, RAW_LONGS);
    return { getMore: reply.cursor.id as Long, collection: coll.collectionName, batchSize: 1 };
  }

  it('labels nothing and kills the cursor when the getMore is not a change stream', async () => {
    const coll = fresh();
    await coll.insertMany(Array.from({ length: 5 }, (_, i) => ({ i })));
    const getMore = await openFindCursor(coll);
    await failAfterCheckout({ times: 1 }, { errorCode: 6 });
    const error = await db.command(getMore).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 6 });
    expect((error as MongoServerError).errorLabels).toEqual([]);
    expect(await db.command(getMore).catch((e: unknown) => e)).toMatchObject({ code: 43 });
  });

  it('fails only its own client (appName), as many times as asked', async () => {
    const coll = fresh();
    await coll.insertMany(Array.from({ length: 5 }, (_, i) => ({ i })));
    const [first, second] = [await openFindCursor(coll), await openFindCursor(coll)];
    await target.client.db('admin').command({
      configureFailPoint: 'failGetMoreAfterCursorCheckout',
      mode: { times: 1 },
      data: { errorCode: 6, appName: `${target.appName}-someone-else` },
    });
    await expect(db.command(first)).resolves.toMatchObject({ ok: 1 });
    await failAfterCheckout({ times: 1 }, { errorCode: 6 });
    await expect(db.command(first)).rejects.toMatchObject({ code: 6 });
    await expect(db.command(second)).resolves.toMatchObject({ ok: 1 });
  });
});

describe('many watchers', () => {
  it('50 concurrent change streams each see every event in order', async () => {
    const coll = fresh();
    const many = await Promise.all(Array.from({ length: 50 }, () => started(watch(coll))));
    const count = 20;
    await coll.insertMany(Array.from({ length: count }, (_, i) => ({ i })));
    const seen = await Promise.all(many.map((s) => take(s, count, 20_000)));
    for (const events of seen) {
      expect(events.map((e) => e.fullDocument.i)).toEqual(
        Array.from({ length: count }, (_, i) => i),
      );
    }
  });
});
