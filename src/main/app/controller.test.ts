import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFakeFeed, type FakeFeed } from '../../core/feed/fake-feed.test-support';
import type { FeedSource } from '../../core/monitor/monitor-core';
import { manualClock } from '../../core/monitor/clock';
import { createAlertsPort } from '../../core/monitor/shared-alerts';
import { silentLogger } from '../../shared/log';
import { DEFAULT_SETTINGS, type Settings } from '../../shared/settings';
import { IpcError } from '../ipc/handle';
import { plainCipher } from '../settings/secret-cipher';
import { createSettingsStore } from '../settings/settings-store';
import { createAppController, type AppController } from './controller';

let dir: string;
let controller: AppController | undefined;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'callboard-controller-'));
});
afterEach(async () => {
  await controller?.dispose();
  controller = undefined;
  await rm(dir, { recursive: true, force: true });
});

function setup(options: { failMode?: Settings['mode'] } = {}) {
  const feeds: { settings: Settings; feed: FakeFeed }[] = [];
  const tested: Settings[] = [];
  controller = createAppController({
    settings: createSettingsStore({
      file: join(dir, 'settings.json'),
      cipher: plainCipher,
      logger: silentLogger,
    }),
    createFeed: async (settings): Promise<FeedSource> => {
      if (settings.mode === options.failMode) {
        throw new Error('embedded mode needs a MongoDB connection string (Settings > Connection)');
      }
      const feed = createFakeFeed();
      feeds.push({ settings, feed });
      return { feed, mode: settings.mode, target: settings.mode };
    },
    createAlerts: (t) => createAlertsPort(t),
    testConnection: async (s) => {
      tested.push(s);
      return { ok: true, summary: 'fine', durationMs: 1 };
    },
    clock: manualClock(),
    logger: silentLogger,
  });
  return { controller, feeds, tested };
}

const remote: Settings = {
  ...DEFAULT_SETTINGS,
  mode: 'remote',
  remote: { url: 'http://srv:7070', token: 'tok' },
};

describe('app controller', () => {
  it('starts the feed the saved settings choose (demo by default)', async () => {
    const { controller, feeds } = setup();
    await controller.start();
    expect(feeds.map((f) => f.settings.mode)).toEqual(['demo']);
    expect(feeds[0]!.feed.started).toBe(1);
  });

  it('saving a new mode stops the old feed and starts the new one', async () => {
    const { controller, feeds } = setup();
    await controller.start();
    const view = await controller.saveSettings(remote);
    expect(view.settings.remote.token).toBe('');
    expect(feeds.map((f) => f.settings.mode)).toEqual(['demo', 'remote']);
    expect(feeds[0]!.feed.stopped).toBe(1);
    expect(feeds[1]!.feed.started).toBe(1);
    expect(feeds[1]!.settings.remote.token).toBe('tok');
    expect(controller.getSnapshot().connection.mode).toBe('remote');
  });

  it('saving only thresholds keeps the feed', async () => {
    const { controller, feeds } = setup();
    await controller.start();
    await controller.saveSettings({
      ...DEFAULT_SETTINGS,
      alerts: { ...DEFAULT_SETTINGS.alerts, waitingSeconds: 120 },
    });
    expect(feeds).toHaveLength(1);
    expect(controller.getSettings().settings.alerts.waitingSeconds).toBe(120);
  });

  it('invalid settings: bad-request, nothing saved, feed untouched', async () => {
    const { controller, feeds } = setup();
    await controller.start();
    await expect(
      controller.saveSettings({ ...remote, remote: { url: 'ftp://x', token: '' } }),
    ).rejects.toMatchObject({
      code: 'bad-request',
    });
    expect(feeds).toHaveLength(1);
    expect(controller.getSettings().settings.mode).toBe('demo');
  });

  it('test connection fills in the saved secret and refuses invalid input', async () => {
    const { controller, tested } = setup();
    await controller.start();
    await controller.saveSettings(remote);
    await controller.testConnection({ ...remote, remote: { ...remote.remote, token: '' } });
    expect(tested[0]!.remote.token).toBe('tok');
    await expect(controller.testConnection({ mode: 'x' })).rejects.toBeInstanceOf(IpcError);
  });

  it('a feed that cannot be built shows as failed with the reason; the app still starts', async () => {
    const { controller } = setup({ failMode: 'embedded' });
    await controller.start();
    await controller.saveSettings({ ...DEFAULT_SETTINGS, mode: 'embedded' });
    const connection = controller.getSnapshot().connection;
    expect(connection).toMatchObject({ status: 'failed', mode: 'embedded' });
    expect(connection.error).toMatch(/needs a MongoDB connection string/);
    await controller.saveSettings(remote);
    expect(controller.getSnapshot().connection.mode).toBe('remote');
  });

  it('unknown alert ids are not-found', async () => {
    const { controller } = setup();
    await controller.start();
    expect(() => controller.acknowledgeAlert('nope')).toThrow(
      expect.objectContaining({ code: 'not-found' }),
    );
    expect(() => controller.snoozeAlert('nope', 5)).toThrow(
      expect.objectContaining({ code: 'not-found' }),
    );
  });
});
