import { expect, test, type Page } from '@playwright/test';
import { readFile } from 'node:fs/promises';
import { openTestDatabase, type TestDatabase } from '../../src/emulator/test-target';
import type { RealtimeServer } from '../../src/server/realtime-server';
import { readCsv } from '../../src/shared/export/csv-reader.test-support';
import { watchConsole } from '../support/console-watch';
import { serveDashboard } from '../support/dashboard-server';

/*
 * Issue 14's "done when" for the Agents panel and Recent calls, on the web dashboard against
 * what `serve` runs (watcher, hub, gateway, the built renderer) on the MongoDB emulator, with
 * no simulator: every call is a scripted write (DATA.md field names, ElevenLabs' post-call
 * `analysis`), so every figure is known. The Agents panel shows the success rates written; a
 * post-call analysis written to an ended call reaches Recent calls and moves its agent's rate;
 * the filters combine and "Export CSV" downloads exactly the rows they let through.
 * Run after `npm run build`.
 */

let realtime: RealtimeServer | undefined;
let database: TestDatabase | undefined;
test.afterEach(async () => {
  await realtime?.stop();
  await database?.close();
  realtime = database = undefined;
});

const TOKEN = 'agents-e2e-token';
const ago = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();

function endedCall(
  callSid: string,
  agentId: string,
  campaignId: string,
  minutesAgo: number,
  analysis?: { verdict: 'success' | 'failure'; greeting?: ['success' | 'failure', string] },
) {
  return {
    callSid,
    status: 'completed',
    agentId,
    campaignId,
    contactName: `Agents E2E ${callSid}`,
    to: '+15550142',
    startTime: ago(minutesAgo + 2),
    endTime: ago(minutesAgo),
    duration: 120,
    // Writers stamp every write (DATA.md); the server loads its recent window by it.
    updatedAt: new Date(),
    ...(analysis
      ? {
          analysis: {
            call_successful: analysis.verdict,
            ...(analysis.greeting
              ? {
                  evaluation_criteria_results: {
                    greeting: {
                      criteria_id: 'greeting',
                      result: analysis.greeting[0],
                      rationale: analysis.greeting[1],
                    },
                  },
                }
              : {}),
          },
        }
      : {}),
  };
}

const agentRate = (page: Page, agentId: string) =>
  page.locator(`.agents-table tr[data-agent-id="${agentId}"]`).getByTestId('success-rate');
const recentRows = (page: Page) => page.locator('.recent-table tbody tr');
const shownSids = (page: Page) =>
  recentRows(page).evaluateAll((els) => els.map((el) => el.getAttribute('data-call-sid') ?? ''));

