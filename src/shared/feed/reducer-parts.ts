import { isCallEnded, isCampaignEnded } from '../domain/lifecycle';
import type { Call, Campaign } from '../domain/schemas';
import { sameDocument } from './same-document';
import type { CallEntry, CampaignEntry, StreamCursor } from './types';

/**
 * The building blocks of the feed reducer (./reducer): null-prototype records with
 * copy-on-write drafts, the per-entity rules (calls end for good, campaigns may run again),
 * upserts with the seed staleness checks, and the v2 sequence checks.
 */

export type AnyEntry = CallEntry | CampaignEntry;
export type Records<E> = Readonly<Record<string, E>>;

export const has = (record: object, key: string): boolean =>
  Object.prototype.hasOwnProperty.call(record, key);

export function emptyRecord<E>(): Record<string, E> {
  return Object.create(null) as Record<string, E>;
}

export function copyRecord<E>(base: Records<E>): Record<string, E> {
  // A plain loop is about twice as fast as Object.assign on a null-prototype record of 10,000
  // keys (1.5 ms against 2.9 ms here); it runs once per message that changes a stream.
  const copy = emptyRecord<E>();
  for (const key of Object.keys(base)) copy[key] = base[key]!;
  return copy;
}

// ---- per-entity rules ---------------------------------------------------------------------

export interface EntityRules<D, E extends AnyEntry> {
  key(doc: D): string;
  doc(entry: E): D;
  isEnded(doc: D): boolean;
  /** Whether, for seed messages, an ended entity can never become active again (calls). */
  finalOnceEnded: boolean;
  make(doc: D, at: number, endedAt: number | undefined, held: E | undefined): E;
}

export const callRules: EntityRules<Call, CallEntry> = {
  key: (call) => call.callSid,
  doc: (entry) => entry.call,
  isEnded: (call) => isCallEnded(call.status),
  finalOnceEnded: true,
  make(call, at, endedAt, held) {
    const entry: CallEntry = { call, receivedAt: at };
    if (endedAt !== undefined) entry.endedAt = endedAt;
    if (held) {
      const statusSince = held.call.status === call.status ? held.statusSince : at;
      if (statusSince !== undefined) entry.statusSince = statusSince;
    }
    return entry;
  },
};

export const campaignRules: EntityRules<Campaign, CampaignEntry> = {
  key: (campaign) => campaign.campaignId,
  doc: (entry) => entry.campaign,
  isEnded: (campaign) => isCampaignEnded(campaign.status),
  finalOnceEnded: false,
  make(campaign, at, endedAt) {
    const entry: CampaignEntry = { campaign, receivedAt: at };
    if (endedAt !== undefined) entry.endedAt = endedAt;
    return entry;
  },
};

function updatedAtMs(doc: { updatedAt?: string | null }): number | null {
  if (typeof doc.updatedAt !== 'string') return null;
  const ms = Date.parse(doc.updatedAt);
  return Number.isNaN(ms) ? null : ms;
}

/** Both carry updatedAt and the incoming one is older. */
export function isOlderVersion(
  held: { updatedAt?: string | null },
  incoming: { updatedAt?: string | null },
) {
  const heldAt = updatedAtMs(held);
  const incomingAt = updatedAtMs(incoming);
  return heldAt !== null && incomingAt !== null && incomingAt < heldAt;
}

/** Seed rules for an incoming active version: older than held, or reviving an ended call. */
export function isStaleVersion<D extends { updatedAt?: string | null }, E extends AnyEntry>(
  rules: EntityRules<D, E>,
  held: E,
  doc: D,
): boolean {
  if (isOlderVersion(rules.doc(held), doc)) return true;
  return rules.finalOnceEnded && held.endedAt !== undefined && !rules.isEnded(doc);
}

