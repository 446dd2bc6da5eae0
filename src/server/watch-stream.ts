import type {
  ChangeStream,
  ChangeStreamDocument,
  ClientSession,
  Collection,
  Document,
  MongoClient,
} from 'mongodb';
import type { Logger } from '../shared/log';
import type { StreamName } from '../shared/protocol/events';
import { backoffDelay, type BackoffOptions } from '../shared/backoff';
import type { Hub } from './hub';
import type { HubChange } from './hub-types';
import { toJsonDocument } from './json-safe';
import { checkSnapshotIndex } from './snapshot-index';
import type { WatcherState } from './metrics';
import type { ResumeToken, ResumeTokenStore } from './resume-token-store';
import type { StreamRules } from './stream-rules';

/** Server-side filter: only the operations that change what clients see. */
const PIPELINE: Document[] = [
  { $match: { operationType: { $in: ['insert', 'update', 'replace', 'delete', 'invalidate'] } } },
];

/** 286 ChangeStreamHistoryLost, or 280 ChangeStreamFatalError (resume point gone). */
export function isHistoryLost(error: unknown): boolean {
  const e = error as { code?: unknown; codeName?: unknown };
  return e?.code === 286 || e?.code === 280 || e?.codeName === 'ChangeStreamHistoryLost';
}

export function timestampValue(ts: unknown): bigint | null {
  const x = ts as { t?: number; i?: number; high?: number; low?: number } | null | undefined;
  if (!x) return null;
  if (typeof x.t === 'number') return (BigInt(x.t) << 32n) | BigInt(x.i ?? 0);
  if (typeof x.high === 'number' && typeof x.low === 'number') {
    return (BigInt(x.high >>> 0) << 32n) | BigInt(x.low >>> 0);
  }
  return null;
}

/**
 * What a change event means for the hub. `updateLookup` gives the current version (possibly
 * newer than the event), or null when the document was deleted since: both move forward,
 * never back. null: nothing for the hub (an operation it does not follow).
 */
export function toHubChange(change: ChangeStreamDocument): HubChange | null {
  const key = 'documentKey' in change ? (change.documentKey as Document | undefined) : undefined;
  const id = key ? String(toJsonDocument({ id: key._id }).id) : undefined;
  const removal: HubChange = { ...(id !== undefined ? { id } : {}), doc: null };
  switch (change.operationType) {
    case 'delete':
      return removal;
    case 'insert':
    case 'update':
    case 'replace': {
      const full = change.fullDocument as Document | null | undefined;
      return full ? { doc: toJsonDocument(full) } : removal;
    }
    default:
      return null;
  }
}

/**
 * Reconciliation with the snapshot (read after the stream opened): an event at or before the
 * snapshot's time (the cluster time just before its reads began) is already in it (true:
 * skip), except a call's terminal version, still sent once for its outcome. null: the event
 * is after the snapshot, and so is every later one.
 */
export function coveredBySnapshot(
  rules: StreamRules,
  change: ChangeStreamDocument,
  hubChange: HubChange,
  snapshotTime: bigint,
): boolean | null {
  const at = timestampValue((change as { clusterTime?: unknown }).clusterTime);
  if (at === null || at > snapshotTime) return null;
  return !(rules.sendsOutcomes && hubChange.doc !== null && !rules.isActive(hubChange.doc));
}

/** An index a target's reads need, and what happens without it (the warning says so). */
export interface NeededIndex {
  fields: readonly string[];
  without: string;
}

/**
 * What one change stream feeds: a hub stream (`hubTarget`), or the transcript store
 * (src/server/transcripts/transcript-source.ts).
 */
export interface WatchTarget {
  readonly indexes: readonly NeededIndex[];
  /**
   * Called once the stream is open, at start ('initial') and after its history was lost
   * ('reset', a new epoch): reads what the stream starts from, in `session` (the cluster time
   * taken in it just before reconciles the events that follow). Resolves how many documents
   * it read.
   */
  load(
    coll: Collection,
    session: ClientSession,
    mode: 'initial' | 'reset',
    reason: string,
  ): Promise<number>;
  /** true: the event is already in what `load` read; null: past it (stop checking). */
  covered(change: ChangeStreamDocument, hubChange: HubChange, snapshotTime: bigint): boolean | null;
  ingest(change: HubChange): void;
}

/**
 * One hub stream: the snapshot of active documents, then every change. For `calls` also the
 * calls that ended within the Hub's `recent` window (their late analysis still comes).
 */
