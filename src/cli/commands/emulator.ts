import { startEmulator, DEFAULT_HISTORY_SIZE } from '../../emulator';
import { createLogger, formatLogLine } from '../../shared/log';
import { CliError, UsageError, parseFlags, parsePort, type CliCommand } from '../command';

const USAGE = `Usage: callboard emulator [--port 27017] [--host 127.0.0.1] [--replica-set rs0] [--history N]

Runs the in-memory MongoDB emulator (a one-member replica set with change streams) for
development, tests and demos; production uses a real replica set. Prints the connection
string on stdout, logs to stderr, and stops on Ctrl-C. Data lives in memory only.

Options:
  --port N          TCP port (default 27017; 0 picks a free one)
  --host H          interface to listen on (default 127.0.0.1)
  --replica-set S   replica set name reported to drivers (default rs0)
  --history N       changes kept for resuming change streams (default ${DEFAULT_HISTORY_SIZE})`;

function parseHistory(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < 1) {
    throw new UsageError(`--history must be a whole number of changes, at least 1, got "${value}"`);
  }
  return n;
}

export const emulatorCommand: CliCommand = {
  name: 'emulator',
  summary: 'run the in-memory MongoDB emulator (development, tests, demo)',
  usage: USAGE,
  async run(argv, io) {
    const { values } = parseFlags(argv, {
      port: { type: 'string' },
      host: { type: 'string' },
      'replica-set': { type: 'string' },
      history: { type: 'string' },
    });
    const port = parsePort(values.port ?? '27017', '--port');
    const host = values.host ?? '127.0.0.1';
    const replicaSet = values['replica-set'] ?? 'rs0';
    if (!/^[A-Za-z0-9_.-]+$/.test(replicaSet)) {
      throw new UsageError(
        `--replica-set must be letters, digits, "_", "." or "-", got "${replicaSet}"`,
      );
    }
    const historySize = values.history === undefined ? undefined : parseHistory(values.history);
    const logger = createLogger({
      sink: (record) => io.stderr(`${formatLogLine(record)}\n`),
      scope: 'emulator',
    });
    let emulator;
    try {
      emulator = await startEmulator({ port, host, replicaSet, historySize, logger });
    } catch (error) {
      throw new CliError(
        `cannot start the emulator on ${host}:${port}: ${(error as Error).message}`,
      );
    }
    io.stdout(`${emulator.uri}\n`);
    await new Promise<void>((resolve) => {
      const off = io.onStopSignal(() => {
        off();
        resolve();
      });
    });
    await emulator.stop();
    return 0;
  },
};