/** Copy-on-write view of one record; remembers which keys it touched. */
export class Draft<E> {
  private copy: Record<string, E> | null = null;
  readonly touched = new Set<string>();
  constructor(private readonly base: Records<E>) {}
  get(key: string): E | undefined {
    const record = this.copy ?? this.base;
    return has(record, key) ? record[key] : undefined;
  }
  set(key: string, entry: E): void {
    this.copy ??= copyRecord(this.base);
    this.copy[key] = entry;
    this.touched.add(key);
  }
  delete(key: string): void {
    if (this.get(key) === undefined) return;
    this.copy ??= copyRecord(this.base);
    delete this.copy[key];
    this.touched.add(key);
  }
  result(): Records<E> {
    return this.copy ?? this.base;
  }
}

export type UpsertOutcome = 'applied' | 'same' | 'stale';

export function upsert<D extends { updatedAt?: string | null }, E extends AnyEntry>(
  rules: EntityRules<D, E>,
  draft: Draft<E>,
  doc: D,
  at: number,
  seed: boolean,
): UpsertOutcome {
  const key = rules.key(doc);
  const held = draft.get(key);
  const ended = rules.isEnded(doc);
  if (held) {
    const heldDoc = rules.doc(held);
    if (sameDocument(heldDoc, doc)) return 'same';
    if (seed && isOlderVersion(heldDoc, doc)) return 'stale';
    // Seed messages carry no sequence, so an active version after the end is a race; a v2
    // server sends what MongoDB holds, in order, so an active version after the end is news.
    if (seed && rules.finalOnceEnded && held.endedAt !== undefined && !ended) return 'stale';
    draft.set(key, rules.make(doc, at, ended ? (held.endedAt ?? at) : undefined, held));
    return 'applied';
  }
  draft.set(key, rules.make(doc, at, ended ? at : undefined, undefined));
  return 'applied';
}

export function diffKeys<E>(
  before: Records<E>,
  after: Records<E>,
  keys: Iterable<string>,
): { upserted: string[]; removed: string[] } {
  const upserted: string[] = [];
  const removed: string[] = [];
  for (const key of keys) {
    const old = has(before, key) ? before[key] : undefined;
    const now = has(after, key) ? after[key] : undefined;
    if (now === undefined) {
      if (old !== undefined) removed.push(key);
    } else if (now !== old) {
      upserted.push(key);
    }
  }
  return { upserted, removed };
}

// ---- sequence checks (v2) ----------------------------------------------------------------

export type SequenceVerdict =
  { apply: true; cursor: StreamCursor } | { apply: false; ignored: string; resync?: string };

export function checkBatchSequence(
  cursor: StreamCursor,
  message: { epoch?: string; fromSeq?: number; seq?: number },
): SequenceVerdict {
  if (message.seq === undefined) return { apply: true, cursor };
  const { seq, epoch } = message;
  const fromSeq = message.fromSeq ?? seq;
  if (!Number.isSafeInteger(seq) || !Number.isSafeInteger(fromSeq) || fromSeq > seq) {
    const why = `invalid sequence range ${String(fromSeq)}..${String(seq)}`;
    return { apply: false, ignored: why, resync: why };
  }
  if (cursor.epoch === null || cursor.seq === null) {
    const why = `v2 batch (epoch ${String(epoch)}, seq ${seq}) before any v2 snapshot`;
    return { apply: false, ignored: why, resync: why };
  }
  if (epoch !== cursor.epoch) {
    const why = `epoch changed from ${cursor.epoch} to ${String(epoch)}`;
    return { apply: false, ignored: why, resync: why };
  }
  if (seq <= cursor.seq) {
    return { apply: false, ignored: `duplicate: seq ${fromSeq}..${seq} <= held seq ${cursor.seq}` };
  }
  if (fromSeq > cursor.seq + 1) {
    const why = `gap: missed seq ${cursor.seq + 1}..${fromSeq - 1}`;
    return { apply: false, ignored: why, resync: why };
  }
  return { apply: true, cursor: { ...cursor, seq } };
}
