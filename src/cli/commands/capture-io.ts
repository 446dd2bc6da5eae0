// Test helper for the serve and tail command tests: a CliIo that records output and lets the
// test send the stop signal.
import type { CliIo } from '../command';

export interface CapturedIo {
  io: CliIo;
  out(): string;
  err(): string;
  /** Resolves when stdout has printed something matching `pattern` (or rejects after ms). */
  waitForOut(pattern: RegExp, ms?: number): Promise<RegExpMatchArray>;
  /** The same for stderr. */
  waitForErr(pattern: RegExp, ms?: number): Promise<RegExpMatchArray>;
  stop(): void;
}

export function captureIo(env: NodeJS.ProcessEnv = {}): CapturedIo {
  let out = '';
  let err = '';
  const stops = new Set<() => void>();
  const waiters = new Set<() => void>();
  const changed = () => waiters.forEach((w) => w());
  const waitFor = (
    text: () => string,
    name: string,
    pattern: RegExp,
    ms = 10_000,
  ): Promise<RegExpMatchArray> =>
    new Promise((resolve, reject) => {
      const check = () => {
        const match = text().match(pattern);
        if (!match) return;
        clearTimeout(timer);
        waiters.delete(check);
        resolve(match);
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(
          new Error(
            `timed out waiting for ${pattern} in ${name}; stdout:\n${out}\nstderr:\n${err}`,
          ),
        );
      }, ms);
      waiters.add(check);
      check();
    });
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
    waitForOut: (pattern, ms) => waitFor(() => out, 'stdout', pattern, ms),
    waitForErr: (pattern, ms) => waitFor(() => err, 'stderr', pattern, ms),
    stop: () => [...stops].forEach((s) => s()),
  };
}
