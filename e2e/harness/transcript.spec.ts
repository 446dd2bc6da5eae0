import { expect, test, type Locator, type Page } from '@playwright/test';
import type { Socket as ServerSocket } from 'socket.io';
import {
  contractServer,
  type ContractServer,
} from '../../src/core/feed/transcript-contract-server.test-support';
import { spokenOrder } from '../../src/shared/feed/transcript-model.test-support';
import { DEFAULT_SETTINGS } from '../../src/shared/settings';
import { watchConsole } from '../support/console-watch';
import { answerSeedLists } from '../support/seed-lists';
import { serveStatic } from '../support/static-server';
import { closeHarness, startHarness, type Harness } from './harness';

// Issue 15's "done when", client side: open a call, its turns appear in order, a correction
// replaces its turn, a reconnect neither loses nor repeats one. The desktop path with
// everything real but the server: the built renderer in Chromium, the preload functions, the
// handle() wrapper, the app controller, the monitor core and the RemoteFeed in Node, over
// Socket.IO to a server that keeps the transcript contract (it serves its one call with the
// seed protocol, so the list needs nothing from the server side of issue 15). The web
// dashboard runs the same journey with the core in the page, the server also serving the
// built renderer. Against `callboard serve --demo`: e2e/renderer/transcript.spec.ts.

const CALL = 'CA-transcript-e2e';

/** Seed protocol for the list: one in-progress call. */
function seedCalls(socket: ServerSocket) {
  answerSeedLists(socket, () => [
    {
      callSid: CALL,
      status: 'in-progress',
      contactName: 'Transcript Caller',
      to: '+15550142',
      startTime: new Date(Date.now() - 90_000).toISOString(),
    },
  ]);
}

let harness: Harness | undefined;
let server: ContractServer | undefined;
let cleanupSite: (() => Promise<void>) | undefined;
// eslint-disable-next-line no-empty-pattern -- Playwright fixtures must be destructured
test.afterEach(async ({}, testInfo) => {
  await closeHarness(harness, testInfo);
  await server?.close();
  await cleanupSite?.();
  harness = server = cleanupSite = undefined;
});

const turnsOn = (page: Page): Locator =>
  page.getByRole('region', { name: 'Transcript' }).locator('.transcript-turn');

/** What the screen must show, computed from the server's model, turn by turn. */
const expected = (s: ContractServer) =>
  spokenOrder(s.model.turns.values()).map(
    (t) =>
      `${t.role === 'agent' ? 'Agent' : 'Caller'}${clock(t.timeInCallSecs!)}${t.message}${(t.actions ?? []).map((a) => `${a.kind === 'tool_call' ? 'Tool call' : 'Transfer'}: ${a.label}`).join('')}`,
  );
// m:ss, written here without the app's formatter.
const clock = (secs: number) => `${Math.floor(secs / 60)}:${String(secs % 60).padStart(2, '0')}`;

/** The two turns the server holds when the call is opened. */
function firstTurns(s: ContractServer): void {
  s.model.add('agent', 'Hello, this is Ada from Acme Deliveries.', 1);
  s.model.add('caller', 'Hi, is this about my parcel?', 4);
}

/** Open the call; turns in order, chips, a correction, a reconnect, find, close. */
async function transcriptJourney(page: Page, server: ContractServer): Promise<void> {
  const grid = page.getByRole('grid', { name: 'Active calls' });
  await grid.getByText('Transcript Caller').click();
  const region = page.getByRole('region', { name: 'Transcript' });
  await expect(region.getByTestId('transcript-live')).toBeVisible();
  await expect(turnsOn(page)).toHaveText(expected(server));

  // New turns, out of spoken order on the wire, and a tool call chip.
  server.model.add('agent', 'Yes. One moment, I will look it up.', 9);
  server.model.add('caller', 'Sure.', 6);
  server.model.add('agent', 'It arrives tomorrow.', 15, [
    { kind: 'tool_call', label: 'lookup_parcel' },
  ]);
  server.broadcast();
  await expect(turnsOn(page)).toHaveText(expected(server));
  await expect(region.getByText('Tool call: lookup_parcel')).toBeVisible();
  await expect(region.getByTestId('transcript-announcer')).toContainText(
    'Agent, 0:15: It arrives tomorrow.',
  );

  // A correction replaces its turn: same count, new words.
  const first = [...server.model.turns.values()][0]!;
  server.model.correct(
    first.id,
    'Hello, this is Ada from Acme Deliveries, calling about a parcel.',
  );
  server.broadcast();
  await expect(turnsOn(page)).toHaveText(expected(server));
  await expect(turnsOn(page)).toHaveCount(5);

  // The network drops; a turn is written meanwhile (the server never sent it to this client).
  for (const socket of server.sockets()) socket.disconnect(true);
  server.model.add('caller', 'Great, thank you.', 18);
  server.lose();
  await expect(turnsOn(page)).toHaveText(expected(server), { timeout: 20_000 });
  server.model.add('agent', 'Have a good day.', 21);
  server.broadcast();
  await expect(turnsOn(page)).toHaveText(expected(server));
  await expect(turnsOn(page)).toHaveCount(7);
  // It resumed `since` what it held: a replay, not a fresh start.
  expect(server.subscribes.at(-1)?.since?.seq).toBeGreaterThan(0);

  // Find: type, highlight, step.
  await region.getByRole('searchbox', { name: 'Find in transcript' }).fill('parcel');
  await expect(region.locator('mark')).toHaveCount(2);
  await expect(region.locator('.transcript-find-count')).toHaveText('1 of 2');
  await region.getByRole('searchbox', { name: 'Find in transcript' }).press('Enter');
  await expect(region.locator('.transcript-find-count')).toHaveText('2 of 2');

  // Closing the details closes the transcript on the server too.
  await page.getByRole('button', { name: 'Close call details' }).click();
  await expect.poll(() => server.unsubscribes).toEqual([CALL]);
}

test('desktop: opening a call shows its transcript live through IPC and the core in main', async ({
  page,
}) => {
  server = await contractServer(CALL, { onConnection: seedCalls });
  firstTurns(server);
  const consoleWatch = watchConsole(page);
  harness = await startHarness(page, {
    ...DEFAULT_SETTINGS,
    mode: 'remote',
    remote: { url: server.url, token: '' },
  });
  await transcriptJourney(page, server);
  expect(consoleWatch.unexpected()).toEqual([]);
});

test('web dashboard: the same, with the monitor core in the page', async ({ page }) => {
  const site = await serveStatic('out/renderer');
  cleanupSite = site.close;
  server = await contractServer(CALL, { onConnection: seedCalls, httpServer: site.server });
  firstTurns(server);
  const consoleWatch = watchConsole(page);
  await page.goto(site.url);
  await transcriptJourney(page, server);
  expect(consoleWatch.unexpected()).toEqual([]);
});
