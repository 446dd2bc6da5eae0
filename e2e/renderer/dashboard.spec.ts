import { expect, test, type Page } from '@playwright/test';
import { readFile } from 'node:fs/promises';
import { MongoClient, type Db } from 'mongodb';
import { readCsv } from '../../src/shared/export/csv-reader.test-support';
import { watchConsole, type ConsoleWatch } from '../support/console-watch';
import { startDemoServer, type DemoServer } from './support/demo-server';
import { saveScreenshot } from './support/screens';

/*
 * The web dashboard against the real pipeline: `callboard serve --demo` runs the MongoDB
 * emulator, the traffic simulator, the watcher, hub and gateway, and serves the built renderer,
 * whose monitor core talks Socket.IO to it. Nothing here is mocked. Where a test needs a
 * given step (a status change, a failure, campaign progress) it writes it into the demo's
 * MongoDB itself (`withDemoDb`), so each step is deterministic and fast; the simulated
 * traffic is what the screen shows around it. Run after `npm run build`.
 */

test.describe.configure({ mode: 'serial' });

let server: DemoServer;

test.beforeAll(async () => {
  server = await startDemoServer();
});

test.afterAll(async () => {
  await server?.stop();
});

// The page's CSP (the header `serve` sends, and the <meta> the build writes into index.html:
// same origin only, no inline script or style) must never get in the dashboard's way: every
// violation it reports fails the test. So does any console error or warning, and any
// uncaught exception, that a test did not say it expects (console-watch.ts).
let consoleWatch: ConsoleWatch;
test.beforeEach(async ({ page }) => {
  consoleWatch = watchConsole(page);
  await page.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { __cspViolations: string[] }).__cspViolations = seen;
    document.addEventListener('securitypolicyviolation', (e) =>
      seen.push(`${e.violatedDirective} ${e.blockedURI} at ${e.sourceFile}:${e.lineNumber}`),
    );
  });
});

test.afterEach(async ({ page }) => {
  const violations = await page.evaluate(
    () => (window as unknown as { __cspViolations?: string[] }).__cspViolations ?? [],
  );
  expect(violations).toEqual([]);
  expect(consoleWatch.unexpected()).toEqual([]);
});

const rows = (page: Page) => page.locator('.calls-body [role="row"]');

async function openDashboard(page: Page) {
  await page.goto(server.url);
  await expect(page.getByRole('heading', { name: 'Callboard' })).toBeVisible();
  await expect(rows(page).first()).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('kpi-connection')).toHaveAttribute('data-level', 'ok');
  // `serve --demo` says its data is simulated; the dashboard must not pass it off as real.
  await expect(page.locator('.demo-marker')).toContainText('Demo data');
}

/** Scripted writes into the demo's MongoDB, next to the simulator's. */
async function withDemoDb(use: (db: Db) => Promise<void>): Promise<void> {
  const client = new MongoClient(server.mongoUri);
  try {
    await use(client.db('callcenter'));
  } finally {
    await client.close();
  }
}

async function visibleStatuses(page: Page): Promise<string[]> {
  return rows(page).evaluateAll((els) => els.map((el) => el.getAttribute('data-status') ?? ''));
}

test('calls appear, change status, show their final status and leave', async ({ page }) => {
  await openDashboard(page);

  // Appear: newest first, the top row changes as new calls arrive.
  await page.getByRole('button', { name: /^Duration/ }).click();
  await expect(page.getByRole('columnheader', { name: /Duration/ })).toHaveAttribute(
    'aria-sort',
    'ascending',
  );
  const firstSid = await rows(page).first().getAttribute('data-call-sid');
  await expect
    .poll(() => rows(page).first().getAttribute('data-call-sid'), { timeout: 60_000 })
    .not.toBe(firstSid);

  // Change status, final status, then gone: a scripted call, each step written by the test.
  await withDemoDb(async (db) => {
    const calls = db.collection('calls');
    await page.getByLabel('Search').fill('Scripted Lifecycle');
    await calls.insertOne({
      callSid: 'CA-e2e-life',
      status: 'queued',
      contactName: 'Scripted Lifecycle',
      to: '+15550199',
    });
    const row = page.locator('[data-call-sid="CA-e2e-life"]');
    await expect(row).toHaveAttribute('data-status', 'queued');
    for (const status of ['ringing', 'in-progress', 'completed']) {
      await calls.updateOne({ callSid: 'CA-e2e-life' }, { $set: { status } });
      await expect(row).toHaveAttribute('data-status', status);
    }
    // An ended call stays briefly with its outcome, then leaves.
    await expect(row).toHaveClass(/is-ended/);
    await expect(row).toHaveCount(0);
    await page.getByRole('button', { name: 'Clear filters' }).click();
  });
});

