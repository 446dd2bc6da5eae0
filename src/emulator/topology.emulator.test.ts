// MongoDB-facing: runs against the emulator, or against MONGODB_URI when set.
import { MongoClient, type ServerHeartbeatSucceededEvent } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, type TestDatabase } from './test-target';

let target: TestDatabase;

/** The driver's view of the deployment (an internal the driver does not type publicly). */
function topologyOf(client: MongoClient) {
  return (client as unknown as { topology?: { description: { type: string; setName?: string } } })
    .topology?.description;
}

beforeAll(async () => {
  target = await openTestDatabase();
});
afterAll(async () => {
  await target.close();
});

describe('replica-set topology as the driver sees it', () => {
  it('is discovered as a replica set with a writable primary', async () => {
    const description = topologyOf(target.client);
    expect(description?.type).toBe('ReplicaSetWithPrimary');
    expect(description?.setName).toBeTruthy();
  });

  it('supports sessions', async () => {
    const session = target.client.startSession();
    try {
      const coll = target.client.db(target.dbName).collection('sessions');
      await coll.insertOne({ a: 1 }, { session });
      expect(await coll.countDocuments({}, { session })).toBe(1);
    } finally {
      await session.endSession();
    }
  });

  it('works with directConnection=true', async (ctx) => {
    if (!target.usingEmulator) ctx.skip('MONGODB_URI may name several hosts');
    const client = new MongoClient(`${target.uri}&directConnection=true`);
    try {
      await client.connect();
      expect(await client.db('admin').command({ ping: 1 })).toMatchObject({ ok: 1 });
      expect(topologyOf(client)?.type).toBe('Single');
    } finally {
      await client.close();
    }
  });

  it('keeps answering the streaming heartbeat', async () => {
    const client = new MongoClient(target.uri, { heartbeatFrequencyMS: 500 });
    const awaited: ServerHeartbeatSucceededEvent[] = [];
    const twoAwaited = new Promise<void>((resolve) => {
      client.on('serverHeartbeatSucceeded', (event) => {
        if (event.awaited) awaited.push(event);
        if (awaited.length === 2) resolve();
      });
    });
    try {
      await client.connect();
      await twoAwaited;
      expect(awaited[1]!.reply.ok).toBe(1);
      expect(await client.db('admin').command({ ping: 1 })).toMatchObject({ ok: 1 });
    } finally {
      await client.close();
    }
  });
});
