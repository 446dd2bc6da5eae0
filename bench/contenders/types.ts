import type { ArrivalTracker } from '../lib/arrivals';
import type { TraceOptions } from '../lib/trace';
import type { PlayResult } from '../lib/writer';

/** What every contender's client gives the harness. */
export interface BenchClient {
  /** Resolves when the first snapshot of both streams is in the client's state. */
  readonly ready: Promise<void>;
  /** Active calls and campaigns the client's state holds: key -> benchSeq. */
  finalState(): Map<string, number>;
  /** WebSocket messages and payload bytes received since the last reset. */
  readonly traffic: { messages: number; bytes: number };
  close(): Promise<void>;
}

export interface ClientContext {
  url: string;
  tracker: ArrivalTracker;
  /** Clock for arrival times (absolute ms). */
  now: () => number;
  onProblem: (problem: string) => void;
}

export type ClientFactory = (context: ClientContext) => BenchClient;

/** A contender's server, running in its own process (bench/processes/server-process.ts). */
export interface BenchServer {
  url: string;
  /** Open client connections and change streams, for the soak's flatness check. */
  counts(): { connections: number; changeStreams: number };
  close(): Promise<void>;
  /** Hub-direct only: plays the trace inside the server process (no database). */
  play?(rate: number): Promise<PlayResult>;
}

export interface ServerConfig {
  mongoUri: string;
  dbName: string;
  /** The run's trace, for servers that generate it themselves (hub-direct). */
  trace?: TraceOptions;
}

export const ACTIVE_CALL_STATUSES = ['initiated', 'queued', 'ringing', 'in-progress'];

/** Counts raw WebSocket frames and payload bytes on a `ws` client socket. */
export function countTraffic(
  ws: { on(event: 'message', listener: (data: unknown) => void): unknown },
  traffic: { messages: number; bytes: number },
): void {
  ws.on('message', (data) => {
    traffic.messages++;
    traffic.bytes += byteLength(data);
  });
}

function byteLength(data: unknown): number {
  if (typeof data === 'string') return Buffer.byteLength(data);
  if (Buffer.isBuffer(data)) return data.length;
  if (Array.isArray(data)) return data.reduce((n: number, b: Buffer) => n + b.length, 0);
  if (data instanceof ArrayBuffer) return data.byteLength;
  return 0;
}

/** Rejects after `ms` with a message naming what was awaited. */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Resolves once the change stream's cursor exists on the server (its first aggregate was
 * answered): writes after this are seen. The driver opens the cursor lazily, on the first
 * 'change' listener, and does not forward the cursor's 'init' event, so listen on the cursor.
 */
export function changeStreamOpened(stream: object, ms = 10_000): Promise<void> {
  const cursor = (stream as { cursor?: { once(event: 'init', listener: () => void): void } })
    .cursor;
  if (!cursor)
    return Promise.reject(new Error('change stream has no cursor yet: attach a listener first'));
  return withTimeout(
    new Promise<void>((resolve) => cursor.once('init', () => resolve())),
    ms,
    'the change stream to open',
  );
}
