import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { startEmulator } from '../../emulator';
import type { Logger } from '../../shared/log';
import { fileTokenStore } from '../../server/resume-token-store';
import { mongoCallStore } from '../../server/simulator/call-store';
import { TrafficSimulator, type Vocabulary } from '../../server/simulator/simulator';
import { Watcher } from '../../server/watcher';
import type { DemoDatabase, FeedDeps } from './feed-factory';

/**
 * The real builders behind createFeedForSettings, for the desktop app and the e2e harness:
 * the Watcher (with resume tokens kept per database under `stateDir`), the emulator plus
 * traffic simulator for the demo, and the remote feed passed in (src/core/feed/remote-feed,
 * browser-safe, so it is chosen by the caller).
 */
export interface DefaultFeedDepsOptions {
  logger: Logger;
  /** Where resume tokens are kept (the user data folder); null: in memory. */
  stateDir: string | null;
  createRemoteFeed: FeedDeps['createRemoteFeed'];
  /** Demo traffic: new calls per second and the time scale of call lifecycles. */
  demo?: { callsPerSecond?: number; timeScale?: number; seed?: number; vocabulary?: Vocabulary };
}

export const DEMO_DATABASE = 'callboard_demo';

export async function startDemoDatabase(
  logger: Logger,
  options: DefaultFeedDepsOptions['demo'] = {},
): Promise<DemoDatabase> {
  const emulator = await startEmulator({ logger: logger.child('emulator') });
  const client = new MongoClient(emulator.uri, { appName: 'callboard-demo-simulator' });
  let simulator: TrafficSimulator | null = null;
  try {
    await client.connect();
    simulator = new TrafficSimulator({
      store: mongoCallStore(client.db(DEMO_DATABASE)),
      logger: logger.child('simulator'),
      callsPerSecond: options.callsPerSecond ?? 0.8,
      timeScale: options.timeScale ?? 0.25,
      transcriptCalls: 20,
      ...(options.vocabulary ? { vocabulary: options.vocabulary } : {}),
      ...(options.seed !== undefined ? { seed: options.seed } : {}),
    });
    simulator.start();
  } catch (error) {
    await client.close().catch(() => {});
    await emulator.stop();
    throw error;
  }
  logger.info('demo database started', { uri: emulator.uri });
  return {
    uri: emulator.uri,
    database: DEMO_DATABASE,
    async stop() {
      await simulator?.stop();
      await client.close().catch(() => {});
      await emulator.stop();
    },
  };
}

export function createDefaultFeedDeps(options: DefaultFeedDepsOptions): FeedDeps {
  return {
    logger: options.logger,
    createRemoteFeed: options.createRemoteFeed,
    createWatcher: (hub, config) => {
      const key = createHash('sha256')
        .update(
          `${config.uri}\n${config.database}\n${config.callsCollection}\n${config.campaignsCollection}`,
        )
        .digest('hex')
        .slice(0, 16);
      return new Watcher({
        hub,
        uri: config.uri,
        dbName: config.database,
        collections: { calls: config.callsCollection, campaigns: config.campaignsCollection },
        logger: config.logger,
        ...(options.stateDir && config.persistResumeTokens
          ? { tokenStore: fileTokenStore(join(options.stateDir, 'resume-tokens', key)) }
          : {}),
      });
    },
    startDemo: (logger) => startDemoDatabase(logger, options.demo),
  };
}
