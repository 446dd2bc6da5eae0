import { Server, type Socket as ServerSocket } from 'socket.io';
import { afterEach, describe, expect, it } from 'vitest';
import type { FeedMessage } from '../../shared/feed/types';
import type { Feed, FeedStatus } from './feed';
import { createRemoteFeed, type RemoteFeedOptions } from './remote-feed';
import { until } from '../../shared/until.test-support';

// The servers here are written with plain socket.io, as a backend team would: a seed-only one
// (no ack, no v2) and a small v2 one, so the feed is tested against the protocol, not against
// our own server (src/cli tests run it against that).

interface Mini {
  url: string;
  io: Server;
  close(): Promise<void>;
}

async function miniServer(
  onConnection: (socket: ServerSocket) => void,
  token?: string,
): Promise<Mini> {
  const io = new Server(0, { serveClient: false });
  if (token !== undefined) {
    io.use((socket, next) =>
      socket.handshake.auth?.token === token ? next() : next(new Error('unauthorized')),
    );
  }
  io.on('connection', onConnection);
  const http = io.httpServer!;
  if (!http.listening) await new Promise((resolve) => http.once('listening', resolve));
  const { port } = http.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    io,
    close: () => new Promise<void>((resolve) => void io.close(() => resolve())),
  };
}

const seedCall = (callSid: string, status: string) => ({ callSid, status, to: '+1555' });
const stamp = () => new Date().toISOString();

/** A server that speaks only the seed protocol: ignores subscribe arguments, never acks. */
function seedBehaviour(calls: object[]) {
  return (socket: ServerSocket) => {
    socket.on('subscribe:calls', () => {
      void socket.join('calls_room');
      socket.emit('active_calls', { calls, count: calls.length, timestamp: stamp() });
    });
    socket.on('subscribe:campaigns', () => {
      socket.emit('active_campaigns', { campaigns: [], count: 0, timestamp: stamp() });
    });
    socket.on('get:active_calls', () => {
      socket.emit('active_calls', { calls, count: calls.length, timestamp: stamp() });
    });
  };
}

/** A v2 server with no calls whose ack adds `extra` (simulated, planLimit...). */
function emptyV2Behaviour(extra: Record<string, unknown>) {
  return (socket: ServerSocket) => {
    socket.on('subscribe:calls', (_options: unknown, ack: (a: unknown) => void) => {
      socket.emit('active_calls', {
        calls: [],
        count: 0,
        timestamp: stamp(),
        v: 2,
        epoch: 'E',
        seq: 0,
      });
      ack({ ok: true, mode: 'snapshot', epoch: 'E', seq: 0, ...extra });
    });
  };
}

const opened: { feed: Feed; server?: Mini }[] = [];
afterEach(async () => {
  for (const { feed, server } of opened.splice(0)) {
    await feed.stop();
    await server?.close();
  }
});

function watch(options: RemoteFeedOptions, server?: Mini) {
  const feed = createRemoteFeed({
    ackTimeoutMs: 300,
    backoff: { initialMs: 20, maxMs: 100 },
    ...options,
  });
  opened.push({ feed, ...(server ? { server } : {}) });
  const messages: FeedMessage[] = [];
  const statuses: FeedStatus[] = [];
  const problems: string[] = [];
  feed.onMessage((m) => messages.push(m));
  feed.onStatus((s) => statuses.push(s));
  feed.onProblem((p) => problems.push(p));
  const waitFor = (what: string, condition: () => boolean, ms = 5000) => until(condition, what, ms);
  return { feed, messages, statuses, problems, waitFor };
}

