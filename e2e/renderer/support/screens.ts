import { copyFileSync, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Page, TestInfo } from '@playwright/test';

const SCREENSHOTS = resolve(__dirname, '..', '..', '..', 'docs', 'screenshots');

/**
 * Saves a screenshot as a test artifact (test-results/, linked from the HTML report). With
 * UPDATE_SCREENSHOTS=1 it also refreshes the README's copy in docs/screenshots, so an ordinary
 * test run never changes tracked files.
 */
export async function saveScreenshot(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  const artifact = testInfo.outputPath(`${name}.png`);
  await page.screenshot({ path: artifact });
  await testInfo.attach(name, { path: artifact, contentType: 'image/png' });
  if (process.env.UPDATE_SCREENSHOTS === '1') {
    mkdirSync(SCREENSHOTS, { recursive: true });
    copyFileSync(artifact, resolve(SCREENSHOTS, `${name}.png`));
  }
}
