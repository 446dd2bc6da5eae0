/**
 * Hostile command lines through the real CLI entry point `main(argv, io)`: unknown commands
 * and flags, missing and malformed values, huge and odd strings. The injected io asks every
 * command that gets as far as running to stop at once (Ctrl-C), so a valid line starts and
 * stops cleanly. Each run: main resolves to an exit code (never throws), a failure says what
 * was wrong on stderr, and nothing is left running. Count goes to results/fuzz-cli.json.
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/index';
import type { CliIo } from '../../src/cli/command';
import { writeFuzzCounts, type FuzzCount } from './support/fuzz-counts';
import { prototypePolluted } from './support/hostile';

const RUNS = Number(process.env.CALLBOARD_FUZZ_RUNS ?? 300);
const counts: FuzzCount[] = [];
afterAll(() => writeFuzzCounts('fuzz-cli', counts));

const FLAGS = [
  '--mongo',
  '--db',
  '--host',
  '--port',
  '--token',
  '--origin',
  '--state-dir',
  '--static-dir',
  '--demo',
  '--demo-rate',
  '--insecure-no-auth',
  '--log-level',
  '--url',
  '--json',
  '--campaigns',
  '--verbose',
  '--replica-set',
  '--history',
  '--help',
  '-h',
  '--version',
  '--__proto__',
  '--constructor',
  '--',
  '-',
  '---x',
];
const value = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.constantFrom(
    '',
    ' ',
    '-1',
    '0',
    '65536',
    '99999999999999999999',
    'NaN',
    '1e3',
    '0x50',
    'http://',
    'javascript:alert(1)',
    'mongodb://',
    'mongodb://127.0.0.1:1/?serverSelectionTimeoutMS=50',
    'mongodb://u:p@127.0.0.1:1',
    'not a uri',
    '*',
    'https://dash.example.com',
    '/nonexistent/dir',
    '__proto__',
    'debug',
    'trace',
    '0.0.0.0',
    '::',
    '256.1.1.1',
    'x'.repeat(10_000),
    '\u0000',
    '\u202e',
  ),
);
const argv = fc
  .tuple(
    fc.oneof(
      fc.constantFrom(
        'serve',
        'tail',
        'emulator',
        'help',
        '--help',
        '-v',
        'SERVE',
        '__proto__',
        '',
      ),
      fc.string({ maxLength: 10 }),
    ),
    fc.array(
      fc.oneof(
        fc.tuple(fc.constantFrom(...FLAGS), value).map(([f, v]) => [f, v]),
        fc.constantFrom(...FLAGS).map((f) => [f]),
        value.map((v) => [v]),
        fc.tuple(fc.constantFrom(...FLAGS), value).map(([f, v]) => [`${f}=${v}`]),
      ),
      { maxLength: 5 },
    ),
  )
  .map(([command, rest]) => [command, ...rest.flat()]);

function stoppingIo(): { io: CliIo; out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    io: {
      stdout: (t) => void (out += t),
      stderr: (t) => void (err += t),
      // Nothing from the test process's environment (no CALLBOARD_* leaking in).
      env: { CALLBOARD_MONGO_TIMEOUT_MS: '200', CALLBOARD_PORT: '0' },
      onStopSignal: (listener) => {
        const timer = setTimeout(listener, 0);
        return () => clearTimeout(timer);
      },
    },
    out: () => out,
    err: () => err,
  };
}

describe('hostile command lines through main(argv, io)', () => {
  it('each gets an exit code and, on failure, a message; nothing throws or keeps running', async () => {
    const handlesBefore = (
      process as unknown as { _getActiveHandles(): unknown[] }
    )._getActiveHandles().length;
    let tried = 0;
    const codes: Record<number, number> = {};
    await fc.assert(
      fc.asyncProperty(argv, async (args) => {
        tried += 1;
        const { io, err } = stoppingIo();
        const code = await main(args, io);
        codes[code] = (codes[code] ?? 0) + 1;
        expect([0, 1, 2]).toContain(code);
        if (code !== 0)
          expect(err().trim().length, `argv ${JSON.stringify(args)}`).toBeGreaterThan(0);
        expect(prototypePolluted()).toBe(false);
      }),
      { numRuns: RUNS },
    );
    // Everything a run started (servers, emulators, sockets) was closed again.
    const deadline = Date.now() + 5000;
    const handles = () =>
      (process as unknown as { _getActiveHandles(): unknown[] })._getActiveHandles().length;
    while (handles() > handlesBefore && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    expect(handles()).toBeLessThanOrEqual(handlesBefore);
    counts.push({
      surface: 'command-line flags (main(argv, io))',
      inputs: tried,
      outcome: `exit codes ${Object.entries(codes)
        .map(([c, n]) => `${c}: ${n}`)
        .join(', ')}; failures named on stderr; no handle left open`,
    });
  });
});
