import { expect, test } from '@playwright/test';
import { openTestDatabase, type TestDatabase } from '../../src/emulator/test-target';
import { createRealtimeServer, type RealtimeServer } from '../../src/server/realtime-server';
import { Watcher } from '../../src/server/watcher';
import { silentLogger } from '../../src/shared/log';
import { watchConsole } from '../support/console-watch';

// The web dashboard: the same renderer, with the monitor core running in the page
// (src/core/web) over socket.io to the server that served it. A write in MongoDB reaches the
// screen and raises an alert in the browser's alert centre.

let db: TestDatabase | undefined;
let server: RealtimeServer | undefined;
test.afterEach(async () => {
  await server?.stop();
  await db?.close();
  server = db = undefined;
});

test('web dashboard: a MongoDB write reaches the page and raises an alert', async ({ page }) => {
  db = await openTestDatabase({ prefix: 'webdash' });
  const target = db;
  server = createRealtimeServer({
    logger: silentLogger,
    port: 0,
    token: 'dash-token',
    staticDir: 'out/renderer',
    source: (hub) =>
      new Watcher({ hub, uri: target.uri, dbName: target.dbName, logger: silentLogger }),
  });
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
  await expect(page.getByRole('grid', { name: 'Active calls' }).getByText(name)).toBeVisible();
  await calls.updateOne({ callSid: 'web-1' }, { $set: { status: 'no-answer' } });
  await page.getByRole('button', { name: /^Alerts: \d+ unacknowledged$/ }).click();
  await expect(
    page.locator('[data-testid="alert-item"][data-kind="call-failed"]', { hasText: name }),
  ).toContainText('No answer');
  expect(consoleWatch.unexpected()).toEqual([]);
});
