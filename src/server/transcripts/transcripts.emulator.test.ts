import { describe, expect, it } from 'vitest';
import { createLogger, type LogRecord } from '../../shared/log';
import type { ErrorPayload } from '../../shared/protocol/events';
import { MAX_TRANSCRIPT_SUBSCRIPTIONS } from '../../shared/protocol/transcript';
import {
  configureFailPoint,
  stateClient,
  WATCHER_APP_NAME,
  watchedServerTests,
} from '../emulator-test-support';
import { nextEvent, until } from '../test-support';
import { transcriptClient, type TranscriptTestClient } from './transcript-client.test-support';

// Live transcripts end to end: MongoDB (the emulator, or MONGODB_URI) -> the transcripts
// change stream -> the store -> the gateway's rooms -> Socket.IO clients.

const ctx = watchedServerTests('transcripts');
const serve = ctx.serve;
function client(url: string): TranscriptTestClient {
  const c = transcriptClient(url);
  ctx.defer(() => c.close());
  return c;
}
const db = () => ctx.target.client.db(ctx.target.dbName);
const turns = () => db().collection('transcripts');

/** What the database holds for a call, shown by hand (DATA.md: agent -> agent, user -> caller). */
async function databaseView(callSid: string) {
  const docs = await turns().find({ callSid }).toArray();
  return docs
    .sort((a, b) => a.timeInCallSecs - b.timeInCallSecs)
    .map((d) => ({
      id: String(d._id),
      role: d.role === 'agent' ? 'agent' : d.role === 'user' ? 'caller' : 'other',
      message: d.message as string,
    }));
}

let t = 0;
const turn = (
  callSid: string,
  role: string,
  message: string,
  extra: Record<string, unknown> = {},
) => ({
  callSid,
  role,
  message,
  timeInCallSecs: (t += 2),
  ...extra,
});

