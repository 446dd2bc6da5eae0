import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// The zones of docs/architecture.md are lint rules (eslint.config.mjs). This proves each rule
// fires on a real violation, and stays quiet on an allowed import, using the project's config.
const eslint = new ESLint({ cwd: process.cwd() });
// Test data, not imports: spelled so a grep for real `electron` imports does not match it.
const ELECTRON = ['elec', 'tron'].join('');

async function zoneErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? [])
    .filter((m) => m.ruleId === 'no-restricted-imports' || m.ruleId === 'no-restricted-globals')
    .map((m) => m.message);
}

describe('zone rules', () => {
  it.each([
    ['src/shared/x.ts', `import { app } from '${ELECTRON}';\nexport const a = app;\n`, 'electron'],
    [
      'src/shared/x.ts',
      "import { readFileSync } from 'node:fs';\nexport const r = readFileSync;\n",
      'Node built-ins',
    ],
    ['src/shared/x.ts', "import { join } from 'path';\nexport const j = join;\n", "'path'"],
    ['src/shared/x.ts', "import { io } from 'socket.io-client';\nexport const i = io;\n", 'pure'],
    ['src/shared/x.ts', 'export const w = window.location;\n', "no 'window'"],
    [
      'src/shared/feed/x.ts',
      "import { y } from '../../server/y';\nexport const z = y;\n",
      'src/server',
    ],
    ['src/emulator/x.ts', "import { y } from '../shared/y';\nexport const z = y;\n", 'src/shared'],
    [
      'src/server/x.ts',
      `import { BrowserWindow } from '${ELECTRON}';\nexport const b = BrowserWindow;\n`,
      'electron',
    ],
    ['src/server/x.ts', "import { y } from '../core/y';\nexport const z = y;\n", 'src/core'],
    [
      'src/core/feed/x.ts',
      "import { y } from '../../server/y';\nexport const z = y;\n",
      'src/server',
    ],
    [
      'src/core/feed/x.ts',
      "import { EventEmitter } from 'node:events';\nexport const e = EventEmitter;\n",
      'browser',
    ],
    ['src/cli/x.ts', `import { app } from '${ELECTRON}';\nexport const a = app;\n`, 'electron'],
    [
      'src/renderer/src/x.ts',
      "import { y } from '../../server/y';\nexport const z = y;\n",
      'src/server',
    ],
    [
      'src/renderer/src/x.ts',
      "import { y } from '../../core/embedded/y';\nexport const z = y;\n",
      'browser-safe',
    ],
    [
      'src/renderer/src/x.ts',
      `import { ipcRenderer } from '${ELECTRON}';\nexport const i = ipcRenderer;\n`,
      'electron',
    ],
    ['src/preload/x.ts', "import { y } from '../main/y';\nexport const z = y;\n", 'src/main'],
  ])('%s: forbids %j', async (filePath, code, expected) => {
    const errors = await zoneErrors(filePath, code);
    expect(errors.join('\n')).toContain(expected);
  });

  it.each([
    ['src/server/x.ts', "import { y } from '../shared/y';\nexport const z = y;\n"],
    ['src/core/embedded/x.ts', "import { y } from '../../server/y';\nexport const z = y;\n"],
    ['src/main/x.ts', `import { app } from '${ELECTRON}';\nexport const a = app;\n`],
    [
      'src/preload/x.ts',
      `import { contextBridge } from '${ELECTRON}';\nexport const c = contextBridge;\n`,
    ],
    ['src/renderer/src/x.ts', "import { y } from '../../shared/y';\nexport const z = y;\n"],
    ['src/shared/x.ts', "import { z } from 'zod';\nexport const s = z.string();\n"],
  ])('%s: allows its own dependencies', async (filePath, code) => {
    expect(await zoneErrors(filePath, code)).toEqual([]);
  });
});