test('filters by status, campaign and agent, and searches by name or number', async ({ page }) => {
  await openDashboard(page);

  await page.getByRole('combobox', { name: 'Status', exact: true }).selectOption('in-progress');
  await expect
    .poll(async () => (await visibleStatuses(page)).length, { timeout: 60_000 })
    .toBeGreaterThan(0);
  expect(new Set(await visibleStatuses(page))).toEqual(new Set(['in-progress']));
  await page.getByRole('button', { name: 'Clear filters' }).click();

  // Pick a campaign and an agent that have calls on screen now, so the filter has rows to keep.
  const talking = rows(page).and(page.locator('[data-status="in-progress"]')).first();
  const campaignName = (await talking.locator('[role="gridcell"]').nth(5).textContent())!.trim();
  await page
    .getByRole('combobox', { name: 'Campaign', exact: true })
    .selectOption({ label: campaignName });
  await expect.poll(() => rows(page).count(), { timeout: 60_000 }).toBeGreaterThan(0);
  const campaignCells = await rows(page).evaluateAll((els) =>
    els.map((el) => el.children[5]?.textContent),
  );
  expect(new Set(campaignCells)).toEqual(new Set([campaignName]));
  await page.getByRole('button', { name: 'Clear filters' }).click();

  const agent = (await talking.locator('[role="gridcell"]').nth(4).textContent())!.trim();
  expect(agent).not.toBe('–');
  await page.getByRole('combobox', { name: 'Agent', exact: true }).selectOption(agent);
  await expect.poll(() => rows(page).count(), { timeout: 60_000 }).toBeGreaterThan(0);
  const agents = await rows(page).evaluateAll((els) =>
    els.map((el) => el.children[4]?.textContent),
  );
  expect(new Set(agents)).toEqual(new Set([agent]));
  await page.getByRole('button', { name: 'Clear filters' }).click();

  // Search by a contact's name, then by part of a number.
  const named = rows(page)
    .filter({ hasNot: page.locator('.cell-contact em') })
    .first();
  const name = (await named.locator('.cell-contact').textContent())!.trim();
  const word = name.split(/\s+/)[0]!;
  await page.getByLabel('Search').fill(word);
  await expect.poll(() => rows(page).count()).toBeGreaterThan(0);
  const contacts = await rows(page).evaluateAll((els) =>
    els.map((el) => `${el.children[0]?.textContent} ${el.children[1]?.textContent}`.toLowerCase()),
  );
  for (const c of contacts) expect(c).toContain(word.toLowerCase());

  await page.getByLabel('Search').fill('');
  const number = (await rows(page).first().locator('.cell-number').textContent())!.trim();
  const digits = number.replace(/\D/g, '').slice(-6);
  await page.getByLabel('Search').fill(digits);
  await expect(rows(page).first()).toBeVisible();
  const numbers = await rows(page).evaluateAll((els) =>
    els.map((el) => (el.children[1]?.textContent ?? '').replace(/\D/g, '')),
  );
  for (const n of numbers) expect(n).toContain(digits);
});

test('Export CSV downloads the calls the screen shows, formulas neutralised', async ({ page }) => {
  await openDashboard(page);
  await page.getByLabel('Search').fill('Scripted Export');
  await withDemoDb(async (db) => {
    await db.collection('calls').insertMany([
      { callSid: 'CA-e2e-x1', status: 'in-progress', contactName: 'Scripted Export Ana' },
      { callSid: 'CA-e2e-x2', status: 'ringing', contactName: 'Scripted Export Bo' },
      // A name a spreadsheet would run as a formula.
      { callSid: 'CA-e2e-x3', status: 'queued', contactName: '=1+1 Scripted Export' },
    ]);
  });
  await expect(rows(page)).toHaveCount(3);
  const shown = await rows(page).evaluateAll((els) =>
    els.map((el) => el.getAttribute('data-call-sid') ?? ''),
  );
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Export CSV' }).click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/^callboard-calls-[\dT-]+\.csv$/);
  const text = await readFile(await download.path(), 'utf8');
  expect(text.startsWith('\uFEFF')).toBe(true);
  const records = readCsv(text.slice(1));
  const [header, ...body] = records;
  const sid = header!.indexOf('Call');
  const contact = header!.indexOf('Contact');
  expect(body.map((r) => r[sid])).toEqual(shown);
  expect(body.find((r) => r[sid] === 'CA-e2e-x3')![contact]).toBe("'=1+1 Scripted Export");
  await expect(page.getByTestId('export-status')).toHaveText('Exported 3 calls to your downloads');
});

