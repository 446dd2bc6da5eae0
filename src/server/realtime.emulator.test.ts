import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SubscribeAck } from '../shared/protocol/events';
import {
  configureFailPoint,
  startWatchedServer,
  stateClient,
  type StateClient,
  watchedServerTests,
} from './emulator-test-support';
import { createLogger, type LogRecord } from '../shared/log';
import { fileTokenStore, memoryTokenStore, type ResumeTokenStore } from './resume-token-store';
import { nextEvent, until } from './test-support';

const ctx = watchedServerTests('realtime');
const serve = ctx.serve;
function client(url: string): StateClient {
  const c = stateClient(url);
  ctx.defer(() => c.close());
  return c;
}
const calls = () => ctx.target.client.db(ctx.target.dbName).collection('calls');

describe('realtime server over MongoDB', () => {
  it('a write reaches a connected client', async () => {
    const { url } = await serve();
    const c = client(url);
    await c.socket.emitWithAck('subscribe:calls', { v: 2 });
    await calls().insertOne({ callSid: 'CA1', status: 'ringing', to: '+15550001' });
    await until(() => c.activeCallSids().includes('CA1'), 'CA1 to reach the client');
    expect(c.state().calls.get('CA1')?.call.to).toBe('+15550001');
  });

  it('takes active documents into the snapshot whatever the case of their status', async () => {
    await calls().insertMany([
      { callSid: 'lower', status: 'ringing' },
      { callSid: 'Title', status: 'In-progress' },
      { callSid: 'UPPER', status: 'QUEUED' },
      { callSid: 'done', status: 'Completed' },
    ]);
    const { url } = await serve();
    const c = client(url);
    await c.socket.emitWithAck('subscribe:calls', { v: 2 });
    await until(() => c.activeCallSids().length === 3, 'the three active calls');
    expect(c.activeCallSids()).toEqual(['Title', 'UPPER', 'lower']);
  });

  it('a seed-protocol client sees the snapshot and then updates, in seed shapes', async () => {
    await calls().insertOne({ callSid: 'A', status: 'queued' });
    const { url } = await serve();
    const c = client(url);
    const snapshot = nextEvent<Record<string, unknown>>(c.socket, 'active_calls');
    c.socket.emit('subscribe:calls');
    const snap = await snapshot;
    expect(Object.keys(snap).sort()).toEqual(['calls', 'count', 'timestamp']);
    expect(snap.count).toBe(1);
    const update = nextEvent<Record<string, unknown>>(c.socket, 'call_update');
    await calls().updateOne({ callSid: 'A' }, { $set: { status: 'completed', duration: 12 } });
    const u = await update;
    expect(Object.keys(u).sort()).toEqual(['call', 'timestamp']);
    expect(u.call).toMatchObject({ callSid: 'A', status: 'completed', duration: 12 });
    expect(typeof (u.call as { _id: unknown })._id).toBe('string');
  });

  it('a v2 client coming back with since gets exactly the missed events, in order', async () => {
    await calls().insertOne({ callSid: 'A', status: 'queued' });
    const { server, url } = await serve();
    const first = client(url);
    const ack = (await first.socket.emitWithAck('subscribe:calls', {
      v: 2,
      batch: false,
    })) as SubscribeAck;
    first.close();
    await until(() => server.hub.counters().subscribers === 0, 'the client to leave');
    // One at a time, so the hub does not coalesce B's insert and delete into nothing.
    const seqReaches = (n: number) =>
      until(() => server.hub.seq('calls') === ack.seq! + n, `the hub's change ${n}`);
    await calls().updateOne({ callSid: 'A' }, { $set: { status: 'ringing' } });
    await seqReaches(1);
    await calls().insertOne({ callSid: 'B', status: 'initiated' });
    await seqReaches(2);
    await calls().deleteOne({ callSid: 'B' });
    await seqReaches(3);

    const second = client(url);
    const replay = (await second.socket.emitWithAck('subscribe:calls', {
      v: 2,
      batch: false,
      since: { epoch: ack.epoch!, seq: ack.seq! },
    })) as SubscribeAck;
    expect(replay.mode).toBe('replay');
    await until(() => second.events.length >= 3, 'three replayed events');
    expect(
      second.events.map(([event, p]) => {
        const payload = p as { seq: number; call?: { callSid: string; status: string } };
        return [event, payload.seq, payload.call?.status ?? (p as { reason: string }).reason];
      }),
    ).toEqual([
      ['call_update', ack.seq! + 1, 'ringing'],
      ['call_update', ack.seq! + 2, 'initiated'],
      ['call_removed', ack.seq! + 3, 'deleted'],
    ]);
  });

  it('a restarted server resumes from its saved token: nothing lost, nothing duplicated', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'callboard-state-'));
    ctx.defer(() => rm(dir, { recursive: true, force: true }));
    await calls().insertMany([
      { callSid: 'A', status: 'ringing' },
      { callSid: 'B', status: 'in-progress' },
    ]);
    const one = await startWatchedServer(ctx.target, { tokenStore: fileTokenStore(dir) });
    await calls().insertOne({ callSid: 'C', status: 'queued' });
    await until(() => one.server.hub.snapshot('calls').docs.length === 3, 'C to reach server one');
    await one.server.stop();

    // While no server runs: A ends, B is deleted, D starts.
    await calls().updateOne({ callSid: 'A' }, { $set: { status: 'failed' } });
    await calls().deleteOne({ callSid: 'B' });
    await calls().insertOne({ callSid: 'D', status: 'initiated' });

    const two = await serve({ tokenStore: fileTokenStore(dir) });
    const c = client(two.url);
    await c.socket.emitWithAck('subscribe:calls', { v: 2 });
    await until(() => c.activeCallSids().join() === 'C,D', 'the client to hold C and D');
    // A's outcome, which happened while no server ran, came through the token replay: the
    // server's whole history since its start (replayed from seq 0) has it exactly once.
    await until(() => two.server.hub.seq('calls') >= 3, 'server two to take the outcome');
    const history = client(two.url);
    await history.socket.emitWithAck('subscribe:calls', {
      v: 2,
      batch: false,
      since: { epoch: two.server.hub.epoch, seq: 0 },
    });
    const seq = two.server.hub.seq('calls');
    await until(() => history.events.length >= seq, 'the replayed history');
    const versions = history.events.map(([, p]) => {
      const call = (p as { call: { callSid: string; status: string } }).call;
      return `${call.callSid}:${call.status}`;
    });
    expect(versions.sort()).toEqual(['A:failed', 'C:queued', 'D:initiated']);
  });

  it('loses nothing when the connection is closed mid-stream (failCommand)', async () => {
    const { server, url } = await serve();
    const c = client(url);
    await c.socket.emitWithAck('subscribe:calls', { v: 2 });
    const ok = await configureFailPoint(
      ctx.target,
      { times: 1 },
      {
        failCommands: ['getMore'],
        closeConnection: true,
      },
    );
    if (!ok) return expect.soft(ctx.target.usingEmulator).toBe(false); // real server without test commands
    const sids = Array.from({ length: 20 }, (_, i) => `F${String(i).padStart(2, '0')}`);
    for (const callSid of sids) await calls().insertOne({ callSid, status: 'queued' });
    await until(() => c.activeCallSids().length === 20, 'all 20 calls to reach the client', 10_000);
    expect(c.activeCallSids()).toEqual(sids);
    expect(c.events.filter(([e]) => e === 'resync')).toEqual([]);
    expect(server.health().status).toBe('ok');
    await configureFailPoint(ctx.target, 'off', { failCommands: ['getMore'] });
  });

  it('a forced 286 leads to exactly one resync and a new epoch, then live updates', async () => {
    await calls().insertOne({ callSid: 'A', status: 'queued' });
    const { server, url } = await serve();
    const c = client(url);
    await c.socket.emitWithAck('subscribe:calls', { v: 2 });
    const before = server.hub.epoch;
    const resync = nextEvent<{ epoch: string }>(c.socket, 'resync', 10_000);
    const ok = await configureFailPoint(
      ctx.target,
      { times: 1 },
      {
        failCommands: ['getMore'],
        errorCode: 286,
      },
    );
    if (!ok) return expect.soft(ctx.target.usingEmulator).toBe(false);
    const r = await resync;
    expect(r.epoch).not.toBe(before);
    expect(server.hub.epoch).toBe(r.epoch);
    await calls().insertOne({ callSid: 'B', status: 'ringing' });
    await until(() => c.activeCallSids().join() === 'A,B', 'B after the resync');
    expect(c.events.filter(([e]) => e === 'resync')).toHaveLength(1);
    expect(server.hub.counters().epochBumps).toBe(1);
  });

  it('a resume token that cannot be dropped after a 286 is logged; the server goes on', async () => {
    await calls().insertOne({ callSid: 'A', status: 'queued' });
    const saved = memoryTokenStore();
    const tokenStore: ResumeTokenStore = {
      load: (ns) => saved.load(ns),
      save: (ns, token) =>
        token === null ? Promise.reject(new Error('EIO: i/o error')) : saved.save(ns, token),
    };
    const logged: LogRecord[] = [];
    const logger = createLogger({ sink: (r) => logged.push(r), level: 'warn' });
    const { server, url } = await serve({ tokenStore, logger });
    const c = client(url);
    await c.socket.emitWithAck('subscribe:calls', { v: 2 });
    const resync = nextEvent<{ epoch: string }>(c.socket, 'resync', 10_000);
    const ok = await configureFailPoint(
      ctx.target,
      { times: 1 },
      { failCommands: ['getMore'], errorCode: 286 },
    );
    if (!ok) return expect.soft(ctx.target.usingEmulator).toBe(false);
    await resync;
    await calls().insertOne({ callSid: 'B', status: 'ringing' });
    await until(() => c.activeCallSids().join() === 'A,B', 'B after the resync');
    await until(
      () => logged.some((r) => r.msg === 'could not drop the saved resume token'),
      'the log line',
    );
    const line = logged.find((r) => r.msg === 'could not drop the saved resume token');
    expect(line).toMatchObject({ level: 'error', error: 'EIO: i/o error' });
    expect(server.health().status).toBe('ok');
  });
});

