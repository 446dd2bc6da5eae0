import { afterEach, expect, it } from 'vitest';
import { rawClient } from './gateway-raw-client.test-support';
import { nextEvent, startTestServer, until, type TestServer } from './test-support';

// A client that stops reading its socket must not make the server buffer without bound, nor
// hold up the others: it is held back (left out of the room broadcasts), then caught up from
// the replay ring, or resynced with a snapshot when the ring no longer covers it.

let t: TestServer | null = null;
afterEach(async () => {
  await t?.close();
  t = null;
});

const V2_CALLS = '["subscribe:calls",{"v":2}]';
const padding = 'x'.repeat(32 * 1024);

/** One flush of one padded change (32 KiB), then a turn of the event loop for the sockets. */
async function flushPadded(hub: TestServer['server']['hub'], i: number, status: string) {
  hub.ingest('calls', [{ doc: { callSid: `C${i % 100}`, status, padding, i } }]);
  hub.flush();
  await new Promise((resolve) => setImmediate(resolve));
}

/**
 * A slow raw client and a fast Socket.IO client in the same room (v2 batches); the slow one
 * stops reading until the hub holds it back, then `more` flushes follow. Resolves once the
 * fast client has every change.
 */
async function holdSlowClient(server: TestServer, more: number) {
  const hub = server.server.hub;
  const slow = rawClient(server.url, V2_CALLS);
  const snapshot = await until(
    () => slow.events.find(([e]) => e === 'active_calls'),
    'the slow client snapshot',
  );
  const fast = server.client();
  let fastSeq = 0;
  fast.on('calls_batch_update', (p) => (fastSeq = p.seq ?? fastSeq));
  await fast.emitWithAck('subscribe:calls', { v: 2 });

  slow.pause();
  for (let i = 0; hub.counters().slowConsumerHolds === 0; i++) {
    if (i >= 3000) throw new Error('the slow client was never held back');
    await flushPadded(hub, i, 'ringing');
  }
  for (let k = 0; k < more; k++) await flushPadded(hub, k, 'queued');
  // The fast client kept up meanwhile.
  await until(() => fastSeq === hub.seq('calls'), 'the fast client to get every change');
  return { slow, snapshotSeq: (snapshot[1] as { seq: number }).seq };
}

it('holds back a client that stops reading, keeps serving the others, and resyncs it after', async () => {
  t = await startTestServer({ hub: { ringCapacity: 20 }, gateway: { maxQueuedPackets: 8 } });
  const hub = t.server.hub;
  // Bounded: the server queues at most maxQueuedPackets for it, not every flush since.
  const { slow } = await holdSlowClient(t, 200);
  expect(hub.counters().slowConsumerHolds).toBe(1);

  const resync = nextEvent(slow.ws, 'message', 10_000);
  slow.resume();
  await resync;
  await until(
    () => {
      const at = slow.events.findIndex(([e]) => e === 'resync');
      return at >= 0 && at < slow.events.length - 1;
    },
    'the slow client resync and snapshot',
    10_000,
  );
  const afterResync = slow.events.slice(slow.events.findIndex(([e]) => e === 'resync') + 1);
  const last = afterResync[0]!;
  expect(last[0]).toBe('active_calls');
  expect(last[1]).toMatchObject({ v: 2, seq: hub.seq('calls'), count: 100 });
  expect(hub.counters().slowConsumerResyncs).toBe(1);
  slow.ws.close();
});

it('catches a held client up from the ring with exactly the changes it missed, once each', async () => {
  t = await startTestServer({ gateway: { maxQueuedPackets: 8 } });
  const hub = t.server.hub;
  const { slow, snapshotSeq } = await holdSlowClient(t, 50);
  const replaysBefore = hub.counters().replaysSent;
  slow.resume();
  const ranges = () =>
    slow.events
      .filter(([e]) => e === 'calls_batch_update')
      .map(([, p]) => p as { fromSeq: number; seq: number });
  // The catch-up is one batch of every change since the hold (each live flush here has one).
  await until(
    () => ranges().some((r) => r.seq > r.fromSeq) && ranges().at(-1)?.seq === hub.seq('calls'),
    'the slow client to be caught up from the ring',
  );

  // What it got before the hold, then the replay: every seq once, in order, no resync.
  let next = snapshotSeq + 1;
  for (const { fromSeq, seq } of ranges()) {
    expect(fromSeq).toBe(next);
    next = seq + 1;
  }
  expect(next - 1).toBe(hub.seq('calls'));
  expect(slow.events.some(([e]) => e === 'resync')).toBe(false);
  expect(hub.counters().replaysSent).toBe(replaysBefore + 1);
  expect(hub.counters().slowConsumerResyncs).toBe(0);
  slow.ws.close();
});
