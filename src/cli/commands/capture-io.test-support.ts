// Test helper for the serve and tail command tests: a CliIo that records output and lets the
// test send the stop signal.
import { until } from '../../shared/until.test-support';
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
  /** Sends the reload signal (SIGHUP) to whatever listens for it. */
  reload(): void;
}

export function captureIo(env: NodeJS.ProcessEnv = {}): CapturedIo {
  let out = '';
  let err = '';
  const stops = new Set<() => void>();
  const reloads = new Set<() => void>();
  const waitFor = (text: () => string, name: string, pattern: RegExp, ms = 10_000) =>
    until(() => text().match(pattern), `${pattern} in ${name}`, ms).catch((error: unknown) => {
      throw new Error(`${(error as Error).message}; stdout:\n${out}\nstderr:\n${err}`);
    });
  return {
    io: {
      stdout: (text) => {
        out += text;
      },
      stderr: (text) => {
        err += text;
      },
      env,
      onStopSignal: (listener) => {
        stops.add(listener);
        return () => stops.delete(listener);
      },
      onReloadSignal: (listener) => {
        reloads.add(listener);
        return () => reloads.delete(listener);
      },
    },
    out: () => out,
    err: () => err,
    waitForOut: (pattern, ms) => waitFor(() => out, 'stdout', pattern, ms),
    waitForErr: (pattern, ms) => waitFor(() => err, 'stderr', pattern, ms),
    stop: () => [...stops].forEach((s) => s()),
    reload: () => [...reloads].forEach((r) => r()),
  };
}
