import type { FeedMessage } from '../../shared/feed/types';
import type { ConnectionStatus, FeedMode } from '../../shared/monitor';
import type { Scope } from '../../shared/privacy/scopes';
import type { StreamName } from '../../shared/protocol/events';
import type { RecentPort } from './recent-port';
import type { TranscriptPort } from './transcript-port';
import type { ExportRecord } from '../../shared/ipc';

/**
 * A source of feed messages: remote (socket.io-client to a Callboard or seed-protocol server,
 * ./remote-feed) or embedded (the watcher and hub in-process, ../embedded). The monitor core
 * applies the messages with the shared reducer; it never knows which source it has.
 */
export interface FeedStatus {
  status: ConnectionStatus;
  mode: FeedMode;
  /** For display: a URL or host:port/db, never with a password. */
  target: string;
  attempt?: number;
  nextRetryAt?: number;
  error?: string;
  /** 2 for a v2 server, 1 for a seed-protocol server. */
  protocol?: 1 | 2;
  /** The source says its data is simulated (a server run with `--demo`). */
  simulated?: boolean;
  /** The plan's concurrent-call limit the source advertises (a v2 server's ack). */
  planLimit?: number;
  /** What the source's token may see (a v2 server's ack); absent = every scope. */
  scopes?: readonly Scope[];
}

export type Unsubscribe = () => void;

export interface Feed {
  /** Begins connecting; idempotent. Status and messages arrive through the listeners. */
  start(): void;
  /** Closes sockets, streams and timers; resolves when all are closed. The feed is done after. */
  stop(): Promise<void>;
  /** Asks for a fresh snapshot of a stream (the reducer found a gap or a stale epoch). */
  resync(stream: StreamName, reason: string): void;
  /** Skips the backoff wait and tries to connect now. */
  retryNow(): void;
  onMessage(listener: (message: FeedMessage) => void): Unsubscribe;
  onStatus(listener: (status: FeedStatus) => void): Unsubscribe;
  /** Bad input from the source (an invalid document, a malformed event): reported, not applied. */
  onProblem(listener: (problem: string) => void): Unsubscribe;
  /** Live transcripts of single calls, when the source has them (./transcript-port.ts). */
  readonly transcripts?: TranscriptPort;
  /** The v2 `recent` window of ended calls, when the source can have it (./recent-port.ts). */
  readonly recent?: RecentPort;
  /**
   * Tells a remote server that the user exported a table (its audit log); sources that keep
   * no audit leave it out. Said while connected; an export made offline is not recorded.
   */
  recordExport?(record: ExportRecord): void;
}
