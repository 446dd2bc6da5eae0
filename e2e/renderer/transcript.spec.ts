import { expect, test } from '@playwright/test';
import { MongoClient } from 'mongodb';
import { openTestDatabase, type TestDatabase } from '../../src/emulator/test-target';
import type { RealtimeServer } from '../../src/server/realtime-server';
import { watchConsole } from '../support/console-watch';
import { serveDashboard } from '../support/dashboard-server';
import { startDemoServer, type DemoServer } from './support/demo-server';

/*
 * Issue 15's "done when" on the web dashboard, against the real pipeline: `callboard serve
 * --demo`, scripted writes into its MongoDB (`transcripts`: one document per turn, DATA.md
 * field names), the page's monitor core over Socket.IO. Open a call: its turns appear in
 * order and a correction replaces its turn. The reconnect case needs a restart on the same
 * database, which `--demo`'s fresh emulator cannot give: the second test runs the same server
 * (`createRealtimeServer`, what `serve` runs) on a test database and restarts it.
 */

let server: DemoServer | undefined;
test.afterEach(async () => {
  await server?.stop();
  server = undefined;
});

const CALL = 'CA-e2e-transcript-demo';

test('web dashboard: a call transcript live from MongoDB, in spoken order, with a correction', async ({
  page,
}) => {
  server = await startDemoServer();
  const client = new MongoClient(server.mongoUri);
  try {
    const db = client.db('callcenter');
    const consoleWatch = watchConsole(page);
    await page.goto(server.url);
    await expect(page.getByRole('heading', { name: 'Callboard' })).toBeVisible();
    await db.collection('calls').insertOne({
      callSid: CALL,
      status: 'in-progress',
      contactName: 'Transcript Demo Caller',
      to: '+15550199',
      startTime: new Date(Date.now() - 30_000),
    });
    const turns = db.collection('transcripts');
    await turns.insertMany([
      { callSid: CALL, role: 'agent', message: 'Hello, this is Ada.', timeInCallSecs: 1 },
      { callSid: CALL, role: 'user', message: 'Hi Ada.', timeInCallSecs: 3 },
    ]);
    await page.getByPlaceholder('Name or number').fill('Transcript Demo Caller');
    await page
      .getByRole('grid', { name: 'Active calls' })
      .getByText('Transcript Demo Caller')
      .click();
    const region = page.getByRole('region', { name: 'Transcript' });
    const shown = region.locator('.transcript-turn');
    await expect(shown).toHaveText(['Agent0:01Hello, this is Ada.', 'Caller0:03Hi Ada.']);
    await expect(region.getByTestId('transcript-live')).toBeVisible();

    // Written out of spoken order: shown in spoken order.
    await turns.insertOne({
      callSid: CALL,
      role: 'user',
      message: 'Late line.',
      timeInCallSecs: 2,
    });
    await expect(shown).toHaveText([
      'Agent0:01Hello, this is Ada.',
      'Caller0:02Late line.',
      'Caller0:03Hi Ada.',
    ]);
    // A correction replaces its turn.
    await turns.updateOne(
      { callSid: CALL, timeInCallSecs: 1 },
      { $set: { message: 'Hello, this is Ada from Acme.' } },
    );
    await expect(shown.first()).toHaveText('Agent0:01Hello, this is Ada from Acme.');
    await expect(shown).toHaveCount(3);

    expect(consoleWatch.unexpected()).toEqual([]);
  } finally {
    await client.close();
  }
});

let realtime: RealtimeServer | undefined;
let database: TestDatabase | undefined;
test.afterEach(async () => {
  await realtime?.stop();
  await database?.close();
  realtime = database = undefined;
});

const serve = (target: TestDatabase, port = 0) => serveDashboard(target, 'transcript-token', port);

test('web dashboard: a server restart neither loses nor repeats a turn', async ({ page }) => {
  database = await openTestDatabase({ prefix: 'transcript-e2e' });
  const db = database.client.db(database.dbName);
  await db.collection('calls').insertOne({
    callSid: CALL,
    status: 'in-progress',
    contactName: 'Restart Caller',
    startTime: new Date(Date.now() - 30_000),
  });
  const turns = db.collection('transcripts');
  await turns.insertOne({ callSid: CALL, role: 'agent', message: 'Before.', timeInCallSecs: 1 });
  realtime = serve(database);
  const { url, port } = await realtime.start();
  const consoleWatch = watchConsole(page);
  await page.goto(`${url}/#token=transcript-token`);
  await page.getByRole('grid', { name: 'Active calls' }).getByText('Restart Caller').click();
  const shown = page.getByRole('region', { name: 'Transcript' }).locator('.transcript-turn');
  await expect(shown).toHaveText(['Agent0:01Before.']);

  consoleWatch.expect(
    /WebSocket connection to 'ws:\/\/127\.0\.0\.1:\d+\/socket\.io\/.*' failed/,
    'the server is stopped on purpose: the page retries until it is back',
  );
  await realtime.stop();
  await turns.insertOne({ callSid: CALL, role: 'user', message: 'During.', timeInCallSecs: 2 });
  realtime = serve(database, port);
  await realtime.start();
  await turns.insertOne({ callSid: CALL, role: 'agent', message: 'After.', timeInCallSecs: 3 });
  await expect(shown).toHaveText(['Agent0:01Before.', 'Caller0:02During.', 'Agent0:03After.'], {
    timeout: 30_000,
  });
  expect(consoleWatch.unexpected()).toEqual([]);
});
