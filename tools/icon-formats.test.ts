import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  buildIcns,
  buildIco,
  icnsEntries,
  icoSizes,
  ICNS_TYPES,
  pngSize,
} from './icon-formats.mjs';
import { traySvg } from './generate-icons.mjs';

const root = resolve(__dirname, '..');
const png = (size: number) => readFileSync(join(root, 'build', 'icons', `${size}x${size}.png`));

describe('icon containers', () => {
  it('reads a PNG size and refuses what is not a PNG', () => {
    expect(pngSize(png(48))).toEqual({ width: 48, height: 48 });
    expect(() => pngSize(Buffer.from('GIF89a....................'))).toThrow('not a PNG file');
  });

  it('writes an .ico whose directory reads back the sizes it holds', () => {
    const ico = buildIco([png(16), png(32), png(256)]);
    expect(icoSizes(ico)).toEqual([16, 32, 256]);
  });

  it('refuses an .ico entry larger than 256 px', () => {
    expect(() => buildIco([png(512)])).toThrow('<= 256 px');
  });

  it('writes an .icns with every PNG slot, read back with its size', () => {
    const sizes = new Map([16, 32, 64, 128, 256, 512, 1024].map((s) => [s, png(s)]));
    const entries = icnsEntries(buildIcns(sizes));
    expect(entries).toEqual(ICNS_TYPES.map(([type, size]) => ({ type, size })));
  });

  it('refuses an .icns without a size it needs, and a cut file', () => {
    expect(() => buildIcns(new Map([[16, png(16)]]))).toThrow('needs a 32px PNG');
    const icns = buildIcns(new Map([16, 32, 64, 128, 256, 512, 1024].map((s) => [s, png(s)])));
    expect(() => icnsEntries(icns.subarray(0, icns.length - 10))).toThrow('length field');
  });
});

describe('tray variants of build/icon.svg', () => {
  const source = readFileSync(join(root, 'build', 'icon.svg'), 'utf8');

  it.each([
    ['live', '#1e5bb8', '#34d399'],
    ['alerting', '#b91c1c', '#fbbf24'],
    ['disconnected', '#4b5563', '#9ca3af'],
  ] as const)('%s: the tile and the status dot take the state colours', (state, tile, dot) => {
    const svg = traySvg(source, state);
    expect(svg).toContain('viewBox="64 64 896 896"');
    expect(svg).toMatch(new RegExp(`id="background"[^>]*fill="${tile}"`));
    expect(svg).toMatch(new RegExp(`id="live"[^>]*fill="${dot}"`));
  });

  it('names the element it cannot find when the source loses an id', () => {
    const withoutDot = source.replace('id="live"', 'id="status"');
    expect(() => traySvg(withoutDot, 'live')).toThrow('no element with id="live"');
  });
});
