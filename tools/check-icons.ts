// Icons for the packaging check: every icon electron-builder.ts names exists and has the sizes
// each platform needs, the tray icons the main process loads exist, and none is older than
// build/icon.svg (compared by hash, as git does not keep file times).
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Configuration } from 'electron-builder';
import { icnsEntries, icoSizes, pngSize } from './icon-formats.mjs';
import { APP_ICON_SIZES, TRAY_STATES, TRAY_VARIANTS } from './generate-icons.mjs';

/** Every icon the config names exists and holds the sizes each platform needs. */
export function checkIcons(root: string, config: Configuration): string[] {
  const problems: string[] = [];
  const must = (file: string | null | undefined, what: string): string | null => {
    if (!file) {
      problems.push(`${what} is not set`);
      return null;
    }
    if (!existsSync(join(root, file))) {
      problems.push(`${what} names ${file}, which does not exist (run \`npm run icons\`)`);
      return null;
    }
    return join(root, file);
  };
  const linuxDir = must(config.linux?.icon, 'linux.icon');
  if (linuxDir) {
    for (const size of APP_ICON_SIZES) {
      const file = join(linuxDir, `${size}x${size}.png`);
      if (!existsSync(file)) problems.push(`${config.linux?.icon} has no ${size}x${size}.png`);
      else problems.push(...pngProblems(file, size));
    }
  }
  for (const [what, file] of [
    ['win.icon', config.win?.icon],
    ['nsis.installerIcon', config.nsis?.installerIcon],
    ['nsis.uninstallerIcon', config.nsis?.uninstallerIcon],
  ] as const) {
    const path = must(file, what);
    if (path) {
      const sizes = icoSizes(readFileSync(path));
      if (!sizes.includes(256) || !sizes.includes(16)) {
        problems.push(`${file} must hold 16 and 256 px icons, holds [${sizes}]`);
      }
    }
  }
  for (const [what, file] of [
    ['mac.icon', config.mac?.icon],
    ['dmg.icon', config.dmg?.icon],
  ] as const) {
    const path = must(file, what);
    if (
      path &&
      !icnsEntries(readFileSync(path)).some((e) => e.type === 'ic10' && e.size === 1024)
    ) {
      problems.push(`${file} must hold the 1024 px (ic10) image macOS uses for Retina`);
    }
  }
  const source = join(root, 'build', 'icon.svg');
  const stamp = join(root, 'build', 'icons', 'source.sha256');
  if (existsSync(source) && existsSync(stamp)) {
    const hash = createHash('sha256').update(readFileSync(source)).digest('hex');
    if (!readFileSync(stamp, 'utf8').startsWith(hash)) {
      problems.push('build/icon.svg changed since the icons were generated: run `npm run icons`');
    }
  } else {
    problems.push('build/icon.svg or build/icons/source.sha256 is missing: run `npm run icons`');
  }
  for (const state of TRAY_STATES) {
    for (const [suffix, size] of TRAY_VARIANTS) {
      const file = join(root, 'build', 'tray', `${state}-${suffix}.png`);
      if (!existsSync(file))
        problems.push(`tray icon build/tray/${state}-${suffix}.png is missing`);
      else problems.push(...pngProblems(file, size));
    }
  }
  return problems;
}

function pngProblems(file: string, size: number): string[] {
  const { width, height } = pngSize(readFileSync(file));
  return width === size && height === size
    ? []
    : [`${file} is ${width}x${height}, expected ${size}x${size}`];
}
