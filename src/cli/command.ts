import { parseArgs, type ParseArgsConfig } from 'node:util';

/** What a command may touch besides its arguments: injected so tests can capture it. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
  /** Resolves when the user asks to stop (Ctrl-C / SIGTERM). */
  onStopSignal: (listener: () => void) => () => void;
  /** Called on a reload request (SIGHUP), where the platform has one. */
  onReloadSignal?: (listener: () => void) => () => void;
}

export interface CliCommand {
  name: string;
  summary: string;
  usage: string;
  /** Resolves to the process exit code. */
  run(argv: string[], io: CliIo): Promise<number>;
}

/** A command-line mistake: printed as `callboard <cmd>: <message>` with a usage hint, exit 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** A runtime failure with a message an admin can act on, exit 1. */
export class CliError extends Error {
  override name = 'CliError';
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

/** node:util parseArgs, with its errors turned into UsageErrors that name the flag. */
export function parseFlags<T extends NonNullable<ParseArgsConfig['options']>>(
  argv: string[],
  options: T,
) {
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals: false });
  } catch (error) {
    throw new UsageError((error as Error).message.replace(/\. To specify.*$/s, ''));
  }
}

/** A flag, else its environment variable, else the default. */
export function flagOrEnv(
  flag: string | undefined,
  env: NodeJS.ProcessEnv,
  name: string,
  fallback?: string,
): string | undefined {
  if (flag !== undefined) return flag;
  const fromEnv = env[name];
  return fromEnv !== undefined && fromEnv !== '' ? fromEnv : fallback;
}

export function parsePort(value: string, what: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || !Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new UsageError(`${what} must be a port number from 0 to 65535, got "${value}"`);
  }
  return port;
}
