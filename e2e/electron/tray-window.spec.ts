import { expect, test } from '@playwright/test';
import { electronBinary, launchApp, NO_ELECTRON_REASON, type LaunchedApp } from './electron-app';

// Window and tray behaviour of the real app. Runs where an Electron binary exists.
test.skip(electronBinary() === null, NO_ELECTRON_REASON);

let launched: LaunchedApp;
test.beforeAll(async () => {
  launched = await launchApp();
});
test.afterAll(async () => {
  await launched?.close();
});

test('the window shows the app in demo mode', async () => {
  const page = await launched.app.firstWindow();
  await expect(page.getByRole('heading', { name: 'Callboard' })).toBeVisible();
});

test('closing the window keeps the app in the tray', async () => {
  const page = await launched.app.firstWindow();
  await page.waitForLoadState('domcontentloaded');
  await launched.app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0]!.close());
  await expect
    .poll(() =>
      launched.app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0]!.isVisible()),
    )
    .toBe(false);
  expect(
    await launched.app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().length),
  ).toBe(1);
});

test('window bounds are saved on close', async () => {
  const { readFile } = await import('node:fs/promises');
  const { join } = await import('node:path');
  await expect
    .poll(async () =>
      readFile(join(launched.userData, 'window-state.json'), 'utf8').catch(() => ''),
    )
    .toContain('"bounds"');
});