test('a campaign’s progress moves, and clicking it filters the calls', async ({ page }) => {
  await openDashboard(page);
  const campaignId = 'CMP-e2e-scripted';
  const progress = page.locator(
    `[data-campaign-id="${campaignId}"] [data-testid="campaign-progress"]`,
  );
  await withDemoDb(async (db) => {
    const campaigns = db.collection('campaigns');
    await campaigns.insertOne({
      campaignId,
      name: 'Scripted campaign',
      status: 'running',
      totalCalls: 40,
      completedCalls: 10,
      failedCalls: 0,
    });
    await expect(progress).toBeVisible();
    const before = await progress.textContent();
    await campaigns.updateOne({ campaignId }, { $inc: { completedCalls: 10 } });
    await expect(progress).not.toHaveText(before ?? '');
  });

  await page.locator(`[data-campaign-id="${campaignId}"] button`).click();
  await expect(page.getByRole('combobox', { name: 'Campaign', exact: true })).toHaveValue(
    campaignId,
  );
  await expect(page.locator(`[data-campaign-id="${campaignId}"] button`)).toHaveAttribute(
    'aria-pressed',
    'true',
  );
});

test('an alert appears and is acknowledged', async ({ page }) => {
  await openDashboard(page);
  // A scripted call next to the simulator's: it fails, so an alert is raised now, not when the
  // random traffic happens to raise one.
  await withDemoDb(async (db) => {
    const calls = db.collection('calls');
    await calls.insertOne({ callSid: 'CA-e2e-alert', status: 'ringing', contactName: 'Scripted' });
    await expect(rows(page).and(page.locator('[data-call-sid="CA-e2e-alert"]'))).toHaveCount(1);
    await calls.updateOne({ callSid: 'CA-e2e-alert' }, { $set: { status: 'failed' } });
  });
  await page.getByRole('button', { name: /^Alerts: / }).click();
  const centre = page.getByRole('region', { name: 'Alert centre' });
  const open = centre
    .getByTestId('alert-item')
    .filter({ hasText: 'Scripted' })
    .filter({ has: page.getByRole('button', { name: 'Acknowledge' }) })
    .first();
  await expect(open).toBeVisible();
  const alertId = (await open.getAttribute('data-alert-id'))!;
  await open.getByRole('button', { name: 'Acknowledge' }).click();
  const acknowledged = centre.locator(`[data-alert-id="${attributeValue(alertId)}"]`);
  await expect(acknowledged.getByRole('button', { name: 'Acknowledge' })).toHaveCount(0);
  await expect(acknowledged).toContainText('acknowledged at');
});

test('a plan limit crossed turns the concurrency tile red and raises the alert', async ({
  page,
}) => {
  await openDashboard(page);
  // At least one active call whatever the simulator does: scripted, and never ended here.
  await withDemoDb(async (db) => {
    await db
      .collection('calls')
      .insertOne({ callSid: 'CA-e2e-busy', status: 'in-progress', contactName: 'Scripted Busy' });
  });
  await page.getByRole('button', { name: 'Settings' }).click();
  const limit = page.getByLabel('Plan limit (concurrent calls)');
  await limit.fill('0');
  await expect(page.getByText('the plan limit must be at least 1 concurrent call')).toBeVisible();
  await limit.fill('1');
  await page.getByLabel('Concurrency alert at (% of the plan limit)').fill('100');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByTestId('settings-status')).toHaveText('Saved.');
  await page.getByRole('button', { name: 'Monitor' }).click();
  await expect(page.getByTestId('kpi-concurrency')).toHaveAttribute('data-level', 'bad');
  await expect(page.getByTestId('kpi-concurrency')).toContainText(/ \/ 1/);
  await page.getByRole('button', { name: /^Alerts: / }).click();
  const centre = page.getByRole('region', { name: 'Alert centre' });
  await expect(
    centre.locator('[data-kind="concurrency"]').filter({ hasText: 'of the plan limit of 1' }),
  ).toBeVisible();
});

