import { describe, expect, it } from 'vitest';
import { main } from './index';
import type { CliIo } from './command';

function captureIo(): CliIo & { out: string; err: string } {
  const io = {
    out: '',
    err: '',
    env: {},
    stdout: (t: string) => {
      io.out += t;
    },
    stderr: (t: string) => {
      io.err += t;
    },
    onStopSignal: () => () => {},
  };
  return io;
}

describe('callboard command line', () => {
  it('prints usage listing every command for --help', async () => {
    const io = captureIo();
    expect(await main(['--help'], io)).toBe(0);
    for (const name of ['serve', 'tail', 'emulator'])
      expect(io.out).toMatch(new RegExp(`^  ${name} `, 'm'));
  });

  it('prints the package version for --version', async () => {
    const io = captureIo();
    expect(await main(['--version'], io)).toBe(0);
    expect(io.out.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('names an unknown command and exits 2 without running anything', async () => {
    const io = captureIo();
    expect(await main(['frobnicate'], io)).toBe(2);
    expect(io.err).toContain('unknown command "frobnicate"');
  });

  it('exits 2 with usage when no command is given', async () => {
    const io = captureIo();
    expect(await main([], io)).toBe(2);
    expect(io.out).toContain('Usage: callboard <command>');
  });
});
