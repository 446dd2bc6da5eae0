import { expect, test } from '@playwright/test';
import { electronBinary, launchApp, NO_ELECTRON_REASON, type LaunchedApp } from './electron-app';

// The security checklist on the real app (docs/desktop.md, "Security model"). Runs where an
// Electron binary exists; skips with the reason here.
test.skip(electronBinary() === null, NO_ELECTRON_REASON);

let launched: LaunchedApp;
test.beforeAll(async () => {
  launched = await launchApp();
});
test.afterAll(async () => {
  await launched?.close();
});

test('the renderer is isolated: no Node, no preload internals', async () => {
  // Electron has no public getter for a window's webPreferences; the values themselves are
  // asserted in src/main/security/security.test.ts, their effect here.
  const page = await launched.app.firstWindow();
  await page.waitForLoadState('domcontentloaded');
  const seen = await page.evaluate(() => ({
    module: typeof (globalThis as { module?: unknown }).module,
    buffer: typeof (globalThis as { Buffer?: unknown }).Buffer,
    electron: typeof (globalThis as { electron?: unknown }).electron,
  }));
  expect(seen).toEqual({ module: 'undefined', buffer: 'undefined', electron: 'undefined' });
});

test('the page sees window.callboard only, no Node', async () => {
  const page = await launched.app.firstWindow();
  const surface = await page.evaluate(() => ({
    keys: Object.keys((window as unknown as { callboard: object }).callboard).sort(),
    require: typeof (globalThis as { require?: unknown }).require,
    process: typeof (globalThis as { process?: unknown }).process,
  }));
  expect(surface.require).toBe('undefined');
  expect(surface.process).toBe('undefined');
  expect(surface.keys).toContain('getSnapshot');
  expect(surface.keys).not.toContain('ipcRenderer');
});

test('CSP blocks eval and inline script', async () => {
  const page = await launched.app.firstWindow();
  const result = await page.evaluate(() => {
    let evalBlocked = false;
    try {
      eval('1');
    } catch {
      evalBlocked = true;
    }
    const s = document.createElement('script');
    s.textContent = 'window.__inline = true';
    document.body.appendChild(s);
    return { evalBlocked, inline: (window as unknown as { __inline?: boolean }).__inline === true };
  });
  expect(result).toEqual({ evalBlocked: true, inline: false });
});

test('navigation away and window.open are refused', async () => {
  const page = await launched.app.firstWindow();
  const before = page.url();
  await page.evaluate(() => {
    window.location.href = 'https://example.com/';
  });
  await expect.poll(() => page.url()).toBe(before);
  const opened = await page.evaluate(() => window.open('https://example.com/') === null);
  expect(opened).toBe(true);
  expect(
    await launched.app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().length),
  ).toBe(1);
});

test('IPC with a wrong argument type is refused with bad-request', async () => {
  const page = await launched.app.firstWindow();
  const result = await page.evaluate(async () => {
    const api = (
      window as unknown as { callboard: { acknowledgeAlert(id: unknown): Promise<unknown> } }
    ).callboard;
    return api.acknowledgeAlert(42);
  });
  expect(result).toMatchObject({ ok: false, code: 'bad-request' });
});
