/**
 * Retryable writes as a server keeps them: the reply of a write sent with `lsid` and
 * `txnNumber` is remembered, and the same write sent again (the driver's retry after a
 * network or retryable error) gets that reply without being applied a second time. Bounded:
 * the oldest entries are forgotten first, like sessions expiring on a server.
 */
import type { Document } from 'bson';
import { keyOf } from './values';

const WRITE_COMMANDS = new Set(['insert', 'update', 'delete', 'findAndModify']);
export const RETRYABLE_WRITE_LOG_SIZE = 10_000;

/** The key of a retryable write, or undefined for any other command. */
export function retryableWriteKey(name: string, command: Document): string | undefined {
  if (!WRITE_COMMANDS.has(name) || command.txnNumber === undefined) return undefined;
  if (command.lsid === undefined) return undefined;
  return `${keyOf(command.lsid)}\u0000${String(command.txnNumber)}\u0000${name}`;
}

export class RetryableWriteLog {
  private readonly replies = new Map<string, Document>();

  constructor(private readonly limit = RETRYABLE_WRITE_LOG_SIZE) {}

  get(key: string): Document | undefined {
    return this.replies.get(key);
  }

  /** Remembers a write's reply (only replies with ok: 1: a failed command applied nothing). */
  set(key: string, reply: Document): void {
    if (reply.ok !== 1) return;
    this.replies.delete(key);
    this.replies.set(key, reply);
    if (this.replies.size > this.limit) {
      this.replies.delete(this.replies.keys().next().value!);
    }
  }
}
