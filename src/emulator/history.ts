/**
 * The bounded change history (the emulator's oplog) and the logical clock. Every write gets a
 * unique cluster time; every change gets a sequence number that its resume token encodes.
 */
import { Timestamp, type Document, type UUID } from 'bson';
import { CommandError } from './errors';
import type { UpdateDescription } from './values';

export type ChangeKind =
  'insert' | 'update' | 'replace' | 'delete' | 'drop' | 'rename' | 'dropDatabase' | ExpandedKind;

/** Changes reported only to streams opened with `showExpandedEvents` (MongoDB 6.0+). */
export type ExpandedKind = 'create' | 'createIndexes' | 'dropIndexes' | 'modify';
export const EXPANDED_KINDS: ReadonlySet<ChangeKind> = new Set<ExpandedKind>([
  'create',
  'createIndexes',
  'dropIndexes',
  'modify',
]);

export interface ChangeRecord {
  seq: number;
  kind: ChangeKind;
  clusterTime: Timestamp;
  wallTime: Date;
  db: string;
  coll?: string;
  documentKey?: Document;
  /** Post-image: insert and replace always; update only with pre- and post-images enabled. */
  postImage?: Document;
  /** Pre-image (update, replace, delete), only with pre- and post-images enabled. */
  preImage?: Document;
  updateDescription?: UpdateDescription;
  /** Added to updateDescription for streams with showExpandedEvents (values.ts). */
  disambiguatedPaths?: Document;
  to?: { db: string; coll: string };
  /** The collection's UUID (every change of one collection); shown with showExpandedEvents. */
  collectionUUID?: UUID;
  /** showExpandedEvents: what a DDL change did (create, createIndexes, modify, rename...). */
  operationDescription?: Document;
  /** showExpandedEvents, modify: the collection's options before. */
  stateBeforeChange?: Document;
  /** Cached upper estimate of the event's BSON size (see change-stream.ts). */
  size?: number;
}

export const NON_RESUMABLE_LABEL = 'NonResumableChangeStreamError';

/** Monotonic cluster time: seconds since the epoch plus an increment. */
export class LogicalClock {
  private t = 0;
  private i = 0;

  tick(): Timestamp {
    const seconds = Math.floor(Date.now() / 1000);
    if (seconds > this.t) {
      this.t = seconds;
      this.i = 1;
    } else {
      this.i += 1;
    }
    return new Timestamp({ t: this.t, i: this.i });
  }

  /** The last issued time (issues one if none yet). */
  now(): Timestamp {
    return this.t === 0 ? this.tick() : new Timestamp({ t: this.t, i: this.i });
  }
}

export function timestampValue(ts: Timestamp): bigint {
  return (BigInt(ts.t) << 32n) | BigInt(ts.i);
}

export interface ResumePoint {
  seq: number;
  fromInvalidate: boolean;
  /** Which history issued the token. */
  history: string;
}

/**
 * Resume tokens are `{ _data: <16 hex digits of seq><8 hex digits naming the history><00 | 01
 * for an invalidate> }`. The history's name makes a token from another emulator (one that was
 * restarted empty on the same port) unplaceable, as a real server's oplog would make it.
 */
export function encodeToken(seq: number, fromInvalidate = false, history = '00000000'): Document {
  return {
    _data: seq.toString(16).padStart(16, '0') + history + (fromInvalidate ? '01' : '00'),
  };
}

export function decodeToken(token: unknown): ResumePoint {
  const data = (token as Document | null)?._data;
  if (typeof data !== 'string' || !/^[0-9a-f]{26}$/.test(data)) {
    throw new CommandError(260, `Invalid resume token: ${JSON.stringify(token)}`, [
      NON_RESUMABLE_LABEL,
    ]);
  }
  return {
    seq: Number.parseInt(data.slice(0, 16), 16),
    history: data.slice(16, 24),
    fromInvalidate: data.endsWith('01'),
  };
}

export class ChangeHistory {
  private records: ChangeRecord[] = [];
  private start = 0;
  private lastSeqValue = 0;
  private listeners = new Set<() => void>();

  constructor(
    private readonly limit: number,
    /** 8 hex digits carried in every resume token this history issues. */
    readonly id = '00000000',
  ) {
    if (!/^[0-9a-f]{8}$/.test(id))
      throw new RangeError(`history id must be 8 hex digits, got ${id}`);
    if (!Number.isInteger(limit) || limit < 1) {
      throw new RangeError(`historySize must be a positive integer, got ${limit}`);
    }
  }

  get lastSeq(): number {
    return this.lastSeqValue;
  }

  /** Sequence number of the oldest change still kept (lastSeq + 1 when none is kept). */
  get firstSeq(): number {
    return this.records[this.start]?.seq ?? this.lastSeqValue + 1;
  }

  append(record: Omit<ChangeRecord, 'seq'>): ChangeRecord {
    this.lastSeqValue += 1;
    const full = { ...record, seq: this.lastSeqValue } as ChangeRecord;
    this.records.push(full);
    if (this.records.length - this.start > this.limit) {
      this.start += 1;
      if (this.start > 1024 && this.start * 2 > this.records.length) {
        this.records = this.records.slice(this.start);
        this.start = 0;
      }
    }
    for (const listener of [...this.listeners]) listener();
    return full;
  }

  get(seq: number): ChangeRecord | undefined {
    const first = this.firstSeq;
    if (seq < first || seq > this.lastSeqValue) return undefined;
    return this.records[this.start + (seq - first)];
  }

  /** A resume token for a point of this history. */
  token(seq: number, fromInvalidate = false): Document {
    return encodeToken(seq, fromInvalidate, this.id);
  }

  /**
   * Throws 286 ChangeStreamHistoryLost if the point is not one of this history's (another
   * emulator issued it, or it is ahead of everything written here) or changes after it are no
   * longer all kept.
   */
  assertResumable(point: ResumePoint): void {
    if (point.history !== this.id || point.seq > this.lastSeqValue) this.assertAvailableAfter(-1);
    this.assertAvailableAfter(point.seq);
  }

  /** Throws 286 ChangeStreamHistoryLost if changes after `seq` are no longer all kept. */
  assertAvailableAfter(seq: number): void {
    if (seq + 1 < this.firstSeq) {
      throw new CommandError(
        286,
        'Resume of change stream was not possible, as the resume point may no longer be in the oplog.',
        [NON_RESUMABLE_LABEL],
      );
    }
  }

  /** The last sequence number whose cluster time is before `ts` (a stream starts after it). */
  seqBefore(ts: Timestamp): number {
    const wanted = timestampValue(ts);
    const first = this.records[this.start];
    if (first && timestampValue(first.clusterTime) > wanted && first.seq > 1) {
      this.assertAvailableAfter(-1);
    }
    for (let i = this.start; i < this.records.length; i++) {
      const record = this.records[i]!;
      if (timestampValue(record.clusterTime) >= wanted) return record.seq - 1;
    }
    return this.lastSeqValue;
  }

  /** Calls `listener` after every append until the returned function is called. */
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
