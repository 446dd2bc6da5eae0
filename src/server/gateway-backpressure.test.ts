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

/** Flushes padded changes until the hub holds a subscriber back; returns how many it took. */
async function floodUntilHeld(hub: TestServer['server']['hub']): Promise<number> {
  let i = 0;
  while (hub.counters().slowConsumerHolds === 0) {
    if (i >= 3000) throw new Error('the slow client was never held back');
    hub.ingest('calls', [{ doc: { callSid: `C${i % 100}`, status: 'ringing', padding, i } }]);
    hub.flush();
    i += 1;
    await new Promise((resolve) => setImmediate(resolve));
  }
  return i;
}

it('holds back a client that stops reading, keeps serving the others, and resyncs it after', async () => {
  t = await startTestServer({ hub: { ringCapacity: 20 }, gateway: { maxQueuedPackets: 8 } });
  const hub = t.server.hub;
  const slow = rawClient(t.url, V2_CALLS);
  await until(() => slow.events.some(([e]) => e === 'active_calls'), 'the slow client snapshot');
  const fast = t.client();
  let fastSeq = 0;
  fast.on('calls_batch_update', (p) => (fastSeq = p.seq ?? fastSeq));
  await fast.emitWithAck('subscribe:calls', { v: 2 });

  slow.pause();
  await floodUntilHeld(hub);
  // Bounded: the server queues at most maxQueuedPackets for it, not every flush since.
  for (let k = 0; k < 200; k++) {
    hub.ingest('calls', [{ doc: { callSid: `C${k % 100}`, status: 'queued', padding, k } }]);
    hub.flush();
    await new Promise((resolve) => setImmediate(resolve));
  }
  expect(hub.counters().slowConsumerHolds).toBe(1);
  // The fast client kept up meanwhile.
  await until(() => fastSeq === hub.seq('calls'), 'the fast client to get every change');

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
  const slow = rawClient(t.url, V2_CALLS);
  await until(() => slow.events.some(([e]) => e === 'active_calls'), 'the slow client snapshot');
  const snapshotSeq = (slow.events.find(([e]) => e === 'active_calls')![1] as { seq: number }).seq;
  // A client in the same room keeps the room's broadcasts going while the slow one is held.
  const fast = t.client();
  let fastSeq = 0;
  fast.on('calls_batch_update', (p) => (fastSeq = p.seq ?? fastSeq));
  await fast.emitWithAck('subscribe:calls', { v: 2 });

  slow.pause();
  await floodUntilHeld(hub);
  for (let k = 0; k < 50; k++) {
    hub.ingest('calls', [{ doc: { callSid: `C${k % 100}`, status: 'queued', padding, k } }]);
    hub.flush();
    await new Promise((resolve) => setImmediate(resolve));
  }
  await until(() => fastSeq === hub.seq('calls'), 'the fast client to get every change');
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
