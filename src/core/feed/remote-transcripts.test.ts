import { Server, type Socket as ServerSocket } from 'socket.io';
import { afterEach, describe, expect, it } from 'vitest';
import {
  spokenOrder,
  TranscriptServerModel,
} from '../../shared/feed/transcript-model.test-support';
import { silentLogger } from '../../shared/log';
import {
  parseTranscriptSubscribe,
  parseTranscriptUnsubscribe,
} from '../../shared/protocol/transcript';
import { until } from '../../shared/until.test-support';
import { systemClock } from '../monitor/clock';
import { createTranscriptSession, type TranscriptSession } from '../monitor/transcript-session';
import type { Feed } from './feed';
import { createRemoteFeed } from './remote-feed';
import { TRANSCRIPTS_UNAVAILABLE } from './transcript-port';

// A small server written with plain socket.io from the contract (src/shared/protocol/
// transcript.ts), as the server side will behave: a room per open call, a snapshot or a
// replay `since` on subscribe, every change broadcast as a batch. The client under test is
// the real remote feed and the core's transcript session over it.

interface ContractServer {
  url: string;
  model: TranscriptServerModel;
  /** subscribe:transcript requests received, as parsed. */
  subscribes: { callSid: string; since?: { epoch: string; seq: number } }[];
  unsubscribes: string[];
  /** Broadcasts what changed since the last broadcast to the call's room. */
  broadcast(): void;
  /** Forgets to send what changed (a batch lost between server and client). */
  lose(): void;
  emitRaw(event: string, payload: unknown): void;
  sockets(): ServerSocket[];
  close(): Promise<void>;
}

async function contractServer(callSid = 'CA-live-1'): Promise<ContractServer> {
  const io = new Server(0, { serveClient: false });
  const model = new TranscriptServerModel(callSid);
  const subscribes: ContractServer['subscribes'] = [];
  const unsubscribes: string[] = [];
  let broadcastUpTo = 0;
  let broadcastEpoch = model.epoch;
  const room = (sid: string) => `transcript:${sid}`;
  io.on('connection', (socket) => {
    socket.on('subscribe:transcript', (options: unknown, ack?: (a: unknown) => void) => {
      const parsed = parseTranscriptSubscribe(options);
      if (!parsed.ok) return ack?.({ ok: false, error: parsed.error });
      subscribes.push(parsed.value);
      if (parsed.value.callSid !== model.callSid) {
        return ack?.({ ok: false, error: `no call ${parsed.value.callSid}` });
      }
      void socket.join(room(parsed.value.callSid));
      const answer = model.answer(parsed.value.since);
      ack?.({
        ok: true,
        callSid: model.callSid,
        mode: answer.type === 'snapshot' ? 'snapshot' : 'replay',
        epoch: model.epoch,
        seq: model.seq,
      });
      if (answer.type === 'snapshot') socket.emit('transcript_snapshot', answer.payload);
      else if (answer.payload) socket.emit('transcript_turns', answer.payload);
    });
    socket.on('unsubscribe:transcript', (options: unknown) => {
      const parsed = parseTranscriptUnsubscribe(options);
      if (!parsed.ok) return;
      unsubscribes.push(parsed.value.callSid);
      void socket.leave(room(parsed.value.callSid));
    });
  });
  const http = io.httpServer!;
  if (!http.listening) await new Promise((resolve) => http.once('listening', resolve));
  const { port } = http.address() as { port: number };
  const catchUp = () => {
    if (broadcastEpoch !== model.epoch) {
      broadcastEpoch = model.epoch;
      broadcastUpTo = 0;
    }
  };
  return {
    url: `http://127.0.0.1:${port}`,
    model,
    subscribes,
    unsubscribes,
    broadcast() {
      catchUp();
      const batch = model.turnsSince(broadcastUpTo);
      broadcastUpTo = model.seq;
      if (batch) io.to(room(model.callSid)).emit('transcript_turns', batch);
    },
    lose() {
      catchUp();
      broadcastUpTo = model.seq;
    },
    emitRaw(event, payload) {
      io.to(room(model.callSid)).emit(event as 'transcript_turns', payload as never);
    },
    sockets: () => [...io.sockets.sockets.values()],
    close: () => new Promise<void>((resolve) => void io.close(() => resolve())),
  };
}

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const close of cleanup.splice(0).reverse()) await close();
});

