import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * Runs the real pipeline the way a newcomer does: `callboard serve --demo` (emulator +
 * traffic simulator + watcher + hub + gateway + the built renderer as the web dashboard).
 */
export interface DemoServer {
  /** The dashboard's address as the server printed it (with its token, if any). */
  url: string;
  port: number;
  /** The demo's MongoDB emulator, for a test's scripted writes next to the simulator's. */
  mongoUri: string;
  output(): string;
  stop(): Promise<void>;
}

const ROOT = resolve(__dirname, '..', '..', '..');
const BIN = resolve(ROOT, 'bin', 'callboard.js');
const URL_PATTERN = /(https?:\/\/(?:127\.0\.0\.1|localhost|\[::1\]|0\.0\.0\.0)(?::(\d+))\S*)/;

export async function startDemoServer(
  options: { port?: number; timeoutMs?: number } = {},
): Promise<DemoServer> {
  if (!existsSync(resolve(ROOT, 'out', 'cli', 'index.js'))) {
    throw new Error('out/cli/index.js is missing: run `npm run build` before the e2e suite');
  }
  const args = [BIN, 'serve', '--demo', '--host', '127.0.0.1', '--port', String(options.port ?? 0)];
  const child: ChildProcess = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));

  const url = await new Promise<string>((found, fail) => {
    const timer = setTimeout(
      () =>
        fail(
          new Error(
            `callboard serve --demo printed no URL within ${options.timeoutMs ?? 30_000} ms:\n${output}`,
          ),
        ),
      options.timeoutMs ?? 30_000,
    );
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      for (const line of output.split('\n')) {
        if (!/listening|dashboard|serving/i.test(line)) continue;
        const match = URL_PATTERN.exec(line);
        if (match) {
          clearTimeout(timer);
          found(match[1]!.replace('0.0.0.0', '127.0.0.1').replace(/[.,;)]+$/, ''));
          return;
        }
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      fail(new Error(`callboard serve --demo exited (${code}) before listening:\n${output}`));
    });
  });

  const port = Number(new URL(url).port);
  const mongo = /demo: emulator started \{"uri":"([^"]+)"\}/.exec(output);
  if (!mongo) throw new Error(`callboard serve --demo did not log its emulator's URI:\n${output}`);
  return {
    url,
    port,
    mongoUri: mongo[1]!,
    output: () => output,
    async stop() {
      if (child.exitCode != null || child.signalCode != null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
