/**
 * Hostile Socket.IO input against a real gateway (createRealtimeServer + Hub, the hub fed
 * directly): every client event with generated payloads (wrong types, huge strings, deep
 * nesting, __proto__/constructor keys), unknown events, and raw engine.io/socket.io frames
 * over a bare WebSocket. Each run: the server answers a request after the input within 5 s
 * (or drops the connection), an ack asked for comes, another client is sent nothing, the
 * hub holds no subscription the fuzz client should not have (none leaks, none doubles),
 * Object.prototype stays clean, and a well-behaved client is still served. Counts go to
 * results/fuzz-socket.json.
 */
import fc from 'fast-check';
import { io as connect, type Socket } from 'socket.io-client';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRealtimeServer, type JsonDocument, type RealtimeServer } from '../../src/server';
import { createLogger, type LogRecord } from '../../src/shared/log';
import { CLIENT_EVENTS } from '../../src/shared/protocol/events';
import { scrape } from '../../src/server/scrape.test-support';
import { writeFuzzCounts, type FuzzCount } from './support/fuzz-counts';
import { hostileValue, prototypePolluted } from './support/hostile';
import { until } from './support/harness';

const TOKEN = 'fuzz-token-0123456789';
const RUNS = Number(process.env.CALLBOARD_FUZZ_RUNS ?? 300);
const counts: FuzzCount[] = [];
const logs: LogRecord[] = [];
let server: RealtimeServer;
let url: string;
let client: Socket;
/** A v2 subscriber that asks for nothing more: nothing a hostile client sends may reach it. */
let observer: Socket;
const observed: string[] = [];
/** Subscriptions the observer holds; the fuzz client may add at most one per stream. */
let baseline = 0;

const docs: JsonDocument[] = [
  { _id: 'a', callSid: 'CA1', status: 'ringing', to: '+15550001' },
  { _id: 'b', callSid: 'CA2', status: 'in-progress', agentId: 'ag7' },
];

beforeAll(async () => {
  server = createRealtimeServer({
    logger: createLogger({ sink: (r) => logs.push(r), level: 'debug' }),
    port: 0,
    token: TOKEN,
    // The fuzzer is one client sending fast; the flood limit has its own test.
    gateway: { rateLimit: { perSecond: 1_000_000, burst: 1_000_000 } },
  });
  ({ url } = await server.start());
  server.hub.load('calls', docs);
  server.hub.load('campaigns', [{ campaignId: 'K1', name: 'Spring', status: 'running' }]);
  observer = authedClient();
  await observer.timeout(5000).emitWithAck('subscribe:calls' as never, { v: 2 } as never);
  observer.onAny((event: string) => observed.push(event));
  baseline = server.hub.counters().subscribers;
  client = authedClient();
  await until(() => client.connected, 'the fuzz client to connect');
});
afterAll(async () => {
  client?.disconnect();
  observer?.disconnect();
  await server?.stop();
  writeFuzzCounts('fuzz-socket', counts);
});

/** A client of its own, with the token, that does not reconnect by itself. */
function authedClient() {
  return connect(url, {
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    auth: { token: TOKEN },
  });
}

/** What must hold after any input: checked after every run. */
async function invariants(what: string): Promise<void> {
  expect(prototypePolluted()).toBe(false);
  expect(observed, `another client was sent something after ${what}`).toEqual([]);
  // One subscription per stream at most for the fuzz client (a raw socket's are gone once
  // it closed): a repeated or hostile subscribe must not double or leak one.
  await until(
    () => server.hub.counters().subscribers <= baseline + 2,
    `subscriptions back to at most ${baseline + 2} after ${what} (now ${server.hub.counters().subscribers})`,
  );
}