async function open(server: { url: string; close(): Promise<void> }, callSid = 'CA-live-1') {
  const feed: Feed = createRemoteFeed({
    url: server.url,
    ackTimeoutMs: 300,
    backoff: { initialMs: 20, maxMs: 50 },
  });
  cleanup.push(() => server.close());
  cleanup.push(() => feed.stop());
  const problems: string[] = [];
  feed.onProblem((p) => problems.push(p));
  feed.start();
  const session: TranscriptSession = createTranscriptSession({
    callSid,
    port: feed.transcripts,
    clock: systemClock(),
    batchMs: 5,
    logger: silentLogger,
    emit: () => {},
  });
  cleanup.push(() => session.close());
  return { feed, session, problems };
}

/** The shown transcript equals the server's, turn by turn, and the session is live. */
const matches = (session: TranscriptSession, model: TranscriptServerModel) => {
  const view = session.view();
  return (
    view.phase === 'live' &&
    JSON.stringify(view.turns) === JSON.stringify(spokenOrder(model.turns.values()))
  );
};

describe('remote transcripts against a server that speaks the contract', () => {
  it('opens with the turns so far, then follows new turns, corrections and removals', async () => {
    const server = await contractServer();
    const first = server.model.add('agent', 'Hello, this is Ada from Acme.', 1);
    server.model.add('caller', 'Hi.', 3);
    const { session } = await open(server);
    await until(() => matches(session, server.model), 'the snapshot on screen');
    expect(session.view().turns.map((t) => t.role)).toEqual(['agent', 'caller']);

    server.model.add('agent', 'I am calling about your order.', 5);
    server.model.correct(first.id, 'Hello, this is Ada from Acme Deliveries.');
    server.broadcast();
    await until(() => matches(session, server.model), 'a new turn and a correction');
    expect(session.view().turns[0]!.message).toBe('Hello, this is Ada from Acme Deliveries.');
    server.model.remove(first.id);
    server.broadcast();
    await until(() => matches(session, server.model), 'the removal');
    expect(session.view().turns).toHaveLength(2);
    expect(server.subscribes).toEqual([{ v: 2, callSid: 'CA-live-1' }]);
  });

  it('a lost batch is found by the next one and replayed since the held seq', async () => {
    const server = await contractServer();
    server.model.add('agent', 'one', 1);
    const { session } = await open(server);
    await until(() => matches(session, server.model), 'the snapshot');
    server.model.add('caller', 'two (lost)', 2);
    server.lose();
    server.model.add('agent', 'three', 3);
    server.broadcast();
    await until(() => matches(session, server.model), 'the replay after the gap');
    expect(server.subscribes.at(-1)).toEqual({
      v: 2,
      callSid: 'CA-live-1',
      since: { epoch: server.model.epoch, seq: 1 },
    });
    expect(session.view().turns.map((t) => t.message)).toEqual(['one', 'two (lost)', 'three']);
  });

  it('a new epoch (the server restarted) brings a fresh snapshot, not a mix', async () => {
    const server = await contractServer();
    server.model.add('agent', 'one', 1);
    server.model.add('caller', 'two', 2);
    const { session } = await open(server);
    await until(() => matches(session, server.model), 'the snapshot');
    const oldEpoch = server.model.epoch;
    server.model.restart();
    server.model.add('agent', 'three', 3);
    server.broadcast();
    await until(
      () => matches(session, server.model) && session.view().turns.length === 3,
      'the new epoch',
    );
    expect(server.subscribes.at(-1)?.since).toEqual({ epoch: oldEpoch, seq: 2 });
  });

  it('bad payloads are reported and not applied; the session subscribes again', async () => {
    const server = await contractServer();
    server.model.add('agent', 'one', 1);
    const { session, problems } = await open(server);
    await until(() => matches(session, server.model), 'the snapshot');
    const good = { ...server.model.snapshot(), turns: [] };
    const hostile: [string, unknown][] = [
      [
        'transcript_turns',
        { ...good, fromSeq: 2, seq: 2, turns: [{ id: 'x', seq: 2, role: 'robot', message: 'hi' }] },
      ],
      [
        'transcript_snapshot',
        { ...good, turns: [{ id: 'x', seq: 'two', role: 'agent', message: 'hi' }] },
      ],
      ['transcript_turns', null],
      ['transcript_snapshot', { ...good, callSid: 'bad key with spaces' }],
    ];
    const before = server.subscribes.length;
    for (const [event, payload] of hostile) server.emitRaw(event, payload);
    server.model.add('caller', 'two', 2);
    server.broadcast();
    await until(() => server.subscribes.length >= before + 2, 'subscribing again after bad data');
    await until(() => matches(session, server.model), 'the real turns after the bad ones');
    expect(session.view().turns.map((t) => t.message)).toEqual(['one', 'two']);
    // The ones that named no open call are the feed's problems, with what was wrong.
    expect(problems.some((p) => /invalid transcript_turns from the server/.test(p))).toBe(true);
    expect(problems.some((p) => /callSid/.test(p))).toBe(true);
  });

  it('after a reconnect it resumes since the held seq: nothing lost, nothing twice', async () => {
    const server = await contractServer();
    server.model.add('agent', 'before the cut', 1);
    const { session } = await open(server);
    await until(() => matches(session, server.model), 'the snapshot');
    for (const socket of server.sockets()) socket.disconnect(true);
    await until(() => session.view().phase === 'reconnecting', 'the reconnecting phase');
    server.model.add('caller', 'during the cut', 2);
    server.lose();
    await until(() => matches(session, server.model), 'the replay after the reconnect');
    expect(server.subscribes.at(-1)?.since).toEqual({ epoch: server.model.epoch, seq: 1 });
    server.model.add('agent', 'after the cut', 3);
    server.broadcast();
    await until(() => matches(session, server.model), 'a turn after the reconnect');
    const ids = session.view().turns.map((t) => t.id);
    expect(new Set(ids).size).toBe(3);
  });

  it('closing sends unsubscribe:transcript; turns of a closed call are not applied', async () => {
    const server = await contractServer();
    server.model.add('agent', 'one', 1);
    const { session } = await open(server);
    await until(() => matches(session, server.model), 'the snapshot');
    session.close();
    await until(() => server.unsubscribes.length === 1, 'the unsubscribe');
    expect(server.unsubscribes).toEqual(['CA-live-1']);
  });

  it('a refusal is shown as an error naming the reason', async () => {
    const server = await contractServer();
    const { session } = await open(server, 'CA-other');
    await until(() => session.view().phase === 'error', 'the error phase');
    expect(session.view().error).toBe('the server refused the transcript: no call CA-other');
  });

  it('a seed-protocol server (no ack) is said to have no transcripts', async () => {
    const io = new Server(0, { serveClient: false });
    const http = io.httpServer!;
    if (!http.listening) await new Promise((resolve) => http.once('listening', resolve));
    const { port } = http.address() as { port: number };
    const { session } = await open({
      url: `http://127.0.0.1:${port}`,
      close: () => new Promise<void>((resolve) => void io.close(() => resolve())),
    });
    await until(() => session.view().phase === 'error', 'the error phase');
    expect(session.view().error).toContain(TRANSCRIPTS_UNAVAILABLE);
  });
});
