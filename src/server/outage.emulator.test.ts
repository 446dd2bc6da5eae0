import { MongoClient } from 'mongodb';
import { afterEach, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../emulator';
import { silentLogger } from '../shared/log';
import { stateClient, type StateClient } from './emulator-test-support';
import { createRealtimeServer, type RealtimeServer } from './realtime-server';
import { until } from './test-support';
import { Watcher } from './watcher';

// MongoDB going away and coming back (here: the emulator restarted empty on the same port,
// so the old resume token means nothing there). Needs to restart the database, so it runs
// only on the emulator, not against MONGODB_URI.
const external = Boolean(process.env.MONGODB_URI);

const open: { stop(): Promise<void> | void }[] = [];
afterEach(async () => {
  for (const o of open.splice(0).reverse()) await o.stop();
});

it.skipIf(external)(
  'reports a MongoDB outage in /healthz and reconnects by itself when it is back',
  async () => {
    let emulator: RunningEmulator = await startEmulator();
    open.push({ stop: () => emulator.stop() });
    const port = emulator.port;
    const server: RealtimeServer = createRealtimeServer({
      logger: silentLogger,
      port: 0,
      source: (hub) =>
        new Watcher({
          hub,
          uri: emulator.uri,
          dbName: 'outage',
          logger: silentLogger,
          backoff: { initialMs: 20, maxMs: 100 },
          maxAwaitTimeMS: 50,
          clientOptions: { serverSelectionTimeoutMS: 300, heartbeatFrequencyMS: 100 },
        }),
    });
    const { url } = await server.start();
    open.push(server);
    const c: StateClient = stateClient(url);
    open.push({ stop: () => c.close() });
    await c.socket.emitWithAck('subscribe:calls', { v: 2 });
    const writer = new MongoClient(emulator.uri);
    open.push({ stop: () => writer.close() });
    await writer
      .db('outage')
      .collection('calls')
      .insertOne({ callSid: 'before', status: 'ringing' });
    await until(() => c.activeCallSids().join() === 'before', 'the first call');

    await emulator.stop();
    await until(() => server.health().status === 'degraded', 'health to report the outage', 10_000);
    expect((await fetch(`${url}/healthz`)).status).toBe(503);

    emulator = await startEmulator({ port });
    await until(() => server.health().status === 'ok', 'the watcher to come back', 15_000);
    expect(server.health().mongo?.restarts).toBeGreaterThan(0);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    // What the client holds after that depends on the database coming back with its history
    // (a real replica set does; this emulator restarts empty, and accepts the old resume
    // token as if nothing were lost), so it is not asserted here.
  },
  40_000,
);