test('web dashboard: written analyses set the agents’ success rates, a late one moves them, filters and export follow', async ({
  page,
}) => {
  database = await openTestDatabase({ prefix: 'agents-e2e' });
  const calls = database.client.db(database.dbName).collection('calls');
  await calls.insertMany([
    endedCall('A1', 'ada', 'K1', 20, {
      verdict: 'success',
      greeting: ['success', 'Greeted by name.'],
    }),
    endedCall('A2', 'ada', 'K2', 15, { verdict: 'failure', greeting: ['failure', 'No greeting.'] }),
    endedCall('B1', 'bob', 'K1', 12, { verdict: 'success' }),
    { ...endedCall('B2', 'bob', 'K1', 8), status: 'busy', duration: 0 },
  ]);
  realtime = serveDashboard(database, TOKEN);
  const { url } = await realtime.start();
  const consoleWatch = watchConsole(page);
  await page.goto(`${url}/#token=${TOKEN}`);
  await expect(page.getByRole('heading', { name: 'Callboard' })).toBeVisible();

  // The rates written: ada 1 of 2 decided, bob 1 of 1 (his busy call gets no analysis).
  await page.getByRole('tab', { name: 'Agents' }).click();
  await expect(agentRate(page, 'ada')).toHaveText('50% of 2');
  await expect(agentRate(page, 'bob')).toHaveText('100% of 1');

  // A live call of ada's ends; its analysis is not in yet.
  await calls.insertOne({
    callSid: 'A3',
    status: 'in-progress',
    agentId: 'ada',
    campaignId: 'K1',
    contactName: 'Agents E2E A3',
    to: '+15550143',
    startTime: ago(2),
    updatedAt: new Date(),
  });
  await expect(
    page.getByRole('grid', { name: 'Active calls' }).getByText('Agents E2E A3'),
  ).toBeVisible();
  await calls.updateOne(
    { callSid: 'A3' },
    { $set: { status: 'completed', endTime: ago(0), duration: 110, updatedAt: new Date() } },
  );
  await page.getByRole('tab', { name: 'Recent calls' }).click();
  const a3 = page.locator('.recent-table tr[data-call-sid="A3"]');
  await expect(a3.getByTestId('outcome')).toHaveText('analysing…');
  const filters = page.getByRole('search', { name: 'Filter recent calls' });
  await filters.getByLabel('Outcome').selectOption('unknown');
  await expect.poll(() => shownSids(page)).toEqual(['A3']);
  await expect(page.getByTestId('recent-count')).toHaveText('1 of 5 calls');

  // The post-call analysis lands: the unknown filter lets it go, success takes it.
  await calls.updateOne(
    { callSid: 'A3' },
    {
      $set: {
        updatedAt: new Date(),
        analysis: {
          call_successful: 'success',
          transcript_summary: 'Booked a visit.',
          evaluation_criteria_results: {
            greeting: { criteria_id: 'greeting', result: 'success', rationale: 'Warm hello.' },
          },
        },
      },
    },
  );
  await expect(page.getByText('No recent call matches the filters.')).toBeVisible();
  await filters.getByLabel('Outcome').selectOption('success');
  await expect.poll(() => shownSids(page)).toEqual(['A3', 'B1', 'A1']);
  await filters.getByLabel('Agent').selectOption('ada');
  await expect.poll(() => shownSids(page)).toEqual(['A3', 'A1']);
  await filters.getByLabel('Campaign').selectOption('K2');
  await expect(page.getByText('No recent call matches the filters.')).toBeVisible();
  await filters.getByLabel('Campaign').selectOption('K1');
  await expect.poll(() => shownSids(page)).toEqual(['A3', 'A1']);
  await expect(page.getByTestId('recent-count')).toHaveText('2 of 5 calls');

  // Export CSV: exactly the rows shown, in their order.
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    filters.getByRole('button', { name: 'Export CSV' }).click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/^callboard-recent-calls-[\dT-]+\.csv$/);
  const [header, ...body] = readCsv((await readFile(await download.path(), 'utf8')).slice(1));
  expect(body.map((r) => r[header!.indexOf('Call')])).toEqual(['A3', 'A1']);
  expect(body.map((r) => r[header!.indexOf('Outcome')])).toEqual(['success', 'success']);

  // The agent's rate moved; its own view shows the criterion over its three calls.
  await page.getByRole('tab', { name: 'Agents' }).click();
  await expect(agentRate(page, 'ada')).toHaveText('67% of 3');
  await expect(agentRate(page, 'bob')).toHaveText('100% of 1');
  // Enter on a column header sorts by it, as a click does: twice is descending.
  const rateHeader = page.locator('.agents-table th', { hasText: 'Success rate' });
  await rateHeader.getByRole('button').focus();
  await page.keyboard.press('Enter');
  await expect(rateHeader).toHaveAttribute('aria-sort', 'ascending');
  await page.keyboard.press('Enter');
  await expect(rateHeader).toHaveAttribute('aria-sort', 'descending');
  const order = () =>
    page
      .locator('.agents-table tbody tr')
      .evaluateAll((els) => els.map((el) => el.getAttribute('data-agent-id')));
  await expect.poll(order).toEqual(['bob', 'ada']);
  await page.locator('.agents-table tr[data-agent-id="ada"]').click();
  const view = page.getByRole('region', { name: 'Agent ada' });
  await expect(view.locator('[data-criterion-id="greeting"]').getByTestId('pass-rate')).toHaveText(
    '67% of 3',
  );
  await expect(view.getByRole('table', { name: 'Calls of ada' }).locator('tbody tr')).toHaveCount(
    3,
  );

  // The KPI window: the last 15 minutes leave ada only her call just analysed (A1 and A2
  // ended 20 and 15 minutes ago); the browser keeps the choice across a reload.
  await page.getByLabel('KPI window').selectOption('15m');
  await expect(agentRate(page, 'ada')).toHaveText('100% of 1');
  await expect(page.locator('.agents-table caption')).toContainText('last 15 min');
  await page.reload();
  await expect(page.getByLabel('KPI window')).toHaveValue('15m');
  await page.getByRole('tab', { name: 'Agents' }).click();
  await expect(agentRate(page, 'ada')).toHaveText('100% of 1');
  expect(consoleWatch.unexpected()).toEqual([]);
});

test('web dashboard: an agent’s success rate under the threshold raises the alert, once a late analysis puts it there', async ({
  page,
}) => {
  database = await openTestDatabase({ prefix: 'agents-alert-e2e' });
  const calls = database.client.db(database.dbName).collection('calls');
  // cara: one success, one call still without its analysis.
  await calls.insertMany([
    endedCall('C1', 'cara', 'K1', 10, { verdict: 'success' }),
    endedCall('C2', 'cara', 'K1', 5),
  ]);
  realtime = serveDashboard(database, TOKEN);
  const { url } = await realtime.start();
  const consoleWatch = watchConsole(page);
  await page.goto(`${url}/#token=${TOKEN}`);
  await page.getByRole('tab', { name: 'Agents' }).click();
  await expect(agentRate(page, 'cara')).toHaveText('100% of 1');

  // Alert below 60 % over the last 2 analysed calls: cara has only one yet.
  await page.getByRole('button', { name: 'Settings' }).click();
  await page.getByLabel('Agent success rate alert below (%)').fill('60');
  await page.getByLabel('Success rate over the agent’s last (analysed calls)').fill('2');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByTestId('settings-status')).toHaveText('Saved.');
  await page.getByRole('button', { name: 'Monitor' }).click();
  await page.getByRole('button', { name: /^Alerts: / }).click();
  const centre = page.getByRole('region', { name: 'Alert centre' });
  const alert = centre.locator('[data-kind="agent-success-rate"]');
  await expect(centre).toBeVisible();
  await expect(alert).toHaveCount(0);

  // C2's analysis lands, a failure: 1 of 2 = 50 %, under 60 %.
  await calls.updateOne(
    { callSid: 'C2' },
    { $set: { updatedAt: new Date(), analysis: { call_successful: 'failure' } } },
  );
  await expect(alert).toHaveCount(1);
  await expect(alert).toContainText('cara: 50 % of 2');
  await expect(alert).toContainText('limit 60 %');
  expect(consoleWatch.unexpected()).toEqual([]);
});
