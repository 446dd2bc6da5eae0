import { expect, test } from '@playwright/test';
import { serveStatic } from './support/static-server';

test('the built renderer shows the app frame', async ({ page }, testInfo) => {
  const server = await serveStatic('out/renderer');
  try {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(server.url);
    await expect(page.getByRole('heading', { name: 'Callboard' })).toBeVisible();
    await page.screenshot({ path: testInfo.outputPath('app-frame.png') });
    expect(errors).toEqual([]);
  } finally {
    await server.close();
  }
});
