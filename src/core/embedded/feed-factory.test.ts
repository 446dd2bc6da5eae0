import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../shared/log';
import { DEFAULT_SETTINGS, type Settings } from '../../shared/settings';
import { createFakeFeed } from '../feed/fake-feed.test-support';
import {
  createFeedForSettings,
  describeMongoTarget,
  type FeedDeps,
  type WatcherConfig,
} from './feed-factory';

function deps() {
  const remote: { url: string; token: string }[] = [];
  const watchers: WatcherConfig[] = [];
  const d: FeedDeps = {
    logger: silentLogger,
    createRemoteFeed: ({ url, token }) => {
      remote.push({ url, token });
      return createFakeFeed();
    },
    createWatcher: (_hub, config) => {
      watchers.push(config);
      return {
        start: async () => {},
        stop: async () => {},
        health: () => ({ mongo: 'connected', streams: {}, changesIn: 0, restarts: 0 }),
      };
    },
    startDemo: async () => {
      throw new Error('not in this test');
    },
  };
  return { d, remote, watchers };
}

describe('createFeedForSettings', () => {
  it('remote: a remote feed with the URL and token', async () => {
    const { d, remote } = deps();
    const settings: Settings = {
      ...DEFAULT_SETTINGS,
      mode: 'remote',
      remote: { url: 'https://srv.example', token: 't' },
    };
    const created = await createFeedForSettings(settings, d);
    expect(created).toMatchObject({ mode: 'remote', target: 'https://srv.example' });
    expect(remote).toEqual([{ url: 'https://srv.example', token: 't' }]);
  });

  it('embedded without a connection string: a clear error', async () => {
    const { d } = deps();
    await expect(
      createFeedForSettings({ ...DEFAULT_SETTINGS, mode: 'embedded' }, d),
    ).rejects.toThrow(/embedded mode needs a MongoDB connection string/);
  });

  it('embedded: a watcher on the configured database, the target never shows the password', async () => {
    const { d, watchers } = deps();
    const created = await createFeedForSettings(
      {
        ...DEFAULT_SETTINGS,
        mode: 'embedded',
        embedded: {
          ...DEFAULT_SETTINGS.embedded,
          mongoUri: 'mongodb://app:hunter2@db1:27017,db2:27017/?replicaSet=rs0',
        },
      },
      d,
    );
    expect(created.target).toBe('db1:27017,db2:27017/callcenter');
    expect(watchers).toMatchObject([
      { database: 'callcenter', callsCollection: 'calls', persistResumeTokens: true },
    ]);
    await created.feed.stop();
  });

  it.each([
    ['mongodb://u:p@h:1/db', 'h:1/x'],
    ['mongodb+srv://cluster0.example.net/?retryWrites=true', 'cluster0.example.net/x'],
    ['nonsense', 'MongoDB/x'],
  ])('describeMongoTarget(%s)', (uri, expected) => {
    expect(describeMongoTarget(uri, 'x')).toBe(expected);
  });
});