export function hubTarget(hub: Hub, stream: StreamName): WatchTarget {
  const rules = hub.rules[stream];
  const indexes: NeededIndex[] = [
    { fields: ['status'], without: 'every snapshot (start, resync) reads the whole collection' },
  ];
  if (stream === 'calls') {
    indexes.push({
      fields: ['updatedAt'],
      without: 'loading the recent calls (start, resync) reads every ended call',
    });
  }
  return {
    indexes,
    async load(coll, session, mode, reason) {
      // Index-friendly: excludes the ended spellings (nearly all of a production collection);
      // the Hub drops any other ended spelling by the same rule (docs/operations.md, indexes).
      const raw = await coll.find(rules.snapshotFilter, { session }).toArray();
      const docs = raw.map((d) => toJsonDocument(d));
      if (mode === 'reset') hub.reset(stream, docs, reason);
      else hub.load(stream, docs);
      if (stream !== 'calls') return docs.length;
      const recent = await coll
        .find(recentFilter(hub.recentCutoff()), { session })
        .sort({ updatedAt: -1 })
        .limit(hub.recentLimit)
        .toArray();
      hub.load(
        'recent',
        recent.reverse().map((d) => toJsonDocument(d)),
      );
      return docs.length + recent.length;
    },
    covered: (change, hubChange, snapshotTime) =>
      coveredBySnapshot(rules, change, hubChange, snapshotTime),
    ingest: (change) => hub.ingest(stream, [change]),
  };
}

/**
 * Calls written since `cutoff` (ms): `updatedAt` as a BSON date or as ISO text (MongoDB does
 * not compare across types, so both). The Hub keeps those whose end is within its window.
 */
function recentFilter(cutoff: number): Record<string, unknown> {
  return {
    $or: [
      { updatedAt: { $gte: new Date(cutoff) } },
      { updatedAt: { $gte: new Date(cutoff).toISOString() } },
    ],
  };
}

export interface WatchStreamOptions {
  client: MongoClient;
  dbName: string;
  collection: string;
  target: WatchTarget;
  tokens: ResumeTokenStore;
  logger: Logger;
  /** Restart delays after a non-resumable error (full jitter, src/shared/backoff). */
  backoff: BackoffOptions;
  /** The jitter's random source. */
  random: () => number;
  tokenSaveIntervalMs: number;
  maxAwaitTimeMS: number;
}

type OpenMode = 'initial' | 'resume' | 'reset';

/**
 * One collection's change stream feeding one target (a hub stream, the transcript store).
 * Opens the stream first, then takes the snapshot and reconciles: events at or before the
 * cluster time taken just before the snapshot's reads are already in it (only a call's
 * terminal version from then is still sent, for its outcome). The resume token is saved after
 * the hub has taken each event.
 */
export class WatchStream {
  state: WatcherState = 'starting';
  lastError: string | undefined;
  changesIn = 0;
  restarts = 0;
  /** The createIndex commands admins should run, for the reads that have no index to use. */
  missingIndexes: string[] = [];
  private cs: ChangeStream | null = null;
  private token: ResumeToken | null = null;
  private snapshotTime: bigint | null = null;
  private stopped = false;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private saveTimer: ReturnType<typeof setTimeout> | null = null;
  private attempt = 0;
  private readonly ns: string;
  private readonly coll: Collection;

  constructor(private readonly options: WatchStreamOptions) {
    this.ns = `${options.dbName}.${options.collection}`;
    this.coll = options.client.db(options.dbName).collection(options.collection);
  }

  /** Opens the stream and loads the snapshot; rejects if MongoDB refuses. */
  async start(): Promise<void> {
    await this.checkIndex();
    this.token = await this.options.tokens.load(this.ns);
    if (this.token) this.options.logger.info('resuming from the saved token', { ns: this.ns });
    await this.open('initial');
  }

  /** Warns once per index, with the exact command, when a read would scan the collection. */
  private async checkIndex(): Promise<void> {
    try {
      for (const needed of this.options.target.indexes) {
        const check = await checkSnapshotIndex(this.coll, this.options.dbName, needed.fields);
        if (check.ok) continue;
        this.missingIndexes.push(check.command);
        const fields = needed.fields.map((f) => JSON.stringify(f)).join(', ');
        this.options.logger.warn(
          `no index on ${this.ns} starts with ${fields}: ${needed.without}. ` +
            `Create one with: ${check.command}`,
          { ns: this.ns },
        );
      }
    } catch (error) {
      // Not allowed to list indexes (a read-only role without listIndexes): say so, go on.
      this.options.logger.info('could not check the indexes', {
        ns: this.ns,
        error: (error as Error).message,
      });
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.saveTimer) clearTimeout(this.saveTimer);
    const cs = this.cs;
    this.cs = null;
    await cs?.close().catch(() => {});
    await this.saveToken();
    this.setState('stopped');
  }

  private setState(state: WatcherState, error?: string): void {
    this.state = state;
    if (error !== undefined) this.lastError = error;
  }

