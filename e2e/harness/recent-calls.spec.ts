import { expect, test, type Page } from '@playwright/test';
import type { Socket as ServerSocket } from 'socket.io';
import {
  recentContractServer,
  type RecentContractServer,
} from '../../src/core/feed/recent-contract-server.test-support';
import type { Call } from '../../src/shared/domain/schemas';
import { DEFAULT_SETTINGS } from '../../src/shared/settings';
import { watchConsole } from '../support/console-watch';
import { answerSeedLists } from '../support/seed-lists';
import { serveStatic } from '../support/static-server';
import { closeHarness, startHarness, type Harness } from './harness';

// Issue 14, client side: a call ends, appears in Recent calls as "analysing…", then its
// post-call analysis arrives, the outcome shows success and the Agents panel's success rate
// changes. The desktop path with everything real but the server (built renderer in Chromium,
// preload functions, app controller, monitor core and RemoteFeed in Node) over Socket.IO to a
// server that keeps the `recent` contract; it serves the active list with the seed protocol.

const CALL = 'CA-recent-e2e';
const started = new Date(Date.now() - 120_000).toISOString();
const active = {
  callSid: CALL,
  status: 'in-progress',
  contactName: 'Recent Caller',
  to: '+15550177',
  agentId: 'agent-ada',
  startTime: started,
};
const stamp = () => new Date().toISOString();

let sockets: ServerSocket[] = [];
function seedCalls(socket: ServerSocket) {
  sockets.push(socket);
  answerSeedLists(socket, () => [active]);
}

let harness: Harness | undefined;
let server: RecentContractServer | undefined;
let cleanupSite: (() => Promise<void>) | undefined;
// eslint-disable-next-line no-empty-pattern -- Playwright fixtures must be destructured
test.afterEach(async ({}, testInfo) => {
  await closeHarness(harness, testInfo);
  await server?.close();
  await cleanupSite?.();
  harness = server = cleanupSite = undefined;
  sockets = [];
});

/** An earlier call of the same agent that failed: the rate starts at 0 % of 1. */
function earlierCall(s: RecentContractServer) {
  s.put({
    callSid: 'CA-earlier',
    status: 'completed',
    agentId: 'agent-ada',
    startTime: new Date(Date.now() - 600_000).toISOString(),
    endTime: new Date(Date.now() - 500_000).toISOString(),
    analysis: { call_successful: 'failure' },
  } as unknown as Call);
  s.lose(); // before anyone subscribed: the snapshot holds it
}

async function journey(page: Page, server: RecentContractServer) {
  await expect(
    page.getByRole('grid', { name: 'Active calls' }).getByText('Recent Caller'),
  ).toBeVisible();

  await page.getByRole('tab', { name: 'Agents' }).click();
  const ada = page.locator('tr[data-agent-id="agent-ada"]');
  await expect(ada.getByTestId('success-rate')).toHaveText('0% of 1');

  // The call ends: the list hears it (seed), the window gets it without a verdict.
  const ended = { ...active, status: 'completed', endTime: stamp(), duration: 110 };
  for (const socket of sockets) socket.emit('call_update', { call: ended, timestamp: stamp() });
  server.put(ended as unknown as Call);
  server.broadcast();
  await page.getByRole('tab', { name: 'Recent calls' }).click();
  const row = page.locator(`tr[data-call-sid="${CALL}"]`);
  await expect(row.getByTestId('outcome')).toHaveText('analysing…');

  // The post-call analysis lands a while after the end.
  server.put({
    ...ended,
    analysis: {
      call_successful: 'success',
      transcript_summary: 'The caller confirmed the delivery.',
    },
  } as unknown as Call);
  server.broadcast();
  await expect(row.getByTestId('outcome')).toHaveText('success');
  await page.getByRole('tab', { name: 'Agents' }).click();
  await expect(ada.getByTestId('success-rate')).toHaveText('50% of 2');

  // The row opens the call details with the outcome.
  await page.getByRole('tab', { name: 'Recent calls' }).click();
  await row.focus();
  await row.press('Enter');
  await expect(page.getByTestId('details-outcome')).toHaveText('success');
  await expect(page.getByTestId('call-details')).toContainText(
    'The caller confirmed the delivery.',
  );
}

test('desktop: a call ends, is analysing in Recent calls, then its success shows and the agent rate moves', async ({
  page,
}) => {
  server = await recentContractServer({ onConnection: seedCalls });
  earlierCall(server);
  const consoleWatch = watchConsole(page);
  harness = await startHarness(page, {
    ...DEFAULT_SETTINGS,
    mode: 'remote',
    remote: { url: server.url, token: '' },
  });
  await journey(page, server);
  expect(consoleWatch.unexpected()).toEqual([]);
});

test('web dashboard: the same, with the monitor core in the page', async ({ page }) => {
  const site = await serveStatic('out/renderer');
  cleanupSite = site.close;
  server = await recentContractServer({ onConnection: seedCalls, httpServer: site.server });
  earlierCall(server);
  const consoleWatch = watchConsole(page);
  await page.goto(site.url);
  await journey(page, server);
  expect(consoleWatch.unexpected()).toEqual([]);
});
