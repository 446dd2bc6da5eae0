import { afterEach, describe, expect, it } from 'vitest';
import type { ActiveCallsPayload, CallsBatchPayload } from '../shared/protocol/events';
import { rawClient } from './gateway-raw-client.test-support';
import { nextEvent, startTestServer, until, type TestServer } from './test-support';

const call = (callSid: string, status: string) => ({ _id: `id-${callSid}`, callSid, status });

let t: TestServer | null = null;
afterEach(async () => {
  await t?.close();
  t = null;
});

/** The ids of this process's sockets in `room` (the in-memory adapter's view). */
function roomIds(room: string): string[] {
  return [...(t!.server.gateway()!.io.of('/').adapter.rooms.get(room) ?? [])].sort();
}

describe('gateway rooms: one broadcast per stream and client mode', () => {
  it('keeps seed subscribers in the seed rooms and gives each v2 mode a room of its own', async () => {
    t = await startTestServer();
    const seed = t.client();
    const batch = t.client();
    const perKey = t.client();
    await nextEvent(seed, 'connect');
    seed.emit('subscribe:calls');
    seed.emit('subscribe:campaigns');
    await batch.emitWithAck('subscribe:calls', { v: 2 });
    await perKey.emitWithAck('subscribe:calls', { v: 2, batch: false });
    await until(() => t!.server.hub.counters().subscribers === 4, 'four subscriptions');

    expect(roomIds('calls_room')).toEqual([seed.id]);
    expect(roomIds('campaigns_room')).toEqual([seed.id]);
    const rooms = t.server.gateway()!.io.of('/').adapter.rooms;
    const v2Rooms = [...rooms.keys()].filter((r) => r.startsWith('calls_room:'));
    expect(v2Rooms).toHaveLength(2);
    expect(v2Rooms.map(roomIds).sort()).toEqual([[batch.id], [perKey.id]].sort());

    // One flush of two changes: each room gets its own shape.
    const seedBatch = nextEvent<CallsBatchPayload>(seed, 'calls_batch_update');
    const v2Batch = nextEvent<CallsBatchPayload>(batch, 'calls_batch_update');
    const perKeySeen: number[] = [];
    perKey.on('call_update', (p) => perKeySeen.push(p.seq!));
    t.server.hub.ingest('calls', [{ doc: call('a', 'ringing') }, { doc: call('b', 'queued') }]);
    expect(Object.keys(await seedBatch).sort()).toEqual(['calls', 'timestamp']);
    expect(await v2Batch).toMatchObject({ v: 2, fromSeq: 1, seq: 2 });
    await until(() => perKeySeen.length === 2, 'one event per key');
    expect(perKeySeen).toEqual([1, 2]);

    // Leaving: unsubscribe, or a new mode, moves the socket out of its room.
    seed.emit('unsubscribe:calls');
    await batch.emitWithAck('subscribe:calls', { v: 2, batch: false });
    await until(() => roomIds('calls_room').length === 0, 'the seed socket to leave');
    const perKeyRoom = v2Rooms.find((r) => roomIds(r).includes(perKey.id!))!;
    expect(roomIds(perKeyRoom)).toEqual([batch.id, perKey.id].sort());
    expect(roomIds('campaigns_room')).toEqual([seed.id]);
  });

  it('sends a seed client the seed bytes exactly', async () => {
    t = await startTestServer();
    const raw = rawClient(t.url, '["subscribe:calls"]');
    await until(() => raw.frames.length === 1, 'the snapshot');
    const snapshot = JSON.parse(raw.frames[0]!.slice(2)) as [string, { timestamp: string }];
    expect(raw.frames[0]).toBe(
      `42${JSON.stringify(['active_calls', { calls: [], count: 0, timestamp: snapshot[1].timestamp }])}`,
    );
    const doc = { ...call('a', 'ringing'), note: 'é "quoted" \n' };
    t.server.hub.ingest('calls', [{ doc }]);
    await until(() => raw.frames.length === 2, 'the update');
    const update = JSON.parse(raw.frames[1]!.slice(2)) as [string, { timestamp: string }];
    expect(raw.frames[1]).toBe(
      `42${JSON.stringify(['call_update', { call: doc, timestamp: update[1].timestamp }])}`,
    );
    expect(new Date(update[1].timestamp).toISOString()).toBe(update[1].timestamp);
    raw.ws.close();
  });

  it('sends a flush before anything the same job writes to a socket after it', async () => {
    t = await startTestServer();
    const hub = t.server.hub;
    hub.load('calls', [call('a', 'ringing')]);
    const seed = t.client();
    const v2 = t.client();
    const seedSeen: string[] = [];
    seed.on('call_update', (p) => seedSeen.push(`update ${p.call.callSid} ${p.call.status}`));
    seed.on('active_calls', (p) => seedSeen.push(`snapshot ${p.calls.map((c) => c.callSid)}`));
    const v2Seen: string[] = [];
    v2.on('calls_batch_update', (p) => v2Seen.push(`batch ${p.epoch} ${p.seq}`));
    v2.on('resync', (p) => v2Seen.push(`resync ${p.epoch}`));
    v2.on('active_calls', (p: ActiveCallsPayload) => v2Seen.push(`snapshot ${p.epoch} ${p.seq}`));
    await nextEvent(seed, 'connect');
    seed.emit('subscribe:calls');
    await v2.emitWithAck('subscribe:calls', { v: 2 });
    await until(() => seedSeen.length === 1 && v2Seen.length === 1, 'the first snapshots');
    const oldEpoch = hub.epoch;

    // One job: a change, then a new epoch (history lost). The change was committed first, so
    // it must not arrive after the new snapshot (a seed client could not tell it is stale).
    hub.ingest('calls', [{ doc: call('a', 'in-progress') }]);
    hub.flush();
    hub.reset('calls', [call('z', 'queued')], 'test: history lost');

    await until(() => seedSeen.length === 3 && v2Seen.length === 4, 'the change and the resync');
    expect(seedSeen).toEqual(['snapshot a', 'update a in-progress', 'snapshot z']);
    expect(v2Seen).toEqual([
      `snapshot ${oldEpoch} 1`,
      `batch ${oldEpoch} 2`,
      `resync ${hub.epoch}`,
      `snapshot ${hub.epoch} 0`,
    ]);
  });

  it('lets Socket.IO hooks see the live traffic (onAnyOutgoing)', async () => {
    t = await startTestServer();
    const io = t.server.gateway()!.io;
    const outgoing: string[] = [];
    io.on('connection', (socket) => socket.onAnyOutgoing((event: string) => outgoing.push(event)));
    const client = t.client();
    await client.emitWithAck('subscribe:calls', { v: 2 });
    const update = nextEvent<CallsBatchPayload>(client, 'calls_batch_update');
    t.server.hub.ingest('calls', [{ doc: call('a', 'ringing') }]);
    await update;
    expect(outgoing).toEqual(['active_calls', 'calls_batch_update']);
  });
});