describe('live transcripts over MongoDB', () => {
  it('answers with the turns so far, then sends new turns, only to the clients that opened the call', async () => {
    await turns().insertMany([
      turn('CA1', 'agent', 'Hello, this is Ava from Acme.'),
      turn('CA1', 'user', 'Hi.', { tool_calls: [{ tool_name: 'lookup_order' }] }),
      turn('CA2', 'agent', 'Another call.'),
    ]);
    const { url, server } = await serve();
    const opener = client(url);
    const other = client(url);
    const listOnly = stateClient(url);
    ctx.defer(() => listOnly.close());
    await listOnly.socket.emitWithAck('subscribe:calls', { v: 2 });
    const ack = await opener.open('CA1');
    expect(ack).toMatchObject({ ok: true, callSid: 'CA1', mode: 'snapshot', seq: 2 });
    expect(opener.held.get('CA1')?.source).toBe('live');
    expect(opener.shown('CA1')).toEqual(await databaseView('CA1'));
    const second = [...opener.held.get('CA1')!.turns.values()][1]!;
    expect(second.actions).toEqual([{ kind: 'tool_call', label: 'lookup_order' }]);
    await other.open('CA2');

    await turns().insertOne(turn('CA1', 'agent', 'How can I help?'));
    await until(() => opener.shown('CA1').length === 3, 'the new turn');
    expect(opener.shown('CA1')).toEqual(await databaseView('CA1'));
    // A write for CA2 after CA1's: once it arrived, CA1's would have too.
    await turns().insertOne(turn('CA2', 'user', 'Yes?'));
    await until(() => other.shown('CA2').length === 2, 'CA2 turn');
    expect(other.events.every(([, p]) => p.callSid === 'CA2')).toBe(true);
    expect(listOnly.events.filter(([e]) => e.startsWith('transcript'))).toEqual([]);
    expect(opener.gaps).toEqual([]);
    // Two sockets hold one transcript each; turns delivered: 2 + 1 (CA1) and 1 + 1 (CA2).
    const metrics = await server.metrics();
    expect(metrics).toMatch(/\ncallboard_transcript_subscriptions 2\n/);
    expect(metrics).toMatch(/\ncallboard_transcript_turns_delivered_total 5\n/);
  });

  it('a correction replaces its turn, a delete removes it; the client ends equal to the database', async () => {
    const { insertedIds } = await turns().insertMany([
      turn('CA1', 'agent', 'Your order ships Tuesday.'),
      turn('CA1', 'user', 'Thanks'),
    ]);
    const { url } = await serve();
    const c = client(url);
    await c.open('CA1');
    const before = c.held.get('CA1')!.turns.get(String(insertedIds[0]))!;
    await turns().updateOne(
      { _id: insertedIds[0] },
      { $set: { message: 'Your order ships Wednesday.' } },
    );
    await until(
      () => c.held.get('CA1')!.turns.get(String(insertedIds[0]))!.message.includes('Wednesday'),
      'the correction',
    );
    const after = c.held.get('CA1')!.turns.get(String(insertedIds[0]))!;
    expect(after.seq).toBeGreaterThan(before.seq);
    expect(c.shown('CA1')).toHaveLength(2);
    await turns().deleteOne({ _id: insertedIds[1] });
    await until(() => c.shown('CA1').length === 1, 'the removal');
    expect(c.shown('CA1')).toEqual(await databaseView('CA1'));
    // A rewrite that changes nothing a client shows is no change.
    const seq = c.held.get('CA1')!.seq;
    await turns().updateOne({ _id: insertedIds[0] }, { $set: { reviewedBy: 'qa' } });
    await turns().insertOne(turn('CA1', 'user', 'Bye'));
    await until(() => c.shown('CA1').length === 2, 'the next turn');
    expect(c.held.get('CA1')!.seq).toBe(seq + 1);
    expect(c.gaps).toEqual([]);
  });

  it('a client coming back with since gets exactly what it missed; an unknown epoch gets a snapshot', async () => {
    await turns().insertMany([turn('CA1', 'agent', 'one'), turn('CA1', 'user', 'two')]);
    const { url } = await serve();
    const first = client(url);
    const keeper = client(url); // keeps the call held while the first is away
    await keeper.open('CA1');
    const ack = await first.open('CA1');
    const cursor = { epoch: ack.epoch!, seq: ack.seq! };
    const kept = first.held.get('CA1')!;
    first.close();
    const { insertedId } = await turns().insertOne(turn('CA1', 'agent', 'three'));
    await turns().updateOne(
      { callSid: 'CA1', message: 'one' },
      { $set: { message: 'one (fixed)' } },
    );
    await until(() => keeper.shown('CA1').some((x) => x.message === 'one (fixed)'), 'the keeper');

    const back = client(url);
    back.held.set('CA1', { ...kept, turns: new Map(kept.turns) });
    const replay = await back.open('CA1', cursor);
    expect(replay).toMatchObject({
      ok: true,
      mode: 'replay',
      epoch: cursor.epoch,
      seq: cursor.seq + 2,
    });
    await until(() => back.held.get('CA1')!.seq === cursor.seq + 2, 'the replay');
    const replayed = back.events.flatMap(([, p]) => ('turns' in p ? p.turns.map((x) => x.id) : []));
    // Each missed change once: the new turn and the corrected one, nothing it already had.
    expect(replayed.sort()).toEqual([String(insertedId), first.shown('CA1')[0]!.id].sort());
    expect(back.shown('CA1')).toEqual(await databaseView('CA1'));
    expect(back.gaps).toEqual([]);

    const stranger = client(url);
    const fresh = await stranger.open('CA1', { epoch: 'not-this-one', seq: 1 });
    expect(fresh.mode).toBe('snapshot');
    expect(stranger.shown('CA1')).toEqual(await databaseView('CA1'));
  });

  it('keeps at most the cap per call, newest turns, and says how many it left out', async () => {
    await turns().insertMany(
      Array.from({ length: 7 }, (_, i) => turn('CA1', 'agent', `turn ${i}`)),
    );
    const { url } = await serve({ transcripts: { maxTurnsPerCall: 3 } });
    const c = client(url);
    await c.open('CA1');
    expect(c.held.get('CA1')!.truncated).toBe(4);
    expect(c.shown('CA1').map((x) => x.message)).toEqual(['turn 4', 'turn 5', 'turn 6']);
    await turns().insertOne(turn('CA1', 'user', 'turn 7'));
    await until(() => c.shown('CA1').some((x) => x.message === 'turn 7'), 'the new turn');
    const late = client(url);
    await late.open('CA1');
    expect(late.held.get('CA1')!.truncated).toBe(5);
    expect(late.shown('CA1').map((x) => x.message)).toEqual(['turn 5', 'turn 6', 'turn 7']);
  });

  it(`lets one connection hold ${MAX_TRANSCRIPT_SUBSCRIPTIONS} transcripts, refuses one more clearly`, async () => {
    const { url, server } = await serve();
    const c = client(url);
    for (let i = 0; i < MAX_TRANSCRIPT_SUBSCRIPTIONS; i++) {
      expect((await c.open(`CA${i}`)).ok).toBe(true);
    }
    const error = nextEvent<ErrorPayload>(c.socket, 'error');
    const refused = await c.open('CAextra');
    expect(refused.ok).toBe(false);
    expect(refused.error).toMatch(`at most ${MAX_TRANSCRIPT_SUBSCRIPTIONS} transcripts`);
    expect(await error).toMatchObject({
      type: 'bad_request',
      details: { event: 'subscribe:transcript' },
    });
    expect((await c.open('CA0')).ok).toBe(true); // reopening one it holds is no new one
    c.socket.emit('unsubscribe:transcript', { v: 2, callSid: 'CA0' });
    expect((await c.open('CAextra')).ok).toBe(true);
    await until(() => server.gateway()!.counters().badRequests === 1, 'one bad request counted');
  });

  it('refuses bad subscribe options with an error naming what is wrong, and opens nothing', async () => {
    const { url, server } = await serve();
    const c = client(url);
    const cases: [unknown, RegExp][] = [
      [{ v: 2, callSid: '../etc/passwd' }, /callSid must be/],
      [{ v: 2, callSid: '' }, /callSid must be/],
      [{ v: 2, callSid: 'A'.repeat(200) }, /callSid must be/],
      [{ v: 2, callSid: { $ne: 1 } }, /callSid/],
      [{ v: 1, callSid: 'CA1' }, /v must be 2/],
      [{ v: 2, callSid: 'CA1', extra: true }, /extra/],
      [{ v: 2, callSid: 'CA1', since: { epoch: 'e', seq: -1 } }, /since/],
      [undefined, /invalid subscribe:transcript options/],
    ];
    for (const [options, message] of cases) {
      const error = nextEvent<ErrorPayload>(c.socket, 'error');
      const ack = await c.socket.emitWithAck('subscribe:transcript', options);
      expect(ack.ok).toBe(false);
      expect(ack.error).toMatch(message);
      expect((await error).type).toBe('bad_request');
    }
    expect(server.health().status).toBe('ok');
    expect(c.events).toEqual([]);
    expect(server.gateway()!.counters().badRequests).toBe(cases.length);
  });

  it('leaves out a turn document it cannot read, logs it once, counts it, and goes on', async () => {
    const logged: LogRecord[] = [];
    const logger = createLogger({ sink: (r) => logged.push(r), level: 'warn' });
    const { url, server } = await serve({ logger });
    const c = client(url);
    await c.open('CA1');
    const { insertedId } = await turns().insertOne(
      turn('CA1', 'agent', 'ok', { timeInCallSecs: 'soon' }),
    );
    await turns().updateOne({ _id: insertedId }, { $set: { note: 'still bad' } });
    await turns().insertOne(turn('CA1', 'user', 'fine'));
    await until(() => c.shown('CA1').length === 1, 'the good turn');
    expect(c.shown('CA1')[0]!.message).toBe('fine');
    const warnings = logged.filter((r) => r.msg.includes('transcript turn cannot be read'));
    expect(warnings).toHaveLength(1);
    expect(String(warnings[0]!.error)).toMatch('"soon" is not a number');
    const metrics = await server.metrics();
    expect(metrics).toMatch(/callboard_transcript_bad_turns_total 2/);
    expect(server.health().status).toBe('ok');
  });

  it("serves an ended call's post-call transcript[] when no turn documents exist, until live ones do", async () => {
    await db()
      .collection('calls')
      .insertOne({
        callSid: 'CAdone',
        status: 'completed',
        transcript: [
          { role: 'agent', message: 'Hello', time_in_call_secs: 0 },
          { role: 'user', message: 'Bye', time_in_call_secs: 3, tool_calls: [] },
          { role: 'agent', message: 42.5, time_in_call_secs: -1 },
        ],
      });
    const { url } = await serve();
    const c = client(url);
    await c.open('CAdone');
    const held = c.held.get('CAdone')!;
    expect(held.source).toBe('post-call');
    expect(c.shown('CAdone')).toEqual([
      { id: 'post-call:0', role: 'agent', message: 'Hello' },
      { id: 'post-call:1', role: 'caller', message: 'Bye' },
    ]);
    await turns().insertOne({
      callSid: 'CAdone',
      role: 'agent',
      message: 'Hello (live)',
      timeInCallSecs: 0,
    });
    await until(() => c.shown('CAdone').length === 1, 'the live turn replacing the post-call copy');
    expect(c.shown('CAdone')[0]!.message).toBe('Hello (live)');
    expect(c.gaps).toEqual([]);
  });

  it('a forced 286 on the transcripts stream gives the open transcript a new epoch and snapshot, then live turns', async () => {
    await turns().insertOne(turn('CA1', 'agent', 'before'));
    const { url } = await serve();
    const c = client(url);
    const ack = await c.open('CA1');
    const snapshot = new Promise<string>((resolve) =>
      c.socket.on('transcript_snapshot', (p) => resolve(p.epoch)),
    );
    const ok = await configureFailPoint(
      ctx.target,
      { times: 1 },
      { appName: `${WATCHER_APP_NAME}-transcripts`, failCommands: ['getMore'], errorCode: 286 },
    );
    if (!ok) return expect.soft(ctx.target.usingEmulator).toBe(false);
    expect(await snapshot).not.toBe(ack.epoch);
    await turns().insertOne(turn('CA1', 'user', 'after'));
    await until(() => c.shown('CA1').length === 2, 'the turn after the resync');
    expect(c.shown('CA1')).toEqual(await databaseView('CA1'));
    expect(c.gaps).toEqual([]);
  });

  it('the transcripts stream failing mid-call resumes from its token: turns written meanwhile arrive once', async () => {
    await turns().insertOne(turn('CA1', 'agent', 'before'));
    const { url, server } = await serve();
    const c = client(url);
    await c.open('CA1');
    // Nothing has happened on the stream yet: only the position it opened at can resume it.
    const failing = {
      appName: `${WATCHER_APP_NAME}-transcripts`,
      failCommands: ['getMore'],
      errorCode: 2,
    };
    if (!(await configureFailPoint(ctx.target, 'alwaysOn', failing))) {
      return expect.soft(ctx.target.usingEmulator).toBe(false);
    }
    await until(
      () => server.health().mongo?.streams.transcripts === 'retrying',
      'the stream to fail',
    );
    await turns().insertMany([turn('CA1', 'user', 'during 1'), turn('CA1', 'agent', 'during 2')]);
    await configureFailPoint(ctx.target, 'off', failing);
    await until(() => c.shown('CA1').length === 3, 'the turns written during the failure');
    await turns().insertOne(turn('CA1', 'user', 'after'));
    await until(() => c.shown('CA1').length === 4, 'the turn after');
    expect(c.shown('CA1')).toEqual(await databaseView('CA1'));
    expect(c.gaps).toEqual([]);
    const delivered = c.events.flatMap(([, p]) => p.turns.map((x) => x.id));
    expect(new Set(delivered).size).toBe(delivered.length);
  });

  it('v2 list streams leave a call document transcript[] out; seed clients get the document unchanged', async () => {
    const transcript = [{ role: 'agent', message: 'Hello', time_in_call_secs: 0 }];
    await db()
      .collection('calls')
      .insertOne({ callSid: 'CAlist', status: 'in-progress', transcript });
    const { url } = await serve();
    const v2 = stateClient(url);
    const seed = stateClient(url);
    ctx.defer(() => v2.close());
    ctx.defer(() => seed.close());
    const v2Snapshot = nextEvent<{ calls: Record<string, unknown>[] }>(v2.socket, 'active_calls');
    const seedSnapshot = nextEvent<{ calls: Record<string, unknown>[] }>(
      seed.socket,
      'active_calls',
    );
    await v2.socket.emitWithAck('subscribe:calls', { v: 2, batch: false });
    seed.socket.emit('subscribe:calls');
    expect((await v2Snapshot).calls[0]).not.toHaveProperty('transcript');
    expect((await seedSnapshot).calls[0]!.transcript).toEqual(transcript);
    const v2Update = nextEvent<{ call: Record<string, unknown> }>(v2.socket, 'call_update');
    const seedUpdate = nextEvent<{ call: Record<string, unknown> }>(seed.socket, 'call_update');
    await db()
      .collection('calls')
      .updateOne({ callSid: 'CAlist' }, { $set: { status: 'completed' } });
    expect((await v2Update).call).toMatchObject({ callSid: 'CAlist', status: 'completed' });
    expect((await v2Update).call).not.toHaveProperty('transcript');
    expect((await seedUpdate).call.transcript).toEqual(transcript);
  });

  it('warns once when the transcripts index is missing, with the exact command, and is quiet once it exists', async () => {
    await turns().insertOne(turn('CA1', 'agent', 'x'));
    const logged: LogRecord[] = [];
    const logger = createLogger({ sink: (r) => logged.push(r), level: 'warn' });
    const first = await serve({ logger, transcripts: { key: ['callSid'] } });
    const command = `db.getSiblingDB(${JSON.stringify(ctx.target.dbName)}).getCollection("transcripts").createIndex({ "callSid": 1, "timeInCallSecs": 1 })`;
    const warnings = () => logged.filter((r) => r.msg.includes('.transcripts starts with'));
    expect(warnings().map((r) => r.msg)).toEqual([
      `no index on ${ctx.target.dbName}.transcripts starts with "callSid", "timeInCallSecs": every transcript a supervisor opens reads the whole collection. Create one with: ${command}`,
    ]);
    expect(first.server.health().mongo?.missingIndexes).toContain(command);
    await first.server.stop(); // idempotent: the deferred stop after the test is harmless
    logged.length = 0;
    await turns().createIndex({ callSid: 1, timeInCallSecs: 1 });
    const second = await serve({ logger, transcripts: { key: ['callSid'] } });
    expect(warnings()).toEqual([]);
    expect(second.server.health().mongo?.missingIndexes ?? []).not.toContain(command);
  });
});
