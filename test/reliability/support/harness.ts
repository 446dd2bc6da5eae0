/**
 * What each fault test sets up: a database (emulator, or MONGODB_URI), the real realtime
 * server (Watcher -> Hub -> gateway) in this process, the traffic simulator writing through a
 * store that counts operations, and feed clients. `close()` stops all of it.
 */
import type { Db } from 'mongodb';
import { openTestDatabase, type TestDatabase } from '../../../src/emulator/test-target';
import type { EmulatorOptions } from '../../../src/emulator';
import {
  createRealtimeServer,
  memoryTokenStore,
  mongoCallStore,
  TrafficSimulator,
  Watcher,
  type RealtimeServer,
  type ResumeTokenStore,
  type StoreOp,
  type WatcherOptions,
} from '../../../src/server';
import type { HubOptions } from '../../../src/server/hub-types';
import { configureFailPoint } from '../../../src/server/emulator-test-support';
import { silentLogger, type Logger } from '../../../src/shared/log';
import { startFeedClient, type FeedClient } from './feed-client';
import { until as waitUntil } from '../../../src/shared/until.test-support';

export const WATCHER_APP = 'callboard-reliability-watcher';

export interface CountingWriter {
  /** Operations stored so far. */
  writes(): number;
  errors(): number;
  stop(): Promise<void>;
}

/** The traffic simulator writing realistic calls and campaigns; counts the operations stored. */
export function startSimulator(db: Db, callsPerSecond = 15, seed = 7): CountingWriter {
  const inner = mongoCallStore(db);
  let writes = 0;
  const simulator = new TrafficSimulator({
    store: {
      async write(ops: readonly StoreOp[]) {
        await inner.write(ops);
        writes += ops.length;
      },
    },
    logger: silentLogger,
    callsPerSecond,
    timeScale: 0.03,
    tickMs: 100,
    seed,
  });
  simulator.start();
  return {
    writes: () => writes,
    errors: () => simulator.counters().writeErrors,
    stop: () => simulator.stop(),
  };
}

export interface Harness {
  target: TestDatabase;
  db: Db;
  clients: FeedClient[];
  addClient(name: string, url?: string, token?: string): FeedClient;
  startServer(
    options?: ServerOptions,
  ): Promise<{ server: RealtimeServer; url: string; port: number; watcher: Watcher }>;
  /** Runs at close, last added first. */
  defer(cleanup: () => Promise<unknown> | unknown): void;
  close(): Promise<void>;
}

export interface ServerOptions {
  uri?: string;
  port?: number;
  hub?: HubOptions;
  tokenStore?: ResumeTokenStore;
  token?: string;
  logger?: Logger;
  serverSelectionTimeoutMS?: number;
  maxQueuedPackets?: number;
  /** The watcher's live transcripts (its store's cap and linger); default theirs. */
  transcripts?: WatcherOptions['transcripts'];
}

export async function openHarness(
  emulator: EmulatorOptions = {},
  env: NodeJS.ProcessEnv = process.env,
): Promise<Harness> {
  const target = await openTestDatabase({ prefix: 'reliability', emulator, env });
  const db = target.client.db(target.dbName);
  const cleanups: (() => Promise<unknown> | unknown)[] = [];
  const clients: FeedClient[] = [];
  let lastUrl = '';
  const harness: Harness = {
    target,
    db,
    clients,
    addClient(name, url = lastUrl, token) {
      const client = startFeedClient(name, url, token);
      clients.push(client);
      cleanups.push(() => client.stop());
      return client;
    },
    async startServer(options = {}) {
      let watcher: Watcher | undefined;
      const server = createRealtimeServer({
        logger: options.logger ?? silentLogger,
        port: options.port ?? 0,
        ...(options.token !== undefined ? { token: options.token } : {}),
        hub: options.hub ?? {},
        ...(options.maxQueuedPackets !== undefined
          ? { gateway: { maxQueuedPackets: options.maxQueuedPackets } }
          : {}),
        source: (hub) =>
          (watcher = new Watcher({
            hub,
            uri: options.uri ?? target.uri,
            dbName: target.dbName,
            logger: options.logger ?? silentLogger,
            tokenStore: options.tokenStore ?? memoryTokenStore(),
            clientOptions: {
              appName: WATCHER_APP,
              serverSelectionTimeoutMS: options.serverSelectionTimeoutMS ?? 10_000,
            },
            backoff: { initialMs: 20, maxMs: 300 },
            tokenSaveIntervalMs: 50,
            ...(options.transcripts !== undefined ? { transcripts: options.transcripts } : {}),
          })),
      });
      cleanups.push(() => server.stop());
      const started = await server.start();
      lastUrl = started.url;
      return { server, url: started.url, port: started.port, watcher: watcher! };
    },
    defer(cleanup) {
      cleanups.push(cleanup);
    },
    async close() {
      for (const cleanup of cleanups.splice(0).reverse()) {
        await Promise.resolve()
          .then(cleanup)
          .catch(() => {});
      }
      await target.close();
    },
  };
  return harness;
}

/** A fail point on the watcher's connections only; false when the server refuses test commands. */
export function failPoint(
  target: TestDatabase,
  mode: unknown,
  data: Record<string, unknown>,
  name = 'failCommand',
): Promise<boolean> {
  return configureFailPoint(target, mode, { appName: WATCHER_APP, ...data }, name);
}

/** The shared `until`, with the longer default these fault scenarios need (10 s). */
export function until(condition: () => boolean, what: string, ms = 10_000): Promise<true> {
  return waitUntil(() => condition() || null, what, ms, 10).then(() => true);
}
