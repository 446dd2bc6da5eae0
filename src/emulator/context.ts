/** What every command handler gets: the shared server state and the calling connection. */
import { Long, type Document, type ObjectId } from 'bson';
import type { ChangeStreamCursor } from './change-stream';
import { CommandError } from './errors';
import type { FailPoints } from './fail-points';
import type { ChangeHistory, LogicalClock } from './history';
import type { RetryableWriteLog } from './retryable-writes';
import type { SessionCache } from './sessions';
import type { Store } from './store';

/** The subset of src/shared/log.ts's Logger the emulator uses (structurally compatible). */
export interface EmulatorLogger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

export interface ConnectionInfo {
  id: number;
  /** `client.application.name` from the handshake, if any. */
  appName?: string;
  /** Aborted when the connection closes or the server stops. */
  signal: AbortSignal;
}

export type Cursor =
  | { kind: 'docs'; id: bigint; ns: string; docs: Document[]; offset: number }
  | { kind: 'stream'; id: bigint; ns: string; stream: ChangeStreamCursor; awaitAbort?: () => void };

/** Like mongod's cursorTimeoutMillis: cursors nobody used for this long are dropped. */
export const CURSOR_IDLE_MS = 10 * 60 * 1000;

export class CursorRegistry {
  private readonly cursors = new Map<bigint, Cursor>();
  private readonly lastUsed = new Map<bigint, number>();
  private nextId = 1n;

  constructor(private readonly idleMs = CURSOR_IDLE_MS) {}

  /** A new cursor id; also drops idle cursors (clients that vanished without killCursors). */
  allocateId(): bigint {
    const cutoff = Date.now() - this.idleMs;
    for (const [id, used] of this.lastUsed) {
      const cursor = this.cursors.get(id);
      if (used < cutoff && !(cursor?.kind === 'stream' && cursor.awaitAbort)) this.kill(id);
    }
    return this.nextId++;
  }

  add(cursor: Cursor): void {
    this.cursors.set(cursor.id, cursor);
    this.lastUsed.set(cursor.id, Date.now());
  }

  get(id: bigint, ns: string): Cursor {
    const cursor = this.cursors.get(id);
    if (!cursor) throw new CommandError(43, `cursor id ${id} not found`);
    if (cursor.ns !== ns) {
      throw new CommandError(
        13,
        `Requested getMore on namespace '${ns}', but cursor belongs to a different namespace ${cursor.ns}`,
      );
    }
    this.lastUsed.set(id, Date.now());
    return cursor;
  }

  has(id: bigint): boolean {
    return this.cursors.has(id);
  }

  kill(id: bigint): boolean {
    const cursor = this.cursors.get(id);
    if (!cursor) return false;
    this.cursors.delete(id);
    this.lastUsed.delete(id);
    if (cursor.kind === 'stream') cursor.awaitAbort?.();
    return true;
  }

  killAll(): void {
    for (const id of [...this.cursors.keys()]) this.kill(id);
  }

  get size(): number {
    return this.cursors.size;
  }
}

export interface ServerInfo {
  host: string;
  port: number;
  replicaSet: string;
  processId: ObjectId;
  electionId: ObjectId;
  startedAt: Date;
}

export interface CommandContext {
  store: Store;
  history: ChangeHistory;
  clock: LogicalClock;
  cursors: CursorRegistry;
  failPoints: FailPoints;
  retryableWrites: RetryableWriteLog;
  sessions: SessionCache;
  server: ServerInfo;
  connection: ConnectionInfo;
  logger: EmulatorLogger;
}

export type CommandHandler = (
  command: Document,
  db: string,
  ctx: CommandContext,
) => Document | Promise<Document>;

export function toLong(id: bigint): Long {
  return Long.fromBigInt(id);
}

/** A cursor id from a getMore/killCursors argument. */
export function cursorIdOf(value: unknown, field: string): bigint {
  if (typeof value === 'number' && Number.isInteger(value)) return BigInt(value);
  if ((value as { _bsontype?: string })?._bsontype === 'Long') return (value as Long).toBigInt();
  throw new CommandError(14, `BSON field '${field}' is the wrong type, expected type 'long'`);
}
