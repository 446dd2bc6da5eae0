import { expect, test } from '@playwright/test';
import { DEFAULT_SETTINGS } from '../../src/shared/settings';
import { serveStatic } from '../support/static-server';
import { startHarness, type Harness } from './harness';

// The bridge answers through the same handle() as Electron's main process: prove its sender
// and payload checks from a real page (the Node tests cover the full hostile-input table).

let harness: Harness | undefined;
test.afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

test('the app page is answered; a subframe and a foreign origin are refused', async ({ page }) => {
  harness = await startHarness(page, DEFAULT_SETTINGS);
  type Api = {
    getSnapshot(): Promise<{ ok: boolean; code?: string }>;
    snoozeAlert(id: unknown, m: unknown): Promise<{ ok: boolean; code?: string }>;
  };
  const fromMain = await page.evaluate(() =>
    (window as unknown as { callboard: Api }).callboard.getSnapshot(),
  );
  expect(fromMain.ok).toBe(true);

  const badArgs = await page.evaluate(() =>
    (window as unknown as { callboard: Api }).callboard.snoozeAlert({ __proto__: { x: 1 } }, '15'),
  );
  expect(badArgs).toMatchObject({ ok: false, code: 'bad-request' });

  // The app's page cannot frame anything at all (frame-src 'none' in its CSP)...
  const blocked = await page.evaluate(
    () =>
      new Promise<string>((resolve) => {
        document.addEventListener('securitypolicyviolation', (e) => resolve(e.violatedDirective));
        const frame = document.createElement('iframe');
        frame.src = './index.html';
        document.body.appendChild(frame);
      }),
  );
  expect(blocked).toBe('frame-src');
  // ...so the app is framed by a same-origin page without that CSP (the static server's 404
  // page), to prove the bridge itself refuses a subframe.
  await page.goto(new URL('./no-such-page', page.url()).href);
  await page.evaluate(() => {
    const frame = document.createElement('iframe');
    frame.src = './index.html';
    frame.name = 'sub';
    document.body.appendChild(frame);
  });
  await expect.poll(() => page.frame({ name: 'sub' })?.url() ?? '').toContain('index.html');
  const sub = page.frame({ name: 'sub' })!;
  await sub.waitForFunction(() => 'callboard' in window);
  const fromSubframe = await sub.evaluate(() =>
    (window as unknown as { callboard: Api }).callboard.getSnapshot(),
  );
  expect(fromSubframe).toMatchObject({ ok: false, code: 'forbidden-sender' });

  const other = await serveStatic('out/renderer');
  try {
    await page.goto(other.url);
    const fromForeign = await page.evaluate(() =>
      (window as unknown as { callboard: Api }).callboard.getSnapshot(),
    );
    expect(fromForeign).toMatchObject({ ok: false, code: 'forbidden-sender' });
  } finally {
    await other.close();
  }
});
