import type { Logger } from '../../shared/log';
import type { Settings } from '../../shared/settings';
import type { Hub } from '../../server/hub';
import type { HubSource } from '../../server/realtime-server';
import type { Feed } from '../feed/feed';
import type { FeedSource } from '../monitor/monitor-core';
import { createEmbeddedFeed } from './embedded-feed';
import {
  createLifecycleRules,
  type LifecycleOverrides,
  type LifecycleRules,
} from '../../shared/domain/lifecycle';

/**
 * One place that turns settings into a feed (ARCHITECTURE.md, "Three ways to run"):
 * - remote: socket.io-client to a Callboard server or any seed-protocol server;
 * - embedded: the Watcher and Hub in this process against the user's MongoDB, optionally
 *   serving other clients on `servePort`;
 * - demo: embedded against the bundled emulator, with the traffic simulator writing into it.
 * The builders are injected (./default-feed-deps.ts wires the real ones), so the choice and
 * the clean-up order are tested without sockets.
 */
/** The rules from settings already validated (settingsSchema checks the mapping). */
function lifecycleFor(mapping: LifecycleOverrides): LifecycleRules {
  const result = createLifecycleRules(mapping);
  if (!result.ok) throw new Error(`invalid status mapping: ${result.error}`);
  return result.rules;
}

export interface WatcherConfig {
  uri: string;
  database: string;
  callsCollection: string;
  campaignsCollection: string;
  logger: Logger;
  /** Keep resume tokens across runs (embedded); the demo's emulator is new every run. */
  persistResumeTokens: boolean;
}

export interface DemoDatabase {
  uri: string;
  database: string;
  /** Stops the simulator and the emulator. */
  stop(): Promise<void>;
}

export interface FeedDeps {
  logger: Logger;
  now?: () => number;
  createRemoteFeed(options: { url: string; token: string; logger: Logger }): Feed;
  createWatcher(hub: Hub, config: WatcherConfig): HubSource;
  /** Starts the emulator and the traffic simulator. */
  startDemo(logger: Logger): Promise<DemoDatabase>;
}

export interface CreatedFeed extends FeedSource {
  /** The database the feed watches (demo and embedded), for tests and "Demo data" hints. */
  database?: { uri: string; name: string };
  /** The gateway URL when an embedded feed also serves other clients. */
  servingUrl?: () => string | null;
}

/** host:port/db for display: never user names or passwords from the URI. */
export function describeMongoTarget(uri: string, database: string): string {
  const match = /^mongodb(?:\+srv)?:\/\/(?:[^@/]*@)?([^/?]+)/.exec(uri.trim());
  return `${match?.[1] ?? 'MongoDB'}/${database}`;
}

export async function createFeedForSettings(
  settings: Settings,
  deps: FeedDeps,
): Promise<CreatedFeed> {
  const logger = deps.logger;
  switch (settings.mode) {
    case 'remote': {
      const { url, token } = settings.remote;
      return { mode: 'remote', target: url, feed: deps.createRemoteFeed({ url, token, logger }) };
    }
    case 'embedded': {
      const e = settings.embedded;
      if (e.mongoUri === '') {
        throw new Error('embedded mode needs a MongoDB connection string (Settings > Connection)');
      }
      const config: WatcherConfig = {
        uri: e.mongoUri,
        database: e.database,
        callsCollection: e.callsCollection,
        campaignsCollection: e.campaignsCollection,
        logger: logger.child('watcher'),
        persistResumeTokens: true,
      };
      const target = describeMongoTarget(e.mongoUri, e.database);
      const feed = createEmbeddedFeed({
        mode: 'embedded',
        target,
        createSource: (hub) => deps.createWatcher(hub, config),
        servePort: e.servePort,
        hubOptions: { lifecycle: lifecycleFor(e.statusMapping) },
        logger,
        ...(deps.now ? { now: deps.now } : {}),
      });
      return {
        mode: 'embedded',
        target,
        feed,
        database: { uri: e.mongoUri, name: e.database },
        servingUrl: feed.servingUrl,
      };
    }
    case 'demo': {
      const demo = await deps.startDemo(logger.child('demo'));
      const config: WatcherConfig = {
        uri: demo.uri,
        database: demo.database,
        callsCollection: 'calls',
        campaignsCollection: 'campaigns',
        logger: logger.child('watcher'),
        persistResumeTokens: false,
      };
      const target = `demo emulator ${describeMongoTarget(demo.uri, demo.database)}`;
      const feed = createEmbeddedFeed({
        mode: 'demo',
        target,
        createSource: (hub) => deps.createWatcher(hub, config),
        logger,
        onStopped: () => demo.stop(),
        ...(deps.now ? { now: deps.now } : {}),
      });
      return { mode: 'demo', target, feed, database: { uri: demo.uri, name: demo.database } };
    }
  }
}
