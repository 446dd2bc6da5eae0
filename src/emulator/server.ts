/**
 * `startEmulator()`: an in-memory MongoDB that the official driver talks to unchanged,
 * presenting itself as the primary of a one-member replica set. For tests, the demo and
 * benchmarks; production uses a real replica set (see docs/emulator.md).
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Socket } from 'node:net';
import { ObjectId } from 'bson';
import { adminCommands } from './commands-admin';
import { crudCommands } from './commands-crud';
import { queryCommands } from './commands-query';
import { Connection } from './connection';
import { CursorRegistry, type CommandHandler, type EmulatorLogger } from './context';
import { FailPoints } from './fail-points';
import { ChangeHistory, LogicalClock } from './history';
import { RetryableWriteLog } from './retryable-writes';
import { SessionCache } from './sessions';
import { Store } from './store';

export interface EmulatorOptions {
  /** TCP port; 0 (the default) picks a free one. */
  port?: number;
  /** Interface to listen on; default 127.0.0.1. */
  host?: string;
  /** Replica set name reported by hello; default `rs0`. */
  replicaSet?: string;
  /** How many changes are kept for resuming change streams; default 10 000. */
  historySize?: number;
  /** Structured logger (src/shared/log.ts's Logger fits); default: silent. */
  logger?: EmulatorLogger;
}

export interface RunningEmulator {
  /** `mongodb://HOST:PORT/?replicaSet=NAME` */
  uri: string;
  host: string;
  port: number;
  replicaSet: string;
  /** Closes every connection and the listening socket. Safe to call twice. */
  stop(): Promise<void>;
}

const silent: EmulatorLogger = { debug() {}, info() {}, warn() {}, error() {} };
export const DEFAULT_HISTORY_SIZE = 10_000;

function advertisedHost(host: string): string {
  return host === '0.0.0.0' || host === '::' || host === '' ? '127.0.0.1' : host;
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const port = options.port ?? 0;
  const host = options.host ?? '127.0.0.1';
  const replicaSet = options.replicaSet ?? 'rs0';
  const historySize = options.historySize ?? DEFAULT_HISTORY_SIZE;
  const logger = options.logger ?? silent;
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new RangeError(`port must be an integer from 0 to 65535, got ${port}`);
  }
  if (!/^[A-Za-z0-9_.-]+$/.test(replicaSet)) {
    throw new RangeError(
      `replicaSet must be a plain name (letters, digits, _ . -), got "${replicaSet}"`,
    );
  }
  const history = new ChangeHistory(historySize, randomBytes(4).toString('hex'));
  const clock = new LogicalClock();
  const server = createServer();
  const connections = new Set<Connection>();
  const commands: Record<string, CommandHandler> = {
    ...adminCommands,
    ...crudCommands,
    ...queryCommands,
  };
  const info = {
    host: advertisedHost(host),
    port,
    replicaSet,
    processId: new ObjectId(),
    electionId: new ObjectId(),
    startedAt: new Date(),
  };
  const shared = {
    store: new Store(history, clock),
    history,
    clock,
    cursors: new CursorRegistry(),
    failPoints: new FailPoints(),
    retryableWrites: new RetryableWriteLog(),
    sessions: new SessionCache(),
    server: info,
    logger,
  };
  let nextConnectionId = 1;
  server.on('connection', (socket: Socket) => {
    const connection = new Connection(socket, nextConnectionId++, shared, commands, () =>
      connections.delete(connection),
    );
    connections.add(connection);
  });
  server.on('error', (error) => logger.error('emulator server error', { error: error.message }));

  await new Promise<void>((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  const address = server.address();
  info.port = typeof address === 'object' && address ? address.port : port;
  const uri = `mongodb://${info.host}:${info.port}/?replicaSet=${replicaSet}`;
  logger.info('MongoDB emulator listening', { uri, historySize });

  let stopping: Promise<void> | undefined;
  return {
    uri,
    host: info.host,
    port: info.port,
    replicaSet,
    stop() {
      stopping ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const connection of [...connections]) connection.close();
        shared.cursors.killAll();
        logger.info('MongoDB emulator stopped', { uri });
      });
      return stopping;
    },
  };
}
