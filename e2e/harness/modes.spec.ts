import { expect, test, type Page } from '@playwright/test';
import { openTestDatabase, type TestDatabase } from '../../src/emulator/test-target';
import { createRealtimeServer, type RealtimeServer } from '../../src/server/realtime-server';
import { Watcher } from '../../src/server/watcher';
import { silentLogger } from '../../src/shared/log';
import { DEFAULT_SETTINGS, type Settings } from '../../src/shared/settings';
import { closeHarness, startHarness, type Harness } from './harness';

// The "done when": a write in MongoDB reaches the renderer and fires an alert, in all
// three modes, with the real core in Node and the real renderer in Chromium.

const withCallFailedNotified = (s: Settings): Settings => ({
  ...s,
  notifications: { ...s.notifications, kinds: { ...s.notifications.kinds, 'call-failed': true } },
});

async function writeReachesScreenAndAlerts(page: Page, harness: Harness, mode: string) {
  const calls = harness.db().collection('calls');
  const name = `Harness Caller ${mode}`;
  const callSid = `harness-${mode}-${Date.now()}`;
  await expect(page.getByRole('heading', { name: 'Callboard' })).toBeVisible();
  await page.getByPlaceholder('Name or number').fill(name);

  await calls.insertOne({ callSid, status: 'ringing', contactName: name, to: '+15550100' });
  await page.getByPlaceholder('Name or number').fill('');
  const grid = page.getByRole('grid', { name: 'Active calls' });
  await expect(grid.getByText(name)).toBeVisible();

  await calls.updateOne({ callSid }, { $set: { status: 'failed', endTime: new Date() } });
  // The alert: raised to notify in the core (an OS notification in the app) ...
  await expect
    .poll(() =>
      harness.raised.some((a) => a.target.type === 'call' && a.target.callSid === callSid),
    )
    .toBe(true);
  // ... and shown in the renderer's alert centre.
  await page.getByRole('button', { name: /^Alerts: \d+ unacknowledged$/ }).click();
  const item = page.locator('[data-testid="alert-item"][data-kind="call-failed"]', {
    hasText: name,
  });
  await expect(item).toBeVisible();
  await expect(item).toContainText('Call failed');
  // Acknowledge from the screen goes back through the bridge to the core.
  await item.getByRole('button', { name: 'Acknowledge' }).click();
  await expect
    .poll(
      () =>
        harness.controller
          .getSnapshot()
          .alerts.find((a) => a.target.type === 'call' && a.target.callSid === callSid)
          ?.acknowledgedAt,
    )
    .toBeDefined();
}

let harness: Harness | undefined;
// eslint-disable-next-line no-empty-pattern -- Playwright fixtures must be destructured
test.afterEach(async ({}, testInfo) => {
  await closeHarness(harness, testInfo);
  harness = undefined;
});

test('demo mode: emulator + simulator, a write reaches the screen and raises an alert', async ({
  page,
}) => {
  harness = await startHarness(page, withCallFailedNotified(DEFAULT_SETTINGS));
  await expect(page.getByText(/demo/i).first()).toBeVisible();
  await writeReachesScreenAndAlerts(page, harness, 'demo');
  // The simulator writes ElevenLabs spellings (pending, in_progress, processing, done...):
  // they are read through the mapping, so rows show canonical statuses, none unknown.
  await page.getByPlaceholder('Name or number').fill('');
  const grid = page.getByRole('grid', { name: 'Active calls' });
  await expect(
    grid.locator('[data-status="queued"], [data-status="in-progress"]').first(),
  ).toBeVisible();
  await expect(grid.getByText(/unknown status/)).toHaveCount(0);
  const problems = harness.logs.filter((r) =>
    /invalid call|left out unreadable/.test(JSON.stringify(r)),
  );
  expect(problems).toEqual([]);
});

test('embedded mode: the Watcher in-process against MongoDB', async ({ page }) => {
  const db: TestDatabase = await openTestDatabase({ prefix: 'harness' });
  try {
    harness = await startHarness(
      page,
      withCallFailedNotified({
        ...DEFAULT_SETTINGS,
        mode: 'embedded',
        embedded: { ...DEFAULT_SETTINGS.embedded, mongoUri: db.uri, database: db.dbName },
      }),
    );
    await writeReachesScreenAndAlerts(page, harness, 'embedded');
  } finally {
    await harness?.close();
    harness = undefined;
    await db.close();
  }
});

test('remote mode: a real Callboard server with a token', async ({ page }) => {
  const db: TestDatabase = await openTestDatabase({ prefix: 'harness' });
  const server: RealtimeServer = createRealtimeServer({
    logger: silentLogger,
    port: 0,
    token: 'harness-secret',
    source: (hub) => new Watcher({ hub, uri: db.uri, dbName: db.dbName, logger: silentLogger }),
  });
  try {
    const { url } = await server.start();
    harness = await startHarness(
      page,
      withCallFailedNotified({
        ...DEFAULT_SETTINGS,
        mode: 'remote',
        remote: { url, token: 'harness-secret' },
      }),
    );
    // The harness writes where the server watches.
    const remoteHarness: Harness = {
      ...harness,
      database: { uri: db.uri, name: db.dbName },
      db: () => db.client.db(db.dbName),
    };
    await writeReachesScreenAndAlerts(page, remoteHarness, 'remote');
  } finally {
    await harness?.close();
    harness = undefined;
    await server.stop();
    await db.close();
  }
});

// QA: the same check against a deployment that already runs (docs/qa.md). The test writes one
// clearly named call into that deployment's database and deletes it afterwards.
const DEPLOYED_URL = process.env.CALLBOARD_E2E_SERVER_URL;
test('remote mode: a running deployment (CALLBOARD_E2E_SERVER_URL)', async ({ page }) => {
  test.skip(
    !DEPLOYED_URL || !process.env.MONGODB_URI,
    'set CALLBOARD_E2E_SERVER_URL (and CALLBOARD_E2E_SERVER_TOKEN) plus MONGODB_URI and ' +
      'CALLBOARD_E2E_DB (default callcenter) for the database that server watches',
  );
  const { MongoClient } = await import('mongodb');
  const client = new MongoClient(process.env.MONGODB_URI!);
  const dbName = process.env.CALLBOARD_E2E_DB || 'callcenter';
  try {
    harness = await startHarness(
      page,
      withCallFailedNotified({
        ...DEFAULT_SETTINGS,
        mode: 'remote',
        remote: { url: DEPLOYED_URL!, token: process.env.CALLBOARD_E2E_SERVER_TOKEN ?? '' },
      }),
    );
    const deployed: Harness = {
      ...harness,
      database: { uri: process.env.MONGODB_URI!, name: dbName },
      db: () => client.db(dbName),
    };
    await writeReachesScreenAndAlerts(page, deployed, 'deployed');
  } finally {
    await harness?.close();
    harness = undefined;
    await client
      .db(dbName)
      .collection('calls')
      .deleteMany({ callSid: /^harness-deployed-/ });
    await client.close();
  }
});