describe('the snapshot index check', () => {
  const logged: LogRecord[] = [];
  const logger = createLogger({ sink: (r) => logged.push(r), level: 'info' });
  const warnings = () =>
    logged.filter((r) => r.level === 'warn' && /starts with "status"/.test(r.msg));

  it('warns once per collection with the exact createIndex command, and says so in /healthz', async () => {
    logged.length = 0;
    await calls().insertOne({ callSid: 'A', status: 'queued' });
    await ctx.target.client
      .db(ctx.target.dbName)
      .collection('campaigns')
      .createIndex({ status: 1, name: 1 });
    const { server } = await serve({ logger });
    const command = `db.getSiblingDB(${JSON.stringify(ctx.target.dbName)}).getCollection("calls").createIndex({ "status": 1 })`;
    expect(warnings().map((r) => r.msg)).toEqual([
      `no index on ${ctx.target.dbName}.calls starts with "status": every snapshot (start, resync) reads the whole collection. Create one with: ${command}`,
    ]);
    expect(server.health().mongo?.missingIndexes).toEqual([command]);
  });

  it('is quiet once the index exists', async () => {
    logged.length = 0;
    await calls().createIndex({ status: 1 });
    const { server } = await serve({ logger });
    expect(warnings()).toEqual([]);
    expect(server.health().mongo?.missingIndexes).toBeUndefined();
  });
});
