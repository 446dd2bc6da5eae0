import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, type TestDatabase } from '../../emulator/test-target';
import type { Alert } from '../../shared/alerts-types';
import { silentLogger } from '../../shared/log';
import { DEFAULT_SETTINGS } from '../../shared/settings';
import { createRealtimeServer, type RealtimeServer } from '../../server/realtime-server';
import { Watcher } from '../../server/watcher';
import { createRemoteFeed } from '../feed/remote-feed';
import { systemClock } from '../monitor/clock';
import { createMonitorCore } from '../monitor/monitor-core';
import { createAlertsPort } from '../monitor/shared-alerts';
import { until } from '../../shared/until.test-support';

// Remote mode in Node, all real: MongoDB (emulator or MONGODB_URI) -> a Callboard server
// (Watcher, Hub, gateway with a token) -> socket.io RemoteFeed -> monitor core -> alerts.

let db: TestDatabase;
let server: RealtimeServer;
let url: string;
beforeAll(async () => {
  db = await openTestDatabase({ prefix: 'remote' });
  server = createRealtimeServer({
    logger: silentLogger,
    port: 0,
    token: 'harness-token',
    source: (hub) => new Watcher({ hub, uri: db.uri, dbName: db.dbName, logger: silentLogger }),
  });
  ({ url } = await server.start());
});
afterAll(async () => {
  await server?.stop();
  await db?.close();
});

const notifications = {
  ...DEFAULT_SETTINGS.notifications,
  kinds: { ...DEFAULT_SETTINGS.notifications.kinds, 'call-failed': true },
};

describe('monitor core over a real Callboard server', () => {
  it('a write in MongoDB reaches the core over socket.io and raises an alert', async () => {
    const feed = createRemoteFeed({ url, token: 'harness-token', logger: silentLogger });
    const core = createMonitorCore({
      feed,
      mode: 'remote',
      target: url,
      alerts: createAlertsPort(DEFAULT_SETTINGS.alerts),
      clock: systemClock(),
      logger: silentLogger,
      notifications,
      batchMs: 20,
    });
    const raised: Alert[] = [];
    core.onDidRaiseAlert((a) => raised.push(a));
    try {
      await until(() => core.getSnapshot().connection.status === 'live', 'live', 10_000);
      expect(core.getSnapshot().connection.protocol).toBe(2);
      const calls = db.client.db(db.dbName).collection('calls');
      await calls.insertOne({ callSid: 'remote-1', status: 'ringing', contactName: 'Linus' });
      await until(
        () => core.getSnapshot().calls.find((e) => e.call.callSid === 'remote-1'),
        'the call',
        10_000,
      );
      await calls.updateOne({ callSid: 'remote-1' }, { $set: { status: 'busy' } });
      const alert = await until(
        () => raised.find((a) => a.id.includes('remote-1')),
        'the alert',
        10_000,
      );
      expect(alert).toMatchObject({
        kind: 'call-failed',
        target: { type: 'call', callSid: 'remote-1' },
      });
    } finally {
      await core.dispose();
    }
  });

  it('a wrong token: not live, with the reason', async () => {
    const feed = createRemoteFeed({
      url,
      token: 'wrong',
      logger: silentLogger,
      backoff: { initialMs: 50, maxMs: 100 },
    });
    const core = createMonitorCore({
      feed,
      mode: 'remote',
      target: url,
      alerts: createAlertsPort(DEFAULT_SETTINGS.alerts),
      clock: systemClock(),
      logger: silentLogger,
      batchMs: 20,
    });
    try {
      const connection = await until(
        () => {
          const c = core.getSnapshot().connection;
          return c.error ? c : undefined;
        },
        'an error',
        10_000,
      );
      expect(connection.status).not.toBe('live');
      expect(connection.error).toMatch(/token|unauthori[sz]ed/i);
    } finally {
      await core.dispose();
    }
  });
});