  private async open(mode: OpenMode, reason = ''): Promise<void> {
    const token = mode === 'reset' ? null : this.token;
    const cs = this.coll.watch(PIPELINE, {
      fullDocument: 'updateLookup',
      // How long an idle getMore waits for changes; also bounds how long opening (its first
      // getMore) and stop() wait.
      maxAwaitTimeMS: this.options.maxAwaitTimeMS,
      ...(token ? { resumeAfter: token } : {}),
    });
    let first: ChangeStreamDocument | null;
    try {
      first = await cs.tryNext(); // sends the aggregate: the stream is open from here on
    } catch (error) {
      await cs.close().catch(() => {});
      if (token && isHistoryLost(error)) {
        this.options.logger.warn('saved resume token is too old; starting from a fresh snapshot', {
          ns: this.ns,
        });
        this.token = null;
        await this.options.tokens.save(this.ns, null);
        return this.open(mode === 'initial' ? 'initial' : 'reset', 'history lost');
      }
      throw error;
    }
    if (this.stopped) {
      await cs.close().catch(() => {});
      return;
    }
    this.cs = cs;
    // Where the stream stands even when nothing has happened yet (the batch's
    // postBatchResumeToken): an idle stream that fails resumes from here, not from "now",
    // which would lose what was written while it was down.
    const position = cs.resumeToken as ResumeToken | null | undefined;
    if (!first && position) this.token = position;
    if (mode !== 'resume') await this.takeSnapshot(mode, reason);
    this.attempt = 0;
    this.setState('open');
    if (first) this.handle(first);
    void this.pump(cs);
  }

  private async takeSnapshot(mode: OpenMode, reason: string): Promise<void> {
    let session: ClientSession | undefined;
    try {
      session = this.options.client.startSession();
      // The snapshot's time is taken before its reads begin: every event up to it is in what
      // they return (skipped); every later one is applied, in order. A write that lands while
      // the reads run (between two queries, or two batches of one) is then sent, at worst
      // twice, never lost; its updateLookup version is at least as new as what was read.
      await this.options.client.db(this.options.dbName).command({ ping: 1 }, { session });
      const snapshotTime = timestampValue(session.operationTime);
      const read = await this.options.target.load(
        this.coll,
        session,
        mode === 'reset' ? 'reset' : 'initial',
        reason,
      );
      this.snapshotTime = snapshotTime;
      this.options.logger.info('snapshot loaded', { ns: this.ns, read, mode });
    } finally {
      await session?.endSession().catch(() => {});
    }
  }

  private async pump(cs: ChangeStream): Promise<void> {
    try {
      while (!this.stopped && this.cs === cs) {
        const change = await cs.next();
        if (this.cs !== cs) return;
        this.handle(change);
      }
    } catch (error) {
      if (this.stopped || this.cs !== cs) return;
      this.cs = null;
      await cs.close().catch(() => {});
      const message = (error as Error).message;
      if (isHistoryLost(error)) {
        this.options.logger.warn('change stream history lost: new snapshot and epoch', {
          ns: this.ns,
        });
        this.restart('reset', 'change stream history lost (286)', message);
      } else {
        this.options.logger.warn('change stream failed; restarting from the last token', {
          ns: this.ns,
          error: message,
        });
        this.restart('resume', '', message);
      }
    }
  }

  private restart(mode: OpenMode, reason: string, error: string): void {
    if (this.stopped) return;
    this.restarts += 1;
    if (mode === 'reset') {
      this.token = null;
      // Best effort: the stream restarts from a snapshot either way. If the token cannot be
      // dropped, a restart of the process resumes from the old one and gets 286 again, which
      // also ends in a snapshot: nothing is lost, so a disk error is logged, not fatal.
      this.options.tokens.save(this.ns, null).catch((e: unknown) => {
        this.options.logger.error('could not drop the saved resume token', {
          ns: this.ns,
          error: (e as Error).message,
        });
      });
    }
    this.attempt += 1;
    this.setState('retrying', error);
    const delay =
      this.attempt === 1 && mode === 'reset'
        ? 0
        : backoffDelay(this.attempt, this.options.random, this.options.backoff);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.open(mode, reason).catch((e: unknown) => {
        if (this.stopped) return;
        this.restart(mode, reason, (e as Error).message);
      });
    }, delay);
  }

  private handle(change: ChangeStreamDocument): void {
    this.changesIn += 1;
    if (change.operationType === 'invalidate') {
      const cs = this.cs;
      this.cs = null;
      void cs?.close().catch(() => {});
      this.restart('reset', 'change stream invalidated', 'invalidated');
      return;
    }
    const hubChange = toHubChange(change);
    if (hubChange && !this.coveredBySnapshot(change, hubChange)) {
      this.options.target.ingest(hubChange);
    }
    const token = (this.cs?.resumeToken ?? change._id) as ResumeToken | undefined;
    if (token) this.token = token;
    this.scheduleSave();
  }

  /** Events from before the snapshot are in it; only a call's final version still counts. */
  private coveredBySnapshot(change: ChangeStreamDocument, hubChange: HubChange): boolean {
    if (this.snapshotTime === null) return false;
    const covered = this.options.target.covered(change, hubChange, this.snapshotTime);
    if (covered === null) this.snapshotTime = null; // past the snapshot: stop checking
    return covered === true;
  }

  private scheduleSave(): void {
    if (this.saveTimer || this.stopped) return;
    this.saveTimer = setTimeout(() => {
      this.saveTimer = null;
      void this.saveToken();
    }, this.options.tokenSaveIntervalMs);
  }

  private async saveToken(): Promise<void> {
    if (!this.token) return;
    try {
      await this.options.tokens.save(this.ns, this.token);
    } catch (error) {
      this.options.logger.warn('could not save the resume token', {
        error: (error as Error).message,
      });
    }
  }
}
