/**
 * A foreground child process (nginx with `daemon off`, HAProxy with `-db`): collects its
 * output, resolves `ready` on a line it prints once it serves, and stops with a signal,
 * reporting how it exited.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { connect } from 'node:net';

export interface Daemon {
  child: ChildProcess;
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Signals it and waits for the exit; SIGKILL after `ms` (then it rejects, naming it). */
  stop(
    signal: NodeJS.Signals,
    ms?: number,
  ): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** The first of `paths` that exists (Debian puts nginx and haproxy in /usr/sbin). */
export function findBinary(paths: readonly string[]): string | undefined {
  return paths.find((p) => existsSync(p));
}

export async function startDaemon(
  name: string,
  binary: string,
  args: string[],
  /** A line it prints once it serves, or a check that resolves true once it does. */
  ready: RegExp | (() => Promise<boolean>),
  ms = 15_000,
): Promise<Daemon> {
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      done = true;
      reject(new Error(`${name} was not ready (${ready}) within ${ms} ms; output:\n${out}`));
    }, ms);
    let done = false;
    const finish = () => {
      done = true;
      clearTimeout(timer);
      resolve();
    };
    const onData = (d: Buffer) => {
      out += d.toString();
      if (ready instanceof RegExp && ready.test(out)) finish();
    };
    if (typeof ready === 'function') {
      void (async () => {
        while (!done && child.exitCode === null && child.signalCode === null) {
          if (await ready()) return finish();
          await new Promise((r) => setTimeout(r, 20));
        }
      })();
    }
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then(({ code, signal }) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      reject(new Error(`${name} exited (${code ?? signal}) before it was ready; output:\n${out}`));
    });
  });
  return {
    child,
    output: () => out,
    exited,
    async stop(signal, waitMs = 10_000) {
      if (child.exitCode !== null || child.signalCode !== null)
        return { code: child.exitCode, signal: child.signalCode };
      child.kill(signal);
      let timer: ReturnType<typeof setTimeout> | undefined;
      const late = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          child.kill('SIGKILL');
          reject(new Error(`${name} did not stop on ${signal} within ${waitMs} ms`));
        }, waitMs);
      });
      try {
        return await Promise.race([exited, late]);
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

/** True once something accepts TCP connections on 127.0.0.1:`port`. */
export function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