describe('remote feed', () => {
  it('goes live without a stream its token may not see (the refusal carries the scopes)', async () => {
    const server = await miniServer((socket) => {
      socket.on('subscribe:calls', (_o: unknown, ack: (a: unknown) => void) =>
        ack({ ok: false, error: 'this token has no "calls" scope', scopes: ['campaigns'] }),
      );
      socket.on('subscribe:campaigns', (_o: unknown, ack: (a: unknown) => void) => {
        socket.emit('active_campaigns', {
          campaigns: [],
          count: 0,
          timestamp: stamp(),
          v: 2,
          epoch: 'E',
          seq: 0,
        });
        ack({ ok: true, mode: 'snapshot', epoch: 'E', seq: 0, scopes: ['campaigns'] });
      });
    });
    const w = watch({ url: server.url }, server);
    w.feed.start();
    await w.waitFor('live', () => w.statuses.some((s) => s.status === 'live'));
    expect(w.statuses.at(-1)).toMatchObject({ status: 'live', protocol: 2, scopes: ['campaigns'] });
    expect(w.problems).toEqual([]);
  });

  it('tells the server of an export (audit:export, v2), only while connected', async () => {
    const heard: unknown[] = [];
    const server = await miniServer((socket) => {
      emptyV2Behaviour({})(socket);
      socket.on('audit:export', (record: unknown) => heard.push(record));
    });
    const w = watch({ url: server.url }, server);
    w.feed.recordExport!({ view: 'recent', rows: 3 }); // not connected yet: not said
    w.feed.start();
    await w.waitFor('live', () => w.statuses.some((s) => s.status === 'live'));
    w.feed.recordExport!({ view: 'agents', rows: 12 });
    await w.waitFor('the record', () => heard.length > 0);
    expect(heard).toEqual([{ v: 2, view: 'agents', rows: 12 }]);
  });

  it('falls back to the seed protocol and reports live with protocol 1', async () => {
    const server = await miniServer(seedBehaviour([seedCall('A', 'ringing')]));
    const w = watch({ url: server.url }, server);
    w.feed.start();
    await w.waitFor('protocol 1', () => w.statuses.some((s) => s.protocol === 1));
    expect(w.statuses[0]).toMatchObject({
      status: 'connecting',
      mode: 'remote',
      target: server.url,
    });
    expect(w.statuses.some((s) => s.status === 'live')).toBe(true);
    const calls = w.messages.find((m) => m.kind === 'snapshot' && m.stream === 'calls');
    expect(calls).toMatchObject({ kind: 'snapshot', stream: 'calls', calls: [{ callSid: 'A' }] });

    server.io
      .to('calls_room')
      .emit('call_update', { call: seedCall('A', 'completed'), timestamp: stamp() });
    await w.waitFor('the update', () => w.messages.some((m) => m.kind === 'batch'));
    expect(w.messages.at(-1)).toMatchObject({
      kind: 'batch',
      calls: [{ callSid: 'A', status: 'completed' }],
    });

    // Seed servers answer a resync through get:active_calls.
    const before = w.messages.length;
    w.feed.resync('calls', 'gap');
    await w.waitFor('the snapshot', () => w.messages.length > before);
    expect(w.messages.at(-1)).toMatchObject({ kind: 'snapshot', stream: 'calls' });
  });

  it('goes live with a seed server that serves only calls, reporting the missing stream', async () => {
    const server = await miniServer((socket) => {
      socket.on('subscribe:calls', () =>
        socket.emit('active_calls', { calls: [], count: 0, timestamp: stamp() }),
      );
    });
    const w = watch({ url: server.url }, server);
    w.feed.start();
    await w.waitFor('live', () => w.statuses.at(-1)?.status === 'live');
    expect(w.problems).toEqual([
      'the server sent no snapshot of campaigns after subscribe:campaigns',
    ]);
  });

  it('reports a refused token as failed with a clear reason', async () => {
    const server = await miniServer(seedBehaviour([]), 'right');
    const w = watch({ url: server.url, token: 'wrong' }, server);
    w.feed.start();
    await w.waitFor('failed', () => w.statuses.some((s) => s.status === 'failed'));
    const failed = w.statuses.find((s) => s.status === 'failed')!;
    expect(failed.error).toBe('unauthorized: the server refused the token');
    expect(failed.attempt).toBe(1);
    expect(failed.nextRetryAt).toBeGreaterThan(0);
  });

  it('names the address when nothing listens there, and keeps retrying', async () => {
    const gone = await miniServer(() => {});
    const url = gone.url;
    await gone.close();
    const w = watch({ url });
    w.feed.start();
    await w.waitFor(
      'two attempts',
      () => w.statuses.filter((s) => s.status === 'failed').length >= 2,
    );
    const failed = w.statuses.filter((s) => s.status === 'failed');
    expect(failed[0]!.error).toBe(`cannot reach ${url}: connection refused`);
    expect(failed.map((s) => s.attempt)).toEqual(expect.arrayContaining([1, 2]));
  });

  it('reports the data as simulated when the server says so in its ack', async () => {
    const server = await miniServer(emptyV2Behaviour({ simulated: true }));
    const w = watch({ url: server.url, streams: ['calls'] }, server);
    w.feed.start();
    await w.waitFor('live', () => w.statuses.at(-1)?.status === 'live');
    expect(w.statuses.at(-1)).toMatchObject({ protocol: 2, simulated: true });
  });

  it.each<[string, unknown, number | undefined, RegExp | null]>([
    ['a plan limit', 40, 40, null],
    ['no plan limit', undefined, undefined, null],
    [
      'a plan limit of 0',
      0,
      undefined,
      /plan limit that is not a whole number of calls >= 1 \(0\)/,
    ],
    ['a plan limit in words', 'forty', undefined, /\("forty"\); ignored/],
  ])('carries %s the server advertises in its ack into the status', async (_n, sent, held, bad) => {
    const server = await miniServer(emptyV2Behaviour({ planLimit: sent }));
    const w = watch({ url: server.url, streams: ['calls'] }, server);
    w.feed.start();
    await w.waitFor('live', () => w.statuses.at(-1)?.status === 'live');
    expect(w.statuses.at(-1)!.planLimit).toBe(held);
    if (bad) expect(w.problems).toEqual([expect.stringMatching(bad)]);
    else expect(w.problems).toEqual([]);
  });

  it.each<[string, unknown, string[] | undefined, RegExp | null]>([
    [
      'a wallboard token',
      ['outcomes', 'calls', 'campaigns'],
      ['calls', 'campaigns', 'outcomes'],
      null,
    ],
    ['no scopes (an older server: every scope)', undefined, undefined, null],
    [
      'a scope this client does not know',
      ['calls', 'exports'],
      ['calls'],
      /unknown scope "exports"/,
    ],
    ['scopes that are not a list', 'calls', undefined, /scopes is not a list/],
  ])('carries the scopes of %s from the ack into the status', async (_n, sent, held, bad) => {
    const server = await miniServer(emptyV2Behaviour({ scopes: sent }));
    const w = watch({ url: server.url, streams: ['calls'] }, server);
    w.feed.start();
    await w.waitFor('live', () => w.statuses.at(-1)?.status === 'live');
    expect(w.statuses.at(-1)!.scopes).toEqual(held);
    if (bad) expect(w.problems).toEqual([expect.stringMatching(bad)]);
    else expect(w.problems).toEqual([]);
  });

  it('speaks v2 when acked, reconnects after a drop and asks for replay since its cursor', async () => {
    const subscribes: unknown[] = [];
    let seq = 5;
    const server = await miniServer((socket) => {
      socket.on('subscribe:calls', (options: { since?: unknown }, ack: (a: unknown) => void) => {
        subscribes.push(options);
        if (options.since) {
          ack({ ok: true, mode: 'replay', epoch: 'E', seq });
          return;
        }
        socket.emit('active_calls', {
          calls: [seedCall('A', 'queued')],
          count: 1,
          timestamp: stamp(),
          v: 2,
          epoch: 'E',
          seq,
        });
        ack({ ok: true, mode: 'snapshot', epoch: 'E', seq });
      });
      socket.on('get:active_calls', () => {});
    });
    const w = watch({ url: server.url, streams: ['calls'] }, server);
    w.feed.start();
    await w.waitFor('live', () => w.statuses.at(-1)?.status === 'live');
    expect(w.statuses.at(-1)!.protocol).toBe(2);
    expect(w.statuses.at(-1)!.simulated).toBeUndefined();
    seq = 6;
    server.io.emit('calls_batch_update', {
      v: 2,
      epoch: 'E',
      fromSeq: 6,
      seq: 6,
      calls: [seedCall('A', 'ringing')],
      removed: [],
      timestamp: stamp(),
    });
    await w.waitFor('the batch', () => w.messages.some((m) => m.kind === 'batch'));

    server.io.disconnectSockets(); // the server drops the client
    await w.waitFor('reconnecting', () => w.statuses.some((s) => s.status === 'reconnecting'));
    const reconnecting = w.statuses.find((s) => s.status === 'reconnecting')!;
    expect(reconnecting.attempt).toBe(1);
    expect(reconnecting.error).toMatch(/disconnected/);
    await w.waitFor('the second subscribe', () => subscribes.length === 2);
    expect(subscribes).toEqual([
      { v: 2, batch: true },
      { v: 2, batch: true, since: { epoch: 'E', seq: 6 } },
    ]);
    await w.waitFor('live again', () => w.statuses.at(-1)?.status === 'live');

    // resync re-subscribes without since, and the status says so until the snapshot.
    w.feed.resync('calls', 'gap');
    expect(w.statuses.at(-1)!.status).toBe('resyncing');
    await w.waitFor('the third subscribe', () => subscribes.length === 3);
    expect(subscribes[2]).toEqual({ v: 2, batch: true });
    await w.waitFor('live after resync', () => w.statuses.at(-1)?.status === 'live');
  });

  it('reports bad documents as problems and applies the rest', async () => {
    const server = await miniServer(
      seedBehaviour([seedCall('A', 'ringing'), { status: 'ringing' }]),
    );
    const w = watch({ url: server.url, streams: ['calls'] }, server);
    w.feed.start();
    await w.waitFor('the snapshot', () => w.messages.length > 0);
    expect(w.messages[0]).toMatchObject({ calls: [{ callSid: 'A' }] });
    expect(w.problems.join('\n')).toMatch(/callSid/);
  });

  it('stops cleanly: status stopped, no more retries', async () => {
    const gone = await miniServer(() => {});
    await gone.close();
    const w = watch({ url: gone.url });
    w.feed.start();
    await w.waitFor('failed', () => w.statuses.some((s) => s.status === 'failed'));
    await w.feed.stop();
    const count = w.statuses.length;
    expect(w.statuses.at(-1)!.status).toBe('stopped');
    w.feed.retryNow();
    expect(w.statuses.length).toBe(count);
  });
});
