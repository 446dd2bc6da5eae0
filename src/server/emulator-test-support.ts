// Helpers for this folder's MongoDB-backed tests (`*.emulator.test.ts`).
import type { Logger } from '../shared/log';
import { io as connect } from 'socket.io-client';
import { afterEach, beforeEach } from 'vitest';
import { openTestDatabase, type TestDatabase } from '../emulator/test-target';
import { silentLogger } from '../shared/log';
import { applyFeedMessage, initialFeedState } from '../shared/feed/reducer';
import { fromServerEvent } from '../shared/feed/from-protocol';
import type { FeedState } from '../shared/feed/types';
import { isCallEnded } from '../shared/domain/lifecycle';
import type { ServerToClientEvents } from '../shared/protocol/events';
import { createRealtimeServer, type RealtimeServer } from './realtime-server';
import type { AuditLog } from './audit-log';
import type { TokenRegistry } from './auth/token-registry';
import type { ResumeTokenStore } from './resume-token-store';
import type { TestClient } from './test-support';
import { Watcher, type WatcherOptions } from './watcher';

export const WATCHER_APP_NAME = 'callboard-watcher-test';

export async function startWatchedServer(
  target: TestDatabase,
  options: {
    tokenStore?: ResumeTokenStore;
    token?: string;
    tokens?: TokenRegistry;
    audit?: AuditLog;
    logger?: Logger;
    transcripts?: WatcherOptions['transcripts'];
  } = {},
): Promise<{ server: RealtimeServer; url: string }> {
  const server = createRealtimeServer({
    logger: silentLogger,
    port: 0,
    ...(options.token ? { token: options.token } : {}),
    ...(options.tokens ? { tokens: options.tokens } : {}),
    ...(options.audit ? { audit: options.audit } : {}),
    source: (hub) =>
      new Watcher({
        hub,
        uri: target.uri,
        dbName: target.dbName,
        logger: options.logger ?? silentLogger,
        tokenStore: options.tokenStore,
        clientOptions: { appName: WATCHER_APP_NAME },
        backoff: { initialMs: 20, maxMs: 200 },
        maxAwaitTimeMS: 50,
        ...(options.transcripts !== undefined ? { transcripts: options.transcripts } : {}),
      }),
  });
  const { url } = await server.start();
  return { server, url };
}

/**
 * The usual frame of a test file here: a fresh test database per test (the emulator, or
 * MONGODB_URI), servers started on it and anything deferred closed after each test, newest
 * first.
 */
export function watchedServerTests(prefix: string) {
  let target: TestDatabase | null = null;
  const cleanups: (() => Promise<void> | void)[] = [];
  beforeEach(async () => {
    target = await openTestDatabase({ prefix });
  });
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    await target?.close();
    target = null;
  });
  const current = (): TestDatabase => {
    if (!target) throw new Error('no test database outside a test');
    return target;
  };
  return {
    get target(): TestDatabase {
      return current();
    },
    defer(cleanup: () => Promise<void> | void): void {
      cleanups.push(cleanup);
    },
    async serve(options: Parameters<typeof startWatchedServer>[1] = {}) {
      const started = await startWatchedServer(current(), options);
      cleanups.push(() => started.server.stop());
      return started;
    },
  };
}

/** A client that holds its state with the shared reducer, as the apps do. */
export interface StateClient {
  socket: TestClient;
  events: [string, unknown][];
  state(): FeedState;
  activeCallSids(): string[];
  close(): void;
}

export function stateClient(url: string, auth: Record<string, unknown> = {}): StateClient {
  const socket: TestClient = connect(url, {
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    auth,
  });
  let state = initialFeedState();
  const events: [string, unknown][] = [];
  socket.onAny((event: string, payload: unknown) => {
    events.push([event, payload]);
    const result = fromServerEvent(event as keyof ServerToClientEvents, payload, Date.now());
    if (result.message) state = applyFeedMessage(state, result.message).state;
  });
  return {
    socket,
    events,
    state: () => state,
    activeCallSids: () =>
      [...state.calls.values()]
        .filter((e) => !isCallEnded(e.call.status))
        .map((e) => e.call.callSid)
        .sort(),
    close: () => socket.disconnect(),
  };
}

/**
 * Sets a fail point (`failCommand` unless named, e.g. `failGetMoreAfterCursorCheckout`, which
 * fails a change stream's getMore the way a failover does); false when the server does not
 * allow test commands (say so, skip).
 */
export async function configureFailPoint(
  target: TestDatabase,
  mode: unknown,
  data: Record<string, unknown>,
  failPoint = 'failCommand',
): Promise<boolean> {
  try {
    await target.client.db('admin').command({
      configureFailPoint: failPoint,
      mode,
      data: { appName: WATCHER_APP_NAME, ...data },
    });
    return true;
  } catch {
    return false;
  }
}

/**
 * The tests' oracle of "is this call shown", written by hand from DATA.md rather than with
 * the code under test: shown unless its status, in any case or separator, is an ended one.
 * An unknown or missing status keeps a call shown.
 */
const ENDED_BY_HAND = {
  calls: [
    'completed',
    'failed',
    'busy',
    'no-answer',
    'canceled',
    'cancelled',
    'processing',
    'done',
    'unknown',
  ],
  campaigns: ['completed', 'done', 'archived', 'failed', 'canceled', 'cancelled', 'stopped'],
};
export function shownByHand(kind: 'calls' | 'campaigns', status: unknown): boolean {
  const spelling =
    typeof status === 'string'
      ? status
          .trim()
          .toLowerCase()
          .replace(/[\s_-]+/g, '-')
      : '';
  return !ENDED_BY_HAND[kind].includes(spelling);
}
