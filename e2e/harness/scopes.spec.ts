import { expect, test, type Page } from '@playwright/test';
import { openTestDatabase, type TestDatabase } from '../../src/emulator/test-target';
import { hashToken } from '../../src/server/auth/token-file';
import { TokenRegistry } from '../../src/server/auth/token-registry';
import type { RealtimeServer } from '../../src/server/realtime-server';
import { watchConsole } from '../support/console-watch';
import { serveDashboard } from '../support/dashboard-server';

// Issue 19's "done when", client side: the web dashboard opened with a wallboard token
// (calls, campaigns, outcomes: no pii, no transcripts) shows masked numbers and names, says
// it has limited access, and shows no transcript, without ever asking for one (the server
// counts no refusal). A desk token on the same server sees the same call in full.

const FLOOR_TV = 'floor-tv-token-e2e';
const DESK = 'desk-token-e2e';

let db: TestDatabase | undefined;
let server: RealtimeServer | undefined;
test.afterEach(async () => {
  await server?.stop();
  await db?.close();
  server = db = undefined;
});

const grid = (page: Page) => page.getByRole('grid', { name: 'Active calls' });

async function openCall(page: Page, token: string, url: string, shownName: string) {
  await page.goto(`${url}/#token=${token}`);
  await expect(page.getByRole('heading', { name: 'Callboard' })).toBeVisible();
  await grid(page).getByText(shownName, { exact: true }).click();
  return page.getByRole('region', { name: 'Transcript' });
}

test('a wallboard token shows masked numbers and names and no transcript', async ({
  page,
  browser,
}) => {
  db = await openTestDatabase({ prefix: 'scopes' });
  await db.client
    .db(db.dbName)
    .collection('calls')
    .insertOne({
      callSid: 'scoped-1',
      status: 'in-progress',
      contactName: 'Ada Lovelace',
      to: '+14155550123',
      startTime: new Date(Date.now() - 30_000).toISOString(),
    });
  server = serveDashboard(
    db,
    TokenRegistry.fromEntries([
      { name: 'floor-tv', sha256: hashToken(FLOOR_TV), scopes: ['calls', 'campaigns', 'outcomes'] },
      {
        name: 'desk',
        sha256: hashToken(DESK),
        scopes: ['calls', 'campaigns', 'outcomes', 'transcripts', 'pii'],
      },
    ]),
  );
  const { url } = await server.start();
  const consoleWatch = watchConsole(page);

  const transcript = await openCall(page, FLOOR_TV, url, 'A. L.');
  await expect(page.getByRole('note')).toHaveText(
    "Limited access: no transcripts, numbers masked. This token's scopes: calls, campaigns, outcomes.",
  );
  // Written out here: every digit but the last four masked, the + kept (the shared rule).
  await expect(
    page.getByTestId('call-details').getByText('+•••••••0123', { exact: true }),
  ).toBeVisible();
  await expect(transcript).toContainText('This token may not read transcripts.');
  await expect(transcript.locator('.transcript-turn')).toHaveCount(0);
  const text = await page.locator('body').innerText();
  expect(text).not.toContain('Lovelace');
  expect(text).not.toContain('4155550123');
  // The page never asked for the transcript: the server refused nothing.
  expect(await server.metrics()).toMatch(
    /^callboard_refused_requests_total\{scope="transcripts"\} 0$/m,
  );
  expect(consoleWatch.unexpected()).toEqual([]);

  // The desk token, same server, same call: in full, with its transcript asked for.
  const desk = await browser.newPage();
  try {
    const deskTranscript = await openCall(desk, DESK, url, 'Ada Lovelace');
    await expect(
      desk.getByTestId('call-details').getByText('+14155550123', { exact: true }),
    ).toBeVisible();
    await expect(desk.getByRole('note')).toHaveCount(0);
    await expect(deskTranscript).not.toContainText('may not read transcripts');
    await expect(deskTranscript).toContainText(/No turns yet|No transcript/);
  } finally {
    await desk.close();
  }
});
