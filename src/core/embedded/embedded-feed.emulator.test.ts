import { createServer, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../emulator';
import { openTestDatabase, type TestDatabase } from '../../emulator/test-target';
import { silentLogger } from '../../shared/log';
import { Watcher } from '../../server/watcher';
import type { AlertsPort } from '../monitor/alerts-port';
import { systemClock } from '../monitor/clock';
import { createMonitorCore, type MonitorCore } from '../monitor/monitor-core';
import { createEmbeddedFeed } from './embedded-feed';
import { until } from '../../shared/until.test-support';

// Embedded mode end to end in Node: MongoDB (emulator, or MONGODB_URI) -> Watcher -> Hub ->
// hub feed -> monitor core, plus the optional gateway serving other clients.

const noAlerts: AlertsPort = {
  observe: () => ({ raised: [], changed: false }),
  list: () => [],
  acknowledge: () => false,
  acknowledgeAll: () => false,
  snooze: () => false,
  setThresholds: () => {},
};

let db: TestDatabase;
beforeAll(async () => {
  db = await openTestDatabase({ prefix: 'embedded' });
});
afterAll(async () => {
  await db?.close();
});

function startCore(servePort: number | null) {
  const feed = createEmbeddedFeed({
    mode: 'embedded',
    target: 'test',
    createSource: (hub) =>
      new Watcher({ hub, uri: db.uri, dbName: db.dbName, logger: silentLogger }),
    servePort,
    logger: silentLogger,
    healthPollMs: 200,
  });
  const core = createMonitorCore({
    feed,
    mode: 'embedded',
    target: 'test',
    alerts: noAlerts,
    clock: systemClock(),
    logger: silentLogger,
    batchMs: 20,
  });
  return { feed, core };
}

describe('embedded feed against MongoDB', () => {
  let core: MonitorCore | undefined;
  afterAll(async () => core?.dispose());

  it('shows a call inserted in MongoDB, then its update, and goes live', async () => {
    const calls = db.client.db(db.dbName).collection('calls');
    await calls.insertOne({ callSid: 'before-start', status: 'ringing', to: '+100' });
    const started = startCore(null);
    core = started.core;
    const c = core;
    await until(() => c.getSnapshot().connection.status === 'live', 'live', 10_000);
    await until(
      () => c.getSnapshot().calls.some((e) => e.call.callSid === 'before-start'),
      'the existing call',
      10_000,
    );
    await calls.insertOne({ callSid: 'e2e-1', status: 'queued', contactName: 'Ada' });
    await until(
      () => c.getSnapshot().calls.find((e) => e.call.callSid === 'e2e-1'),
      'the inserted call',
      10_000,
    );
    await calls.updateOne({ callSid: 'e2e-1' }, { $set: { status: 'in-progress' } });
    const entry = await until(
      () =>
        c
          .getSnapshot()
          .calls.find((e) => e.call.callSid === 'e2e-1' && e.call.status === 'in-progress'),
      'the update',
      10_000,
    );
    expect(entry.call.contactName).toBe('Ada');
    await c.dispose();
    expect(c.getSnapshot().connection.status).not.toBe('live');
    core = undefined;
  });

  it('MongoDB unreachable at start: reconnecting with the reason, then live once it is up', async () => {
    // Always the emulator here: the test needs a database it can start late on a known port.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const uri = `mongodb://127.0.0.1:${port}/?replicaSet=rs0`;
    const feed = createEmbeddedFeed({
      mode: 'embedded',
      target: `127.0.0.1:${port}/late`,
      createSource: (hub) =>
        new Watcher({
          hub,
          uri,
          dbName: 'late',
          logger: silentLogger,
          clientOptions: { serverSelectionTimeoutMS: 300 },
        }),
      logger: silentLogger,
      backoff: { baseMs: 100, capMs: 300, minMs: 50 },
      healthPollMs: 100,
    });
    const c = createMonitorCore({
      feed,
      mode: 'embedded',
      target: 'late',
      alerts: noAlerts,
      clock: systemClock(),
      logger: silentLogger,
      batchMs: 20,
    });
    let late: RunningEmulator | undefined;
    try {
      const down = await until(
        () => {
          const s = c.getSnapshot().connection;
          return s.status === 'reconnecting' && s.error ? s : undefined;
        },
        'reconnecting',
        10_000,
      );
      expect(down.error).toMatch(/cannot reach MongoDB at 127\.0\.0\.1:\d+/);
      expect(down.nextRetryAt).toBeGreaterThan(0);
      expect(down.staleSince).not.toBeNull();
      late = await startEmulator({ port });
      await until(
        () => c.getSnapshot().connection.status === 'live',
        'live after MongoDB came up',
        20_000,
      );
    } finally {
      await c.dispose();
      await late?.stop();
    }
  });

  it('also serves other clients through the gateway when asked', async () => {
    const started = startCore(0);
    const c = started.core;
    try {
      await until(() => c.getSnapshot().connection.status === 'live', 'live', 10_000);
      const url = started.feed.servingUrl();
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const health = (await (await fetch(`${url}/healthz`)).json()) as { status: string };
      expect(health.status).toBe('ok');
    } finally {
      await c.dispose();
    }
    expect(started.feed.servingUrl()).not.toBeNull();
  });
});