test('screenshots: main screen, Agents panel, wallboard and settings in light and dark', async ({
  page,
}, testInfo) => {
  // Run alone (`-g screenshots`) against a fresh server, the wait for a minute of progress
  // history below takes most of the default 60 s: give the test room for it.
  test.setTimeout(240_000);
  await openDashboard(page);
  // Pace and ETA need a minute of progress history: wait for them, so the pictures show them.
  await expect(page.getByTestId('campaign-card').first()).toContainText(/Pace \d/, {
    timeout: 120_000,
  });
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.getByRole('button', { name: 'Monitor' }).click();
    await expect(page.getByTestId('campaign-card').first()).toBeVisible({ timeout: 30_000 });
    await rows(page).and(page.locator('[aria-selected="false"]')).nth(1).click();
    await expect(page.getByTestId('call-details')).toBeVisible();
    await saveScreenshot(page, testInfo, `main-${scheme}`);

    // The Agents panel, once the demo's post-call analyses have given the agents rates; on a
    // supervisor's usual 1920 x 1080, where the side column has room for the whole table.
    const viewport = page.viewportSize();
    await page.setViewportSize({ width: 1920, height: 1080 });
    await page.getByRole('tab', { name: 'Agents' }).click();
    await expect(page.getByTestId('success-rate').first()).toContainText('%', { timeout: 60_000 });
    await saveScreenshot(page, testInfo, `agents-${scheme}`);
    await page.getByRole('tab', { name: 'Campaigns' }).click();
    if (viewport) await page.setViewportSize(viewport);

    await page.getByRole('button', { name: 'Wallboard' }).click();
    await expect(page.getByTestId('wallboard')).toBeVisible();
    await saveScreenshot(page, testInfo, `wallboard-${scheme}`);
    await page.keyboard.press('Escape');

    await page.getByRole('button', { name: 'Settings' }).click();
    await expect(page.getByRole('heading', { name: 'Settings' })).toBeVisible();
    await expect(page.getByText(/Cannot load the settings/)).toHaveCount(0);
    await saveScreenshot(page, testInfo, `settings-${scheme}`);
  }
});

test('settings validate inline, test the connection and save thresholds', async ({ page }) => {
  await openDashboard(page);
  await page.getByRole('button', { name: 'Settings' }).click();
  const waiting = page.getByLabel('Waiting call alert after (seconds)');
  await waiting.fill('2');
  await expect(waiting).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByText(/Fix 1 field/)).toBeVisible();
  await expect(page.getByRole('button', { name: 'Save' })).toBeDisabled();
  await waiting.fill('90');
  await expect(waiting).toHaveAttribute('aria-invalid', 'false');

  await page.getByRole('button', { name: 'Test connection' }).click();
  await expect(page.getByTestId('test-report')).toContainText('Connected');
  await expect(page.getByTestId('test-report')).toContainText(server.url.replace(/\/$/, ''));

  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByTestId('settings-status')).toHaveText('Saved.');
  await page.reload();
  await page.getByRole('button', { name: 'Settings' }).click();
  await expect(page.getByLabel('Waiting call alert after (seconds)')).toHaveValue('90');
});

test('the banner shows when the server stops, and clears when it comes back', async ({ page }) => {
  await openDashboard(page);
  const port = server.port;
  consoleWatch.expect(
    new RegExp(
      `^console\\.error: WebSocket connection to 'ws://127\\.0\\.0\\.1:${port}/socket\\.io/\\S*' failed: .*net::ERR_CONNECTION_REFUSED`,
    ),
    'Chromium reports each refused reconnect while the server is down',
  );
  await server.stop();
  const banner = page.getByTestId('connection-banner');
  await expect(banner).toBeVisible({ timeout: 30_000 });
  await expect(banner).toHaveAttribute('data-status', /reconnecting|failed|connecting/);
  await expect(banner).toContainText(/Data may be out of date since/);
  await expect(page.getByTestId('stale-tag')).toBeVisible();
  await expect(page.getByTestId('kpi-connection')).not.toHaveAttribute('data-level', 'ok');

  server = await startDemoServer({ port });
  await expect(banner).toBeHidden({ timeout: 60_000 });
  await expect(page.getByTestId('stale-tag')).toBeHidden();
  await expect(rows(page).first()).toBeVisible({ timeout: 30_000 });
});

/** Alert ids may hold characters that need escaping inside an attribute selector. */
function attributeValue(value: string): string {
  return value.replace(/["\\]/g, '\\$&');
}
