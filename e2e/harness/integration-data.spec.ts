import { expect, test, type Page } from '@playwright/test';
import { openTestDatabase, type TestDatabase } from '../../src/emulator/test-target';
import { createRealtimeServer, type RealtimeServer } from '../../src/server/realtime-server';
import { Watcher } from '../../src/server/watcher';
import { silentLogger } from '../../src/shared/log';

// The integration's own spellings on the web dashboard (DATA.md), written step by step into
// MongoDB (no random simulator): an ElevenLabs call that goes in-progress -> processing ->
// done leaves the screen; a status no mapping knows stays, marked; a restarted server shows
// the same calls.

let db: TestDatabase | undefined;
let server: RealtimeServer | undefined;
test.afterEach(async () => {
  await server?.stop();
  await db?.close();
  server = db = undefined;
});

function serve(target: TestDatabase, port = 0): RealtimeServer {
  return createRealtimeServer({
    logger: silentLogger,
    port,
    token: 'data-token',
    staticDir: 'out/renderer',
    source: (hub) =>
      new Watcher({ hub, uri: target.uri, dbName: target.dbName, logger: silentLogger }),
  });
}

const grid = (page: Page) => page.getByRole('grid', { name: 'Active calls' });
const row = (page: Page, callSid: string) => grid(page).locator(`[data-call-sid="${callSid}"]`);

test('ElevenLabs statuses, an unknown status and a server restart', async ({ page }) => {
  db = await openTestDatabase({ prefix: 'integration-data' });
  const calls = db.client.db(db.dbName).collection('calls');
  server = serve(db);
  const { url, port } = await server.start();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${url}/#token=data-token`);
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
  await server.stop();
  await expect(page.getByTestId('stale-tag')).toBeVisible();
  server = serve(db, port);
  await server.start();
  await expect(page.getByTestId('stale-tag')).toHaveCount(0, { timeout: 30_000 });
  await expect(row(page, 'CA-2')).toContainText('in-progress');
  await expect(row(page, 'CA-3')).toContainText('unknown status: Transferring');
  await expect(row(page, 'conv-1')).toHaveCount(0);
  await expect(grid(page).locator('[data-call-sid]')).toHaveCount(2);
  expect(errors).toEqual([]);
});
