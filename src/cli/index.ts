import { CliError, UsageError, type CliCommand, type CliIo } from './command';
import { installFailurePolicy } from '../core/process/failure-policy';
import { VERSION } from './version';
import { emulatorCommand } from './commands/emulator';
import { serveCommand } from './commands/serve';
import { tailCommand } from './commands/tail';
import { tokenCommand } from './commands/token';

const COMMANDS: CliCommand[] = [serveCommand, tailCommand, tokenCommand, emulatorCommand];

export function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    `callboard ${VERSION}: live monitor of a call centre's calls and campaigns`,
    '',
    'Usage: callboard <command> [options]',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Options:',
    "  -h, --help     show this help, or a command's help: callboard <command> --help",
    '  -v, --version  print the version',
    '',
  ].join('\n');
}

export function processIo(): CliIo {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    env: process.env,
    onStopSignal: (listener) => {
      process.on('SIGINT', listener);
      process.on('SIGTERM', listener);
      return () => {
        process.off('SIGINT', listener);
        process.off('SIGTERM', listener);
      };
    },
    onReloadSignal: (listener) => {
      if (process.platform === 'win32') return () => {};
      process.on('SIGHUP', listener);
      return () => void process.off('SIGHUP', listener);
    },
  };
}

/**
 * What bin/callboard.js runs: an error nothing caught ends the process with a message and
 * exit code 70 (src/core/process/failure-policy.ts), then the command itself.
 */
export function runFromBin(argv: string[]): Promise<number> {
  installFailurePolicy(process, {
    mode: 'exit',
    name: 'callboard',
    stderr: (text) => process.stderr.write(text),
    exit: (code) => process.exit(code),
  });
  return main(argv);
}

/** Entry point (tests call it with their own io); returns the exit code. */
export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined || first === '-h' || first === '--help' || first === 'help') {
    io.stdout(usage());
    return first === undefined ? 2 : 0;
  }
  if (first === '-v' || first === '--version') {
    io.stdout(`${VERSION}\n`);
    return 0;
  }
  const command = COMMANDS.find((c) => c.name === first);
  if (!command) {
    io.stderr(`callboard: unknown command "${first}"\n\n${usage()}`);
    return 2;
  }
  if (rest.includes('-h') || rest.includes('--help')) {
    io.stdout(`${command.usage}\n`);
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`callboard ${command.name}: ${error.message}\n\n${command.usage}\n`);
      return 2;
    }
    if (error instanceof CliError) {
      io.stderr(`callboard ${command.name}: ${error.message}\n`);
      return error.exitCode;
    }
    io.stderr(`callboard ${command.name}: unexpected error: ${(error as Error).stack ?? error}\n`);
    return 1;
  }
}
