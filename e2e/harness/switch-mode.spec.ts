import { expect, test } from '@playwright/test';
import { openTestDatabase, type TestDatabase } from '../../src/emulator/test-target';
import { DEFAULT_SETTINGS, type Settings } from '../../src/shared/settings';
import { startHarness, type Harness } from './harness';

// Saving settings from the page switches the feed at run time: the demo is torn down
// (emulator, simulator, watcher) and the screen is reset from the new database.

let harness: Harness | undefined;
let db: TestDatabase | undefined;
test.afterEach(async () => {
  await harness?.close();
  await db?.close();
  harness = db = undefined;
});

test('switching from demo to embedded through saveSettings resets the screen to the new feed', async ({
  page,
}) => {
  harness = await startHarness(page, DEFAULT_SETTINGS);
  db = await openTestDatabase({ prefix: 'switch' });
  await db.client
    .db(db.dbName)
    .collection('calls')
    .insertOne({ callSid: 'only-here', status: 'queued', contactName: 'Switch Target' });
  await expect.poll(() => harness!.controller.getSnapshot().connection.status).toBe('live');

  const next: Settings = {
    ...DEFAULT_SETTINGS,
    mode: 'embedded',
    embedded: { ...DEFAULT_SETTINGS.embedded, mongoUri: db.uri, database: db.dbName },
  };
  const saved = await page.evaluate(
    (s) =>
      (
        window as unknown as {
          callboard: {
            saveSettings(
              s: unknown,
            ): Promise<{ ok: boolean; value?: { secretsSet: { mongoUri: boolean } } }>;
          };
        }
      ).callboard.saveSettings(s),
    next,
  );
  expect(saved.ok).toBe(true);
  expect(saved.value!.secretsSet.mongoUri).toBe(true);

  const grid = page.getByRole('grid', { name: 'Active calls' });
  await expect(grid.getByText('Switch Target')).toBeVisible();
  await expect
    .poll(() => harness!.controller.getSnapshot().calls.map((e) => e.call.callSid))
    .toEqual(['only-here']);
  expect(harness.controller.getSnapshot().connection).toMatchObject({
    mode: 'embedded',
    status: 'live',
  });
});
