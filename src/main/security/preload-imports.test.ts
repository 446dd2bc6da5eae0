import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// A sandboxed preload can require nothing but `electron` (and a few Node polyfills): any
// runtime import must be bundled, and must not pull in npm packages such as zod. Type-only
// imports are erased and fine.
const ALLOWED = new Set(['electron', './api', '../shared/ipc-channels']);

function runtimeImports(file: string): string[] {
  const text = readFileSync(join(__dirname, '../../preload', file), 'utf8');
  return [...text.matchAll(/^import\s+(?!type\b)[^;]*?from\s+'([^']+)'/gms)].map((m) => m[1]!);
}

describe('preload imports', () => {
  it.each(['index.ts', 'api.ts'])(
    '%s imports only electron and zod-free modules at run time',
    (file) => {
      for (const spec of runtimeImports(file))
        expect(ALLOWED, `${file} imports ${spec}`).toContain(spec);
    },
  );

  it('ipc-channels stays free of imports', () => {
    const text = readFileSync(join(__dirname, '../../shared/ipc-channels.ts'), 'utf8');
    expect(text).not.toMatch(/^\s*import\s/m);
  });
});
