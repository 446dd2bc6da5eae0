/**
 * Retryable writes as a server keeps them: each statement of a write sent with `lsid` and
 * `txnNumber` is applied once. Its result is remembered by statement index (the implicit
 * `stmtId` a server gives it), and the same write sent again (the driver's retry after a
 * network or retryable error) gets the remembered results of the statements already applied
 * and runs only the others. Bounded (writes and statements): the oldest writes are forgotten
 * first, like sessions expiring on a server.
 *
 * This is also where the `onPrimaryTransactionalWrite` fail point acts: just before a
 * statement's write is applied (`beforeWrite`, called by the store).
 */
import type { Document } from 'bson';
import { CloseConnection } from './errors';
import type { FailPoints } from './fail-points';
import { keyOf } from './values';

const WRITE_COMMANDS = new Set(['insert', 'update', 'delete', 'findAndModify', 'findandmodify']);
export const RETRYABLE_WRITE_LOG_SIZE = 10_000;
/** Also bounded by statements, so a few huge batches cannot hold memory without limit. */
export const RETRYABLE_STATEMENT_LOG_SIZE = 1_000_000;

/** The key of a retryable write, or undefined for any other command. */
function retryableWriteKey(name: string, command: Document): string | undefined {
  if (!WRITE_COMMANDS.has(name) || command.txnNumber === undefined) return undefined;
  if (command.lsid === undefined) return undefined;
  return `${keyOf(command.lsid)}\u0000${String(command.txnNumber)}\u0000${name.toLowerCase()}`;
}

/** Runs the statements of one write command: once each when it is a retryable write. */
export interface StatementRunner {
  /**
   * The result of statement `index`: remembered if it was applied before, otherwise what
   * `run` returns. `run` passes `beforeWrite` to the store, which calls it just before it
   * changes anything. Throws CloseConnection when a fail point closes the connection.
   */
  statement<T extends Document>(index: number, run: (beforeWrite?: () => void) => T): T;
}

const plainWrite: StatementRunner = { statement: (_index, run) => run() };

class RetryableWrite implements StatementRunner {
  private closing = false;

  constructor(
    private readonly applied: Map<number, Document>,
    private readonly name: string,
    private readonly failPoints: FailPoints,
    private readonly appName: string | undefined,
    private readonly onRecord: () => void,
  ) {}

  private readonly beforeWrite = (): void => {
    const action = this.failPoints.transactionalWrite(this.name, this.appName);
    if (!action) return;
    if (action.closeConnection) this.closing = true;
    if (action.error) {
      if (this.closing) throw new CloseConnection('onPrimaryTransactionalWrite fail point');
      throw action.error;
    }
  };

  statement<T extends Document>(index: number, run: (beforeWrite?: () => void) => T): T {
    const done = this.applied.get(index);
    // Copies: the connection adds fields (writeConcernError, labels) to the reply it sends.
    if (done) return { ...done } as T;
    const result = run(this.beforeWrite);
    this.applied.set(index, { ...result });
    this.onRecord();
    if (this.closing) throw new CloseConnection('onPrimaryTransactionalWrite fail point');
    return result;
  }
}

export class RetryableWriteLog {
  /** Write key -> statement index -> that statement's result. */
  private readonly writes = new Map<string, Map<number, Document>>();
  private statements = 0;

  constructor(
    private readonly limit = RETRYABLE_WRITE_LOG_SIZE,
    private readonly statementLimit = RETRYABLE_STATEMENT_LOG_SIZE,
  ) {}

  /** How many writes and statements are remembered (tests check the bounds). */
  get size(): { writes: number; statements: number } {
    return { writes: this.writes.size, statements: this.statements };
  }

  /** Forgets the oldest write (never `keep`, the one being recorded). */
  private evictOldest(keep: Map<number, Document>): boolean {
    const [key, oldest] = this.writes.entries().next().value ?? [];
    if (key === undefined || oldest === undefined || oldest === keep) return false;
    this.writes.delete(key);
    this.statements -= oldest.size;
    return true;
  }

  /** The runner for the statements of `command` (a plain one for non-retryable commands). */
  runner(
    name: string,
    command: Document,
    failPoints: FailPoints,
    appName: string | undefined,
  ): StatementRunner {
    const key = retryableWriteKey(name, command);
    if (key === undefined) return plainWrite;
    let applied = this.writes.get(key);
    if (!applied) {
      this.writes.set(key, (applied = new Map()));
      if (this.writes.size > this.limit) this.evictOldest(applied);
    }
    const mine = applied;
    return new RetryableWrite(mine, name, failPoints, appName, () => {
      this.statements += 1;
      while (this.statements > this.statementLimit && this.evictOldest(mine));
    });
  }
}
