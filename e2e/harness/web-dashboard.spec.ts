import { expect, test, type Page } from '@playwright/test';
import { openTestDatabase, type TestDatabase } from '../../src/emulator/test-target';
import type { RealtimeServer } from '../../src/server/realtime-server';
import { watchConsole } from '../support/console-watch';
import { serveDashboard } from '../support/dashboard-server';

// The web dashboard: the same renderer, with the monitor core running in the page
// (src/core/web) over socket.io to the server that served it. A write in MongoDB reaches the
// screen and raises an alert in the browser's alert centre; the integration's own spellings
// (DATA.md), written step by step, are read through the mapping, and a restart shows the same.

let db: TestDatabase | undefined;
let server: RealtimeServer | undefined;
test.afterEach(async () => {
  await server?.stop();
  await db?.close();
  server = db = undefined;
});

const serve = (target: TestDatabase, port = 0) => serveDashboard(target, 'dash-token', port);

const grid = (page: Page) => page.getByRole('grid', { name: 'Active calls' });
const row = (page: Page, callSid: string) => grid(page).locator(`[data-call-sid="${callSid}"]`);

test('web dashboard: a MongoDB write reaches the page and raises an alert', async ({ page }) => {
  db = await openTestDatabase({ prefix: 'webdash' });
  server = serve(db);
  const { url } = await server.start();
  // A clean console: no error, warning or uncaught exception, from the app or from Chromium
  // (an ignored CSP directive, a failed load such as a missing icon).
  const consoleWatch = watchConsole(page);
  await page.goto(`${url}/#token=dash-token`);
  await expect(page.getByRole('heading', { name: 'Callboard' })).toBeVisible();

  const name = 'Web Dashboard Caller';
  await page.getByPlaceholder('Name or number').fill(name);
  const calls = db.client.db(db.dbName).collection('calls');
  await calls.insertOne({
    callSid: 'web-1',
    status: 'ringing',
    contactName: name,
    to: '+15550111',
  });
  await expect(grid(page).getByText(name)).toBeVisible();
  await calls.updateOne({ callSid: 'web-1' }, { $set: { status: 'no-answer' } });
  await page.getByRole('button', { name: /^Alerts: \d+ unacknowledged$/ }).click();
  await expect(
    page.locator('[data-testid="alert-item"][data-kind="call-failed"]', { hasText: name }),
  ).toContainText('No answer');
  expect(consoleWatch.unexpected()).toEqual([]);
});

test('web dashboard: ElevenLabs statuses, an unknown status and a server restart', async ({
  page,
}) => {
  db = await openTestDatabase({ prefix: 'webdash-data' });
  const calls = db.client.db(db.dbName).collection('calls');
  server = serve(db);
  const { url, port } = await server.start();
  const consoleWatch = watchConsole(page);
  await page.goto(`${url}/#token=dash-token`);
  await expect(page.getByRole('heading', { name: 'Callboard' })).toBeVisible();

  await calls.insertMany([
    { conversation_id: 'conv-1', status: 'in-progress', contactName: 'Eleven Caller' },
    { callSid: 'CA-2', status: 'answered', contactName: 'Twilio Caller' },
  ]);
  await expect(row(page, 'conv-1')).toContainText('in-progress');
  await expect(row(page, 'CA-2')).toContainText('in-progress');

  // The call is over while ElevenLabs runs its analysis: it shows as ended, then leaves.
  await calls.updateOne({ conversation_id: 'conv-1' }, { $set: { status: 'processing' } });
  await expect(row(page, 'conv-1')).toHaveClass(/is-ended/);
  await expect(row(page, 'conv-1')).toContainText('completed');
  await calls.updateOne({ conversation_id: 'conv-1' }, { $set: { status: 'done' } });
  await expect(row(page, 'conv-1')).toHaveCount(0);

  await calls.insertOne({ callSid: 'CA-3', status: 'Transferring', contactName: 'Held Caller' });
  await expect(row(page, 'CA-3')).toContainText('unknown status: Transferring');
  await expect(row(page, 'CA-3')).not.toHaveClass(/is-ended/);

  // A restart on the same port: the page reconnects, resyncs, and shows the same calls.
  consoleWatch.expect(
    /WebSocket connection to 'ws:\/\/127\.0\.0\.1:\d+\/socket\.io\/.*' failed/,
    'the server is stopped on purpose: the page retries until it is back',
  );
  await server.stop();
  await expect(page.getByTestId('stale-tag')).toBeVisible();
  server = serve(db, port);
  await server.start();
  await expect(page.getByTestId('stale-tag')).toHaveCount(0, { timeout: 30_000 });
  await expect(row(page, 'CA-2')).toContainText('in-progress');
  await expect(row(page, 'CA-3')).toContainText('unknown status: Transferring');
  await expect(row(page, 'conv-1')).toHaveCount(0);
  await expect(grid(page).locator('[data-call-sid]')).toHaveCount(2);
  expect(consoleWatch.unexpected()).toEqual([]);
});
