import { MongoClient } from 'mongodb';
import { afterAll, describe, expect, it } from 'vitest';
import type { Alert } from '../../shared/alerts-types';
import { silentLogger } from '../../shared/log';
import { DEFAULT_SETTINGS } from '../../shared/settings';
import { createFakeFeed } from '../feed/fake-feed.test-support';
import { systemClock } from '../monitor/clock';
import { createMonitorCore, type MonitorCore } from '../monitor/monitor-core';
import { createAlertsPort } from '../monitor/shared-alerts';
import { createDefaultFeedDeps } from './default-feed-deps';
import { createFeedForSettings } from './feed-factory';
import { until } from '../../shared/until.test-support';

// Demo mode in Node, all real: emulator + traffic simulator -> Watcher -> Hub -> core ->
// alert engine. A call written into the demo database reaches the core and raises an alert.

describe('demo feed (emulator + simulator)', () => {
  let core: MonitorCore | undefined;
  let client: MongoClient | undefined;
  afterAll(async () => {
    await client?.close();
    await core?.dispose();
  });

  it('shows simulated traffic, and a failed call written to MongoDB raises call-failed', async () => {
    const deps = createDefaultFeedDeps({
      logger: silentLogger,
      stateDir: null,
      createRemoteFeed: () => createFakeFeed(),
      demo: { callsPerSecond: 2, timeScale: 0.05, seed: 7 },
    });
    const created = await createFeedForSettings(DEFAULT_SETTINGS, deps);
    expect(created.mode).toBe('demo');
    const notifications = {
      ...DEFAULT_SETTINGS.notifications,
      kinds: { ...DEFAULT_SETTINGS.notifications.kinds, 'call-failed': true },
    };
    const c = createMonitorCore({
      ...created,
      alerts: createAlertsPort(DEFAULT_SETTINGS.alerts),
      clock: systemClock(),
      logger: silentLogger,
      notifications,
      batchMs: 20,
    });
    core = c;
    const raised: Alert[] = [];
    c.onDidRaiseAlert((a) => raised.push(a));
    await until(() => c.getSnapshot().connection.status === 'live', 'live', 10_000);
    await until(() => c.getSnapshot().calls.length > 0, 'simulated calls', 10_000);

    client = new MongoClient(created.database!.uri);
    const calls = client.db(created.database!.name).collection('calls');
    await calls.insertOne({ callSid: 'harness-1', status: 'ringing', contactName: 'Grace' });
    await until(
      () => c.getSnapshot().calls.find((e) => e.call.callSid === 'harness-1'),
      'the written call',
      10_000,
    );
    await calls.updateOne({ callSid: 'harness-1' }, { $set: { status: 'failed' } });
    const alert = await until(
      () => raised.find((a) => a.id.includes('harness-1')),
      'the alert',
      10_000,
    );
    expect(alert.kind).toBe('call-failed');
    expect(alert.target).toEqual({ type: 'call', callSid: 'harness-1' });
    await client.close();
    client = undefined;
    await c.dispose();
    core = undefined;
    // Tearing the demo down stops its emulator: nothing listens there any more.
    const probe = new MongoClient(created.database!.uri, { serverSelectionTimeoutMS: 300 });
    await expect(probe.connect()).rejects.toThrow();
    await probe.close();
  });
});
