// Renders build/icon.svg in Chromium into a scratch folder and runs the packaging check's
// icon rules on the result: every size, container and tray icon the config names comes out.
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createBuilderConfig } from '../electron-builder';
import { checkIcons } from './check-icons';
import { generateIcons } from './generate-icons.mjs';

const root = resolve(__dirname, '..');
const chromium = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

describe.skipIf(!existsSync(chromium))(`npm run icons (needs Chromium at ${chromium})`, () => {
  let scratch: string | undefined;
  afterEach(async () => {
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  it('renders every icon the packaging config needs from the one SVG', async () => {
    scratch = await mkdtemp(join(tmpdir(), 'callboard-icons-'));
    await mkdir(join(scratch, 'build'));
    await copyFile(join(root, 'build', 'icon.svg'), join(scratch, 'build', 'icon.svg'));

    const written = await generateIcons(scratch);

    expect(written.length).toBeGreaterThan(20);
    expect(checkIcons(scratch, createBuilderConfig({}))).toEqual([]);
  });
});