/** Resolves once `socket` got the answer to a request, or was dropped; fails after 5 s. */
function answered(socket: Socket, what: string): Promise<'answered' | 'dropped'> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no answer to get:active_calls within 5 s after ${what}`)),
      5000,
    );
    socket.once(
      'active_calls' as never,
      (() => (clearTimeout(timer), resolve('answered'))) as never,
    );
    socket.once('disconnect', () => (clearTimeout(timer), resolve('dropped')));
    socket.emit('get:active_calls' as never);
  });
}

/** The fuzz client, connected again if the last input made the server drop it. */
async function connected(): Promise<void> {
  if (!client.connected) client.connect();
  await until(() => client.connected, 'the fuzz client to connect');
}

/** A fresh, well-behaved v2 client still gets the unchanged snapshot. */
async function stillServes(): Promise<void> {
  const probe = authedClient();
  try {
    const snapshot = new Promise<{ calls: { callSid: string }[] }>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no active_calls snapshot')), 5000);
      probe.once(
        'active_calls' as never,
        ((payload: { calls: { callSid: string }[] }) => {
          clearTimeout(timer);
          resolve(payload);
        }) as never,
      );
    });
    const ack = await probe
      .timeout(5000)
      .emitWithAck('subscribe:calls' as never, { v: 2 } as never);
    expect(ack).toMatchObject({ ok: true, mode: 'snapshot' });
    expect((await snapshot).calls.map((c) => c.callSid).sort()).toEqual(['CA1', 'CA2']);
  } finally {
    probe.disconnect();
  }
}

describe('hostile Socket.IO input', () => {
  it('events with generated payloads (and acks) are answered or refused, and reach no one else', async () => {
    const eventName = fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom(...CLIENT_EVENTS) },
      {
        weight: 1,
        arbitrary: fc.constantFrom(
          '__proto__',
          'constructor',
          'connect',
          'disconnect',
          'error',
          'active_calls',
          'x'.repeat(5000),
        ),
      },
      { weight: 1, arbitrary: fc.string({ maxLength: 40 }) },
    );
    let tried = 0;
    let answeredWithError = 0;
    let droppedOversize = 0;
    await fc.assert(
      fc.asyncProperty(
        eventName,
        fc.array(hostileValue, { maxLength: 3 }),
        fc.boolean(),
        async (event, args, withAck) => {
          tried += 1;
          if (!client.connected) {
            // An oversized message makes the server drop the connection (its documented answer).
            droppedOversize += 1;
            client.connect();
            await until(() => client.connected, 'the fuzz client to reconnect');
          }
          const what = `${String(event).slice(0, 40)}(${args.length} args${withAck ? ', ack' : ''})`;
          const emit = client.emit as unknown as (e: string, ...a: unknown[]) => void;
          const acks = withAck && String(event).startsWith('subscribe:');
          const answer = new Promise<unknown>((resolve, reject) => {
            const timer = setTimeout(() => reject(new Error(`no ack within 5 s to ${what}`)), 5000);
            const done = (value: unknown) => (clearTimeout(timer), resolve(value));
            client.once('disconnect', () => done('dropped'));
            try {
              if (acks) emit.call(client, event, ...args, done);
              else emit.call(client, event, ...args, ...(withAck ? [() => {}] : []));
            } catch (error) {
              // socket.io-client refuses to encode some values itself (reserved names): fine.
              done(error);
            }
            if (!acks) done(undefined);
          });
          // A round trip after it: the server has handled the event (or dropped the connection).
          await answered(client, what);
          const reply = await answer;
          if (reply && typeof reply === 'object' && (reply as { ok?: unknown }).ok === false) {
            answeredWithError += 1;
            expect(typeof (reply as { error?: unknown }).error).toBe('string');
          }
          await invariants(what);
        },
      ),
      { numRuns: RUNS },
    );
    await stillServes();
    counts.push({
      surface: 'Socket.IO events + payloads (real gateway)',
      inputs: tried,
      outcome: `${answeredWithError} refused with an error ack, ${droppedOversize} connections dropped for oversize; no other client reached, no subscription leaked, server up`,
    });
  });

  it('raw engine.io / socket.io frames over a bare WebSocket are refused or ignored', async () => {
    const frame = fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.constantFrom(
        '42["subscribe:calls",',
        '42[',
        '4',
        '40',
        '40{"token":1}',
        '41',
        '43',
        '451-["subscribe:calls",{"_placeholder":true,"num":9}]',
        '42["subscribe:calls",{"__proto__":{"polluted":"yes"},"v":2}]',
        '42["__proto__"]',
        '42{"a":1}',
        '2probe',
        '6',
        '1',
        '42' +
          JSON.stringify([
            'subscribe:calls',
            { v: 2, since: { epoch: 'x'.repeat(1000), seq: -1 } },
          ]),
      ),
      fc.jsonValue({ maxDepth: 3 }).map((v) => `42${JSON.stringify(v)}`),
      fc.uint8Array({ maxLength: 64 }).map((a) => Buffer.from(a)),
    );
    let tried = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(frame, { minLength: 1, maxLength: 4 }), async (frames) => {
        const ws = new WebSocket(
          `${url.replace('http', 'ws')}/socket.io/?EIO=4&transport=websocket`,
        );
        try {
          await new Promise<void>((resolve, reject) => {
            ws.once('open', () => resolve());
            ws.once('error', reject);
          });
          ws.send(`40${JSON.stringify({ token: TOKEN })}`);
          for (const f of frames) {
            tried += 1;
            ws.send(f);
          }
          // A request after them: its answer (or the server closing) shows they were handled.
          await new Promise<void>((resolve, reject) => {
            const timer = setTimeout(
              () =>
                reject(
                  new Error(
                    `no answer within 5 s after frames ${JSON.stringify(frames).slice(0, 200)}`,
                  ),
                ),
              5000,
            );
            const done = () => {
              clearTimeout(timer);
              resolve();
            };
            ws.once('close', done);
            ws.on('message', (m) => {
              if (String(m).startsWith('42["active_calls"')) done();
            });
            if (ws.readyState === WebSocket.OPEN) ws.send('42["get:active_calls"]');
          });
        } finally {
          ws.terminate();
        }
        await invariants('raw frames');
      }),
      { numRuns: Math.ceil(RUNS / 3) },
    );
    await stillServes();
    counts.push({
      surface: 'raw engine.io / socket.io frames (WebSocket)',
      inputs: tried,
      outcome:
        'connection dropped or frame ignored; no other client reached, no subscription leaked, server up',
    });
  });

  it('an unknown event is ignored with a log line (and counted), not silently', async () => {
    const fresh = authedClient();
    try {
      await until(() => fresh.connected, 'a fresh client to connect');
      const before = logs.length;
      const badBefore = (await scrape(url)).value('callboard_bad_requests_total')!;
      fresh.emit('no:such:event' as never, { x: 1 } as never);
      await until(
        () => logs.slice(before).some((r) => /unknown event/.test(r.msg)),
        `a log line naming the unknown event (logged: ${logs
          .slice(before)
          .map((r) => r.msg)
          .join('; ')})`,
      );
      const line = logs.slice(before).find((r) => /unknown event/.test(r.msg))!;
      expect(JSON.stringify(line)).toContain('no:such:event');
      expect((await scrape(url)).value('callboard_bad_requests_total')).toBeGreaterThan(badBefore);
    } finally {
      fresh.disconnect();
    }
  });

  it('the refusals are logged or answered: bad subscribe options get an error event', async () => {
    await connected();
    const errors: unknown[] = [];
    client.on('error' as never, ((e: unknown) => errors.push(e)) as never);
    client.emit('subscribe:calls' as never, { v: 3, __proto__: { x: 1 } } as never);
    await until(() => errors.length > 0, 'an error event');
    expect(errors[0]).toMatchObject({ type: 'bad_request' });
    expect(String((errors[0] as { message: string }).message)).toMatch(/invalid subscribe options/);
  });
});
