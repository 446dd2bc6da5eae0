import { afterEach, expect, it } from 'vitest';
import WebSocket from 'ws';
import { nextEvent, startTestServer, until, type TestServer } from './test-support';

// A client that stops reading its socket must not make the server buffer without bound, nor
// hold up the others: it is held back, then resynced with a snapshot when it reads again.
// The slow client is a raw Engine.IO/Socket.IO v4 WebSocket so the test can pause its reads.

let t: TestServer | null = null;
afterEach(async () => {
  await t?.close();
  t = null;
});

function rawClient(url: string) {
  const ws = new WebSocket(`${url.replace('http', 'ws')}/socket.io/?EIO=4&transport=websocket`);
  const events: [string, unknown][] = [];
  ws.on('message', (data) => {
    const text = data.toString();
    if (text === '2')
      ws.send('3'); // ping -> pong
    else if (text.startsWith('0'))
      ws.send('40'); // engine open -> connect to "/"
    else if (text.startsWith('40')) ws.send('42["subscribe:calls",{"v":2}]');
    else if (text.startsWith('42')) {
      const [event, payload] = JSON.parse(text.slice(2)) as [string, unknown];
      events.push([event, payload]);
    }
  });
  return { ws, events };
}

it('holds back a client that stops reading, keeps serving the others, and resyncs it after', async () => {
  t = await startTestServer({ hub: { ringCapacity: 20 }, gateway: { maxQueuedPackets: 8 } });
  const hub = t.server.hub;
  const slow = rawClient(t.url);
  await until(() => slow.events.some(([e]) => e === 'active_calls'), 'the slow client snapshot');
  const fast = t.client();
  let fastSeq = 0;
  fast.on('calls_batch_update', (p) => (fastSeq = p.seq ?? fastSeq));
  await fast.emitWithAck('subscribe:calls', { v: 2 });

  (slow.ws as unknown as { _socket: { pause(): void } })._socket.pause();
  const padding = 'x'.repeat(32 * 1024);
  let i = 0;
  while (hub.counters().slowConsumerHolds === 0) {
    if (i >= 3000) throw new Error('the slow client was never held back');
    hub.ingest('calls', [{ doc: { callSid: `C${i % 100}`, status: 'ringing', padding, i } }]);
    hub.flush();
    i += 1;
    await new Promise((resolve) => setImmediate(resolve));
  }
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
  (slow.ws as unknown as { _socket: { resume(): void } })._socket.resume();
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
