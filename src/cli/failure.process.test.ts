import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// The CLI's entry point in a real process: what an admin sees when something nothing caught
// goes wrong. Needs the built CLI (`npm run build:cli`; `npm test` builds first).
const root = join(__dirname, '..', '..');
const built = existsSync(join(root, 'out', 'cli', 'index.js'));

describe.skipIf(!built)('the CLI process (needs out/cli: npm run build:cli)', () => {
  it('exits 70 with a message on an unhandled rejection', async () => {
    const script = [
      "const cli = require('./out/cli/index.js');",
      "cli.runFromBin(['--version']).then(() => Promise.reject(new Error('boom from a test')));",
    ].join('\n');
    const child = spawn(process.execPath, ['-e', script], { cwd: root, stdio: 'pipe' });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(70);
    expect(err).toMatch(
      /^callboard: internal error \(unhandled rejection\), exiting with code 70: Error: boom from a test/,
    );
  });
});
