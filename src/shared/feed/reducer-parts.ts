import { isCallEnded, isCampaignEnded } from '../domain/lifecycle';
import type { Call, Campaign } from '../domain/schemas';
import { sameDocument } from './same-document';
import { Map as PersistentMap } from 'immutable';
import type { CallEntry, CampaignEntry, Entries, StreamCursor } from './types';

/**
 * The building blocks of the feed reducer (./reducer): drafts over the persistent entry maps,
 * the per-entity rules (calls end for good, campaigns may run again),
 * upserts with the seed staleness checks, and the v2 sequence checks.
 */

export type AnyEntry = CallEntry | CampaignEntry;

export function emptyEntries<E>(): Entries<E> {
  return PersistentMap<string, E>();
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

/** A batch of changes to one stream's entries; remembers which keys it touched. */
export class Draft<E> {
  private current: Entries<E>;
  readonly touched = new Set<string>();
  constructor(base: Entries<E>) {
    this.current = base;
  }
  get(key: string): E | undefined {
    return this.current.get(key);
  }
  set(key: string, entry: E): void {
    this.current = this.current.set(key, entry);
    this.touched.add(key);
  }
  delete(key: string): void {
    if (!this.current.has(key)) return;
    this.current = this.current.delete(key);
    this.touched.add(key);
  }
  /** The entries after the changes: the very base map when nothing changed. */
  result(): Entries<E> {
    return this.current;
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
  before: Entries<E>,
  after: Entries<E>,
  keys: Iterable<string>,
): { upserted: string[]; removed: string[] } {
  const upserted: string[] = [];
  const removed: string[] = [];
  for (const key of keys) {
    const old = before.get(key);
    const now = after.get(key);
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
