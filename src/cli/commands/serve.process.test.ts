import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { until } from '../../shared/until.test-support';

// A real process is the point here: Ctrl-C (SIGINT) must close streams and sockets so the
// process exits by itself. Needs the built CLI (`npm run build:cli`; `npm test` builds first).
const root = join(__dirname, '..', '..', '..');
const built = existsSync(join(root, 'out', 'cli', 'index.js'));

describe.skipIf(!built)('callboard serve as a process (needs out/cli: npm run build:cli)', () => {
  it('exits 0 on SIGINT after closing everything', async () => {
    const child = spawn(
      process.execPath,
      ['bin/callboard.js', 'serve', '--demo', '--port', '0', '--log-level', 'warn'],
      { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise<number | null>((resolve) =>
      child.on('exit', (code, signal) => {
        if (code === null) err += `signal ${signal}`;
        resolve(code);
      }),
    );
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no "listening" line; stderr:\n${err}`)),
          15_000,
        );
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          if (/listening on http/.test(out)) {
            clearTimeout(timer);
            resolve();
          }
        });
      });
      child.kill('SIGINT');
      const code = await exited;
      expect(code, `${err}\n${out}`).toBe(0);
      expect(out).toContain('callboard serve: stopped');
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });

  it('survives SIGHUP (systemctl reload) without --tokens, saying there is nothing to reload', async () => {
    const child = spawn(
      process.execPath,
      ['bin/callboard.js', 'serve', '--demo', '--port', '0', '--demo-rate', '0'],
      { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise<string>((resolve) =>
      child.on('exit', (code, signal) => resolve(`${code ?? signal}`)),
    );
    try {
      await until(() => /listening on http/.test(out), 'the "listening" line', 15_000);
      child.kill('SIGHUP');
      await until(() => /nothing to reload without --tokens/.test(err), 'the reload line', 10_000);
      expect(child.exitCode).toBeNull();
      child.kill('SIGINT');
      expect(await exited, err).toBe('0');
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
