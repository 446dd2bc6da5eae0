// MongoDB-facing: needs a deployment whose change history can be rolled over quickly, which
// only the emulator (historySize: 5) gives; against MONGODB_URI these tests skip, saying why.
import type { ChangeStream, Db, Document } from 'mongodb';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { started, take } from './stream-helpers';
import { openTestDatabase, type TestDatabase } from './test-target';

const HISTORY = 5;
const SKIP_REASON = 'rolling over a real oplog is not practical in a test';
let target: TestDatabase;
let db: Db;
const streams: ChangeStream[] = [];

beforeAll(async () => {
  target = await openTestDatabase({ emulator: { historySize: HISTORY } });
  db = target.client.db(target.dbName);
});
afterEach(async () => {
  await Promise.all(streams.splice(0).map((s) => s.close()));
});
afterAll(async () => {
  await target.close();
});

function watch(name: string, options: Document = {}) {
  const stream = db
    .collection(name)
    .watch<Document, Document>([], { maxAwaitTimeMS: 100, ...options });
  streams.push(stream as unknown as ChangeStream);
  return stream;
}

describe('bounded change history', () => {
  it('resuming from a token older than the history fails with 286 ChangeStreamHistoryLost', async (ctx) => {
    if (!target.usingEmulator) ctx.skip(SKIP_REASON);
    const coll = db.collection('lost1');
    const first = await started(watch('lost1'));
    await coll.insertOne({ i: 0 });
    const [event] = await take(first, 1);
    await coll.insertMany(Array.from({ length: HISTORY + 1 }, (_, i) => ({ i: i + 1 })));
    const error = await watch('lost1', { resumeAfter: event!._id })
      .next()
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 286, codeName: 'ChangeStreamHistoryLost' });
    expect((error as { errorLabels: string[] }).errorLabels).toContain(
      'NonResumableChangeStreamError',
    );
  });

  it('resuming from a token still in the history works', async (ctx) => {
    if (!target.usingEmulator) ctx.skip(SKIP_REASON);
    const coll = db.collection('kept');
    const first = await started(watch('kept'));
    await coll.insertMany([{ i: 0 }, { i: 1 }, { i: 2 }]);
    const [event] = await take(first, 1);
    const again = watch('kept', { resumeAfter: event!._id });
    expect((await take(again, 2)).map((e) => e.fullDocument.i)).toEqual([1, 2]);
  });

  it('a stream that falls behind the history fails with 286 and is not resumed', async (ctx) => {
    if (!target.usingEmulator) ctx.skip(SKIP_REASON);
    const coll = db.collection('lost2');
    const stream = await started(watch('lost2', { batchSize: 1 }));
    await coll.insertMany(Array.from({ length: HISTORY * 3 }, (_, i) => ({ i })));
    const error = await take(stream, HISTORY * 3).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 286 });
    expect(stream.closed).toBe(true);
  });
});

describe('a token from another history', () => {
  // An emulator restarted empty on the same port has none of the old history; a real server
  // whose oplog no longer holds the point answers 286 too. Resuming must not silently start
  // from "now" (the watcher would miss everything in between without knowing).
  it('fails with 286 after the emulator restarts empty, even once it has more changes', async (ctx) => {
    if (!target.usingEmulator) ctx.skip('restarting a real deployment empty is not a test step');
    const { startEmulator } = await import('./server');
    const { MongoClient } = await import('mongodb');
    const first = await startEmulator();
    const client1 = new MongoClient(first.uri);
    const coll1 = client1.db('restart').collection('calls');
    const stream1 = coll1.watch([], { maxAwaitTimeMS: 100 });
    await started(stream1);
    await coll1.insertMany([{ i: 0 }, { i: 1 }]);
    const [event] = await take(stream1, 1);
    await stream1.close();
    await client1.close();
    await first.stop();

    const second = await startEmulator({ port: first.port });
    const client2 = new MongoClient(second.uri);
    try {
      const coll2 = client2.db('restart').collection('calls');
      await coll2.insertMany([{ i: 10 }, { i: 11 }, { i: 12 }]);
      const resumed = coll2.watch([], { maxAwaitTimeMS: 100, resumeAfter: event!._id });
      const error = await resumed.next().catch((e: unknown) => e);
      await resumed.close();
      expect(error).toMatchObject({ code: 286, codeName: 'ChangeStreamHistoryLost' });
    } finally {
      await client2.close();
      await second.stop();
    }
  });
});
