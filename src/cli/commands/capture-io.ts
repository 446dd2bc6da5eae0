// Test helper for the serve and tail command tests: a CliIo that records output and lets the
// test send the stop signal.
import type { CliIo } from '../command';

export interface CapturedIo {
  io: CliIo;
  out(): string;
  err(): string;
  /** Resolves when stdout has printed something matching `pattern` (or rejects after ms). */
  waitForOut(pattern: RegExp, ms?: number): Promise<RegExpMatchArray>;
  stop(): void;
}

export function captureIo(env: NodeJS.ProcessEnv = {}): CapturedIo {
  let out = '';
  let err = '';
  const stops = new Set<() => void>();
  const waiters = new Set<() => void>();
  const changed = () => waiters.forEach((w) => w());
  return {
    io: {
      stdout: (text) => {
        out += text;
        changed();
      },
      stderr: (text) => {
        err += text;
        changed();
      },
      env,
      onStopSignal: (listener) => {
        stops.add(listener);
        return () => stops.delete(listener);
      },
    },
    out: () => out,
    err: () => err,
    waitForOut(pattern, ms = 10_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const match = out.match(pattern);
          if (!match) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(match);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`timed out waiting for ${pattern} in stdout:\n${out}\nstderr:\n${err}`));
        }, ms);
        waiters.add(check);
        check();
      });
    },
    stop: () => [...stops].forEach((s) => s()),
  };
}
