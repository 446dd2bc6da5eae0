import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Page, TestInfo } from '@playwright/test';

const SCREENSHOTS = resolve(__dirname, '..', '..', '..', 'docs', 'screenshots');

/** Saves a screenshot for the README (docs/screenshots) and as a test artifact. */
export async function saveScreenshot(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const file = `${name}.png`;
  await page.screenshot({ path: resolve(SCREENSHOTS, file) });
  await page.screenshot({ path: testInfo.outputPath(file) });
  await testInfo.attach(name, { path: testInfo.outputPath(file), contentType: 'image/png' });
}
