import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page, TestInfo } from '@playwright/test';
import { MongoClient } from 'mongodb';
import { createDefaultFeedDeps } from '../../src/core/embedded/default-feed-deps';
import { createFeedForSettings, type CreatedFeed } from '../../src/core/embedded/feed-factory';
import { testConnectionFor } from '../../src/core/embedded/test-connection';
import { createRemoteFeed } from '../../src/core/feed/remote-feed';
import { systemClock } from '../../src/core/monitor/clock';
import { createAlertsPort } from '../../src/core/monitor/shared-alerts';
import { createAppController, type AppController } from '../../src/main/app/controller';
import { plainCipher } from '../../src/main/settings/secret-cipher';
import { createSettingsStore } from '../../src/main/settings/settings-store';
import type { Alert } from '../../src/shared/alerts-types';
import { createLogger, formatLogLine, type LogRecord } from '../../src/shared/log';
import type { Settings } from '../../src/shared/settings';
import { serveStatic } from '../support/static-server';
import { bridgeToPage, type Bridge } from './bridge';

/**
 * The desktop app without Electron: the real settings store, feed factory, app controller,
 * monitor core and alert engine in this (Playwright) process; the real built renderer in
 * Chromium; Playwright bindings in place of IPC (./bridge.ts). One per test.
 */
export interface Harness {
  controller: AppController;
  bridge: Bridge;
  /** The database the app watches (demo: its emulator). */
  database: { uri: string; name: string };
  /** Alerts the core raised to notify (what would become OS notifications). */
  raised: Alert[];
  /** Writes into the watched database. */
  db(): ReturnType<MongoClient['db']>;
  logs: LogRecord[];
  close(): Promise<void>;
}

export async function startHarness(page: Page, settings: Settings): Promise<Harness> {
  const dir = await mkdtemp(join(tmpdir(), 'callboard-harness-'));
  const logs: LogRecord[] = [];
  const logger = createLogger({ sink: (r) => logs.push(r), level: 'debug', scope: 'harness' });
  const store = createSettingsStore({
    file: join(dir, 'settings.json'),
    cipher: plainCipher,
    logger,
  });
  await store.load();
  await store.save(settings);
  const deps = createDefaultFeedDeps({
    logger,
    stateDir: dir,
    createRemoteFeed: ({ url, token, logger: log }) =>
      createRemoteFeed({ url, token, logger: log }),
    // The ElevenLabs spellings (DATA.md), so the demo suites read them through the mapping.
    demo: { callsPerSecond: 0.5, timeScale: 0.1, vocabulary: 'elevenlabs' },
  });
  let created: CreatedFeed | null = null;
  const controller = createAppController({
    settings: store,
    createFeed: async (s) => (created = await createFeedForSettings(s, deps)),
    createAlerts: (t) => createAlertsPort(t),
    testConnection: (s) => testConnectionFor(s, deps),
    clock: systemClock(),
    logger,
  });
  const closers: Closer[] = [['temp folder', () => rm(dir, { recursive: true, force: true })]];
  let client: MongoClient | null = null;
  try {
    const core = await controller.start();
    closers.unshift(['app controller (feed, core)', () => controller.dispose()]);
    const raised: Alert[] = [];
    core.onDidRaiseAlert((a) => raised.push(a));
    const site = await serveStatic('out/renderer');
    closers.unshift(['renderer http server', () => site.close()]);
    const bridge = await bridgeToPage(page, controller, {
      appOrigin: new URL(site.url).origin,
      logger,
    });
    closers.unshift(['bridge', async () => bridge.dispose()]);
    page.on('pageerror', (e) =>
      logs.push({ time: '', level: 'error', scope: 'page', msg: e.message }),
    );
    await page.goto(site.url);
    const database = (created as CreatedFeed | null)?.database ?? settingsDatabase(settings);
    return {
      controller,
      bridge,
      database,
      raised,
      logs,
      db() {
        client ??= new MongoClient(database.uri);
        return client.db(database.name);
      },
      async close() {
        await client?.close().catch(() => {});
        await runClosers(closers);
      },
    };
  } catch (error) {
    await runClosers(closers).catch(() => {});
    throw error;
  }
}

type Closer = [name: string, close: () => Promise<unknown>];

/**
 * Closes everything in order. One that does not finish in 20 s fails the test naming what
 * hung (instead of an anonymous hook timeout), after the others have still been closed.
 */
async function runClosers(closers: Closer[]): Promise<void> {
  const hung: string[] = [];
  for (const [name, close] of closers) {
    let timer: NodeJS.Timeout | undefined;
    const limit = new Promise<'hung'>((done) => {
      timer = setTimeout(() => done('hung'), 20_000);
    });
    const result = await Promise.race([close().catch(() => 'failed'), limit]);
    clearTimeout(timer);
    if (result === 'hung') hung.push(name);
  }
  if (hung.length > 0)
    throw new Error(`harness close: did not finish within 20 s: ${hung.join(', ')}`);
}

function settingsDatabase(settings: Settings): { uri: string; name: string } {
  return { uri: settings.embedded.mongoUri, name: settings.embedded.database };
}

/** After a test: the app's log attached when the test failed, then everything closed. */
export async function closeHarness(harness: Harness | undefined, testInfo: TestInfo) {
  if (harness && testInfo.status !== testInfo.expectedStatus) {
    await testInfo.attach('app-log.txt', {
      body: formatLogs(harness.logs),
      contentType: 'text/plain',
    });
  }
  await harness?.close();
}

/** For a failing test's output: what the app logged. */
export function formatLogs(logs: LogRecord[]): string {
  return logs.slice(-60).map(formatLogLine).join('\n');
}
