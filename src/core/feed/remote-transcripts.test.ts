import { Server, type Socket as ServerSocket } from 'socket.io';
import { afterEach, describe, expect, it } from 'vitest';
import {
  spokenOrder,
  type TranscriptServerModel,
} from '../../shared/feed/transcript-model.test-support';
import { silentLogger } from '../../shared/log';
import { until } from '../../shared/until.test-support';
import { systemClock } from '../monitor/clock';
import { createTranscriptSession, type TranscriptSession } from '../monitor/transcript-session';
import type { Feed } from './feed';
import { createRemoteFeed } from './remote-feed';
import { TRANSCRIPTS_FORBIDDEN, TRANSCRIPTS_UNAVAILABLE } from './transcript-port';
import { contractServer } from './transcript-contract-server.test-support';

// Against a small server written with plain socket.io from the contract
// (./transcript-contract-server.test-support.ts), not against a stub: the client under test
// is the real remote feed and the core's transcript session over it.

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

describe('remote transcripts and the token scopes', () => {
  /** Acks subscribe:calls as a v2 server whose token has `scopes` (undefined: says none). */
  const acksCalls = (scopes: string[] | undefined) => (socket: ServerSocket) => {
    socket.on('subscribe:calls', (_options: unknown, ack: (a: unknown) => void) => {
      socket.emit('active_calls', {
        calls: [],
        count: 0,
        timestamp: new Date().toISOString(),
        v: 2,
        epoch: 'E',
        seq: 0,
      });
      ack({ ok: true, mode: 'snapshot', epoch: 'E', seq: 0, ...(scopes ? { scopes } : {}) });
    });
  };

  async function liveFeed(url: string) {
    const feed = createRemoteFeed({ url, streams: ['calls'], ackTimeoutMs: 300 });
    cleanup.push(() => feed.stop());
    let live = false;
    feed.onStatus((s) => (live = s.status === 'live'));
    feed.start();
    await until(() => live, 'the feed live');
    const session = createTranscriptSession({
      callSid: 'CA-live-1',
      port: feed.transcripts,
      clock: systemClock(),
      batchMs: 5,
      logger: silentLogger,
      emit: () => {},
    });
    cleanup.push(() => session.close());
    const problems: string[] = [];
    feed.onProblem((p) => problems.push(p));
    return { session, problems };
  }

  it('a token without "transcripts" never sends subscribe:transcript and says why', async () => {
    const server = await contractServer('CA-live-1', {
      onConnection: acksCalls(['calls', 'campaigns', 'outcomes']),
    });
    cleanup.push(() => server.close());
    server.model.add('caller', 'My card number is 4111.', 1);
    const { session } = await liveFeed(server.url);
    await until(() => session.view().phase === 'forbidden', 'the forbidden phase');
    expect(session.view().error).toBe(TRANSCRIPTS_FORBIDDEN);
    expect(session.view().turns).toEqual([]);
    expect(server.subscribes).toEqual([]);
  });

  it('a token with "transcripts" opens them as before', async () => {
    const server = await contractServer('CA-live-1', {
      onConnection: acksCalls(['calls', 'transcripts']),
    });
    cleanup.push(() => server.close());
    server.model.add('agent', 'Hello.', 1);
    const { session } = await liveFeed(server.url);
    await until(() => matches(session, server.model), 'the snapshot');
    expect(server.subscribes).toEqual([{ v: 2, callSid: 'CA-live-1' }]);
  });

  it.each([
    ['before its ack', true],
    ['after its ack', false],
  ])('a forbidden refusal with the error event %s is told as forbidden', async (_n, eventFirst) => {
    const reason = 'this token has no "transcripts" scope (token floor-tv)';
    const io = new Server(0, { serveClient: false });
    io.on('connection', (socket) => {
      // An older-looking ack (no scopes): only the refusal tells the client.
      acksCalls(undefined)(socket);
      socket.on('subscribe:transcript', (_options: unknown, ack: (a: unknown) => void) => {
        const event = {
          type: 'forbidden',
          message: reason,
          details: { event: 'subscribe:transcript', scope: 'transcripts' },
        };
        if (eventFirst) socket.emit('error', event);
        ack({ ok: false, error: reason });
        if (!eventFirst) socket.emit('error', event);
        // Sent last: once the client has it, it has handled the refusal and the event.
        socket.emit('error', { type: 'bad_request', message: 'marker' });
      });
    });
    cleanup.push(() => new Promise<void>((resolve) => void io.close(() => resolve())));
    const http = io.httpServer!;
    if (!http.listening) await new Promise((resolve) => http.once('listening', resolve));
    const { port } = http.address() as { port: number };
    const { session, problems } = await liveFeed(`http://127.0.0.1:${port}`);
    await until(() => problems.some((p) => p.includes('marker')), 'the last event handled');
    expect(session.view()).toMatchObject({
      phase: 'forbidden',
      error: `the server refused the transcript: ${reason}`,
    });
  });
});
