#!/usr/bin/env node
// @ts-check
// `npm run icons`: renders build/icon.svg (the one source image) into every icon the app and
// its installers need, in Debian's Chromium through playwright-core:
//   build/icons/<n>x<n>.png  n = 16..1024 (Linux; electron-builder's icon directory)
//   build/icon.png (1024), build/icon.ico (Windows), build/icon.icns (macOS)
//   build/tray/<state>-16.png, -16@2x.png, -32.png, -32@2x.png  (state: live, alerting,
//     disconnected; Electron picks the @2x file on HiDPI screens by itself)
//   build/icons/source.sha256: hash of icon.svg, so the packaging check sees stale icons.
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildIcns, buildIco, ICNS_TYPES } from './icon-formats.mjs';

export const APP_ICON_SIZES = [16, 24, 32, 48, 64, 96, 128, 256, 512, 1024];
export const ICO_SIZES = [16, 24, 32, 48, 64, 128, 256];
export const TRAY_STATES = /** @type {const} */ (['live', 'alerting', 'disconnected']);
/** File name (without .png) -> pixel size, for each tray state. */
export const TRAY_VARIANTS = /** @type {const} */ ([
  ['16', 16],
  ['16@2x', 32],
  ['32', 32],
  ['32@2x', 64],
]);

/** Tile colour and status-dot colour per tray state. */
const TRAY_COLOURS = {
  live: { tile: '#1e5bb8', dot: '#34d399' },
  alerting: { tile: '#b91c1c', dot: '#fbbf24' },
  disconnected: { tile: '#4b5563', dot: '#9ca3af' },
};

/**
 * Sets an attribute on the element with the given id in an SVG string.
 * @param {string} svg @param {string} id @param {string} name @param {string} value
 */
function setAttribute(svg, id, name, value) {
  const element = new RegExp(`<[a-zA-Z]+ id="${id}"[^>]*>`);
  const match = svg.match(element);
  if (!match) throw new Error(`build/icon.svg has no element with id="${id}"`);
  const tag = match[0];
  const attribute = new RegExp(`\\s${name}="[^"]*"`);
  const updated = attribute.test(tag)
    ? tag.replace(attribute, ` ${name}="${value}"`)
    : tag.replace(/\/?>$/, (end) => ` ${name}="${value}"${end}`);
  return svg.replace(tag, updated);
}

/**
 * The tray variant of the source: flat tile in the state's colour, cropped to the tile so it
 * fills the tray slot, with the status dot recoloured.
 * @param {string} source @param {keyof typeof TRAY_COLOURS} state
 */
export function traySvg(source, state) {
  const colours = TRAY_COLOURS[state];
  let svg = source.replace(/viewBox="[^"]*"/, 'viewBox="64 64 896 896"');
  svg = setAttribute(svg, 'background', 'fill', colours.tile);
  svg = setAttribute(svg, 'live', 'fill', colours.dot);
  return svg;
}

/**
 * @param {string} svg @param {number} size
 */
function sized(svg, size) {
  return svg
    .replace(/(<svg[^>]*?)\swidth="[^"]*"/, '$1')
    .replace(/(<svg[^>]*?)\sheight="[^"]*"/, '$1')
    .replace('<svg', `<svg width="${size}" height="${size}"`);
}

/** @param {import('playwright-core').Page} page @param {string} svg @param {number} size */
async function render(page, svg, size) {
  await page.setViewportSize({ width: size, height: size });
  await page.setContent(
    `<!doctype html><html><body style="margin:0;background:transparent">${sized(svg, size)}</body></html>`,
  );
  return page.screenshot({
    omitBackground: true,
    clip: { x: 0, y: 0, width: size, height: size },
  });
}

/** @param {string} root */
export async function generateIcons(root) {
  const { chromium } = await import('playwright-core');
  const buildDir = join(root, 'build');
  const source = await readFile(join(buildDir, 'icon.svg'), 'utf8');
  await mkdir(join(buildDir, 'icons'), { recursive: true });
  await mkdir(join(buildDir, 'tray'), { recursive: true });
  const executablePath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
  // Chromium writes its config under XDG_CONFIG_HOME: keep it out of the home folder.
  const configHome = await mkdtemp(join(tmpdir(), 'callboard-icons-'));
  const browser = await chromium.launch({
    executablePath,
    args: ['--no-sandbox', '--headless', '--disable-gpu'],
    env: { ...process.env, XDG_CONFIG_HOME: configHome },
  });
  const written = [];
  try {
    const page = await browser.newPage();
    /** @type {Map<number, Buffer>} */
    const bySize = new Map();
    for (const size of new Set([...APP_ICON_SIZES, ...ICNS_TYPES.map(([, s]) => s)])) {
      bySize.set(size, await render(page, source, size));
    }
    for (const size of APP_ICON_SIZES) {
      const file = join(buildDir, 'icons', `${size}x${size}.png`);
      await writeFile(file, /** @type {Buffer} */ (bySize.get(size)));
      written.push(file);
    }
    await writeFile(join(buildDir, 'icon.png'), /** @type {Buffer} */ (bySize.get(1024)));
    await writeFile(
      join(buildDir, 'icon.ico'),
      buildIco(ICO_SIZES.map((s) => /** @type {Buffer} */ (bySize.get(s)))),
    );
    await writeFile(join(buildDir, 'icon.icns'), buildIcns(bySize));
    written.push('build/icon.png', 'build/icon.ico', 'build/icon.icns');
    for (const state of TRAY_STATES) {
      const svg = traySvg(source, state);
      for (const [suffix, size] of TRAY_VARIANTS) {
        const file = join(buildDir, 'tray', `${state}-${suffix}.png`);
        await writeFile(file, await render(page, svg, size));
        written.push(file);
      }
    }
    const hash = createHash('sha256').update(source).digest('hex');
    await writeFile(join(buildDir, 'icons', 'source.sha256'), `${hash}  build/icon.svg\n`);
  } finally {
    await browser.close();
    await rm(configHome, { recursive: true, force: true });
  }
  return written;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const root = resolve(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..');
  generateIcons(root).then(
    (files) => console.log(`generate-icons: wrote ${files.length} files from build/icon.svg`),
    (error) => {
      console.error(`generate-icons: ${error instanceof Error ? error.message : error}`);
      process.exitCode = 1;
    },
  );
}
