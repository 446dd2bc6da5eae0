import { createWriteStream, type WriteStream } from 'node:fs';
import type { Scope } from '../shared/privacy/scopes';

/**
 * Who saw what (docs/operations.md, "Audit log"): one JSON line per transcript opened, per
 * export, per refused request and per connection ended by a revoked token. A record names
 * the token by its name and the call by its key; it never holds the token, nor any text of
 * a call or a transcript (the fields below are all there is).
 */
export type AuditRecord =
  | { what: 'transcript_opened'; token: string; callSid: string; address?: string }
  | { what: 'export'; token: string; view: string; rows: number; address?: string }
  | {
      what: 'refused';
      /** null: the token matched none (or none was sent). */
      token: string | null;
      /** The request refused: `connect` for a handshake, else the event. */
      event: string;
      reason: 'unauthorized' | 'scope';
      scope?: Scope;
      callSid?: string;
      address?: string;
    }
  | { what: 'revoked'; token: string; address?: string };

export interface AuditLog {
  record(record: AuditRecord): void;
  close(): Promise<void>;
}

/** The records go nowhere (no --audit-log). */
export const NO_AUDIT: AuditLog = { record: () => {}, close: async () => {} };

/**
 * To `-` (stdout, or `options.stdout`) or a file, appended to (created readable by this user
 * only). Lines are written in order; a write error is reported once to `onError` and the
 * log goes on trying.
 */
export function openAuditLog(
  target: string,
  options: {
    now?: () => number;
    onError?: (error: Error) => void;
    stdout?: (line: string) => void;
  } = {},
): AuditLog {
  const now = options.now ?? Date.now;
  const file: WriteStream | null =
    target === '-' ? null : createWriteStream(target, { flags: 'a', mode: 0o600 });
  let failed = false;
  file?.on('error', (error: Error) => {
    if (!failed) options.onError?.(error);
    failed = true;
  });
  const stdout = options.stdout ?? ((line: string) => void process.stdout.write(line));
  const write = file ? (line: string) => void file.write(line) : stdout;
  return {
    record(record) {
      write(`${JSON.stringify({ time: new Date(now()).toISOString(), ...record })}\n`);
    },
    close: () => new Promise<void>((resolve) => (file ? file.end(() => resolve()) : resolve())),
  };
}
