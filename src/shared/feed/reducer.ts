import type { StreamName } from '../protocol/events';
import {
  callRules,
  campaignRules,
  checkBatchSequence,
  diffKeys,
  Draft,
  emptyEntries,
  isStaleVersion,
  upsert,
  type AnyEntry,
  type EntityRules,
} from './reducer-parts';
import { sameDocument } from './same-document';
import {
  DEFAULT_FEED_OPTIONS,
  DEFAULT_GONE_MEMORY_MS,
  GONE_CALLS_LIMIT,
  type CallEntry,
  type CampaignEntry,
  type Entries,
  type FeedChanges,
  type FeedMessage,
  type FeedOptions,
  type FeedState,
  type FeedTransition,
  type StreamCursor,
} from './types';

/**
 * The feed-state reducer shared by the desktop app, the web dashboard and `callboard tail`.
 * Pure: the same state and message always give the same result, and a message that changes
 * nothing returns the very same state object. Rules (ARCHITECTURE.md, "Delivery promises"):
 * - a snapshot replaces its stream; terminal calls / ended campaigns in it are not kept;
 * - an update upserts; a call that turns terminal stays, with `endedAt`, until a `tick` at or
 *   after endedAt + terminalLingerMs; under seed rules a terminal call never becomes active
 *   again (no sequence: a later active version is a race), under v2 it does when the server
 *   says so (MongoDB holds it active: a restart would show it too);
 * - v2 (epoch + seq): a batch from another epoch or after a hole is ignored and the stream is
 *   marked `resyncNeeded`; a batch at or below the cursor is a duplicate and ignored;
 * - seed (no seq): messages apply in order; an update older (`updatedAt`) than the held
 *   version is ignored, by updates and snapshots alike (a seed snapshot may race with updates),
 *   and a seed snapshot does not revive a call held as ended, nor one that already left
 *   (`callsGone`, remembered for `goneMemoryMs`).
 * Entries are persistent maps (./types `Entries`): a message costs O(what it changes).
 */

export function initialFeedState(): FeedState {
  const cursor = (): StreamCursor => ({ epoch: null, seq: null, synced: false });
  return {
    calls: emptyEntries<CallEntry>(),
    campaigns: emptyEntries<CampaignEntry>(),
    cursors: { calls: cursor(), campaigns: cursor() },
    resyncNeeded: {},
    callsGone: emptyEntries<number>(),
    lastEventAt: null,
  };
}

/** The seed rules' memory of calls that left; null for campaigns (they may run again). */
function goneFor(state: FeedState, stream: StreamName): Entries<number> | null {
  return stream === 'calls' ? state.callsGone : null;
}

function noChanges(ignored?: string): FeedChanges {
  const changes: FeedChanges = {
    callsUpserted: [],
    callsRemoved: [],
    campaignsUpserted: [],
    campaignsRemoved: [],
    reset: [],
  };
  if (ignored !== undefined) changes.ignored = ignored;
  return changes;
}

// ---- the reducer -------------------------------------------------------------------------

function withResync(state: FeedState, stream: StreamName, reason: string): FeedState {
  if (state.resyncNeeded[stream] === reason) return state;
  return { ...state, resyncNeeded: { ...state.resyncNeeded, [stream]: reason } };
}

function sameCursor(a: StreamCursor, b: StreamCursor): boolean {
  return a.epoch === b.epoch && a.seq === b.seq && a.synced === b.synced;
}

function finish(
  state: FeedState,
  stream: StreamName,
  records: Entries<AnyEntry>,
  cursor: StreamCursor,
  clearResync: boolean,
  at: number | null,
): FeedState {
  const sameRecords = state[stream] === records;
  const cursorSame = sameCursor(state.cursors[stream], cursor);
  const resyncSame = !clearResync || state.resyncNeeded[stream] === undefined;
  // A message that changed nothing leaves lastEventAt alone too, so replays are no-ops.
  if (sameRecords && cursorSame && resyncSame) return state;
  const lastEventAt = at === null ? state.lastEventAt : Math.max(state.lastEventAt ?? at, at);
  let resyncNeeded = state.resyncNeeded;
  if (!resyncSame) {
    const copy = { ...state.resyncNeeded };
    delete copy[stream];
    resyncNeeded = copy;
  }
  return {
    ...state,
    [stream]: records,
    cursors: cursorSame ? state.cursors : { ...state.cursors, [stream]: cursor },
    resyncNeeded,
    lastEventAt,
  };
}

function applySnapshot<D extends { updatedAt?: string | null }, E extends AnyEntry>(
  state: FeedState,
  stream: StreamName,
  rules: EntityRules<D, E>,
  docs: readonly D[],
  message: { epoch?: string; seq?: number; at: number },
): FeedTransition {
  const before = state[stream] as unknown as Entries<E>;
  const cursor = state.cursors[stream];
  if (
    message.seq !== undefined &&
    message.epoch !== undefined &&
    cursor.epoch === message.epoch &&
    cursor.seq !== null &&
    message.seq < cursor.seq &&
    // Once a resync is needed the held state is known to be wrong: any snapshot beats it.
    state.resyncNeeded[stream] === undefined
  ) {
    return { state, changes: noChanges(`stale snapshot: seq ${message.seq} < held ${cursor.seq}`) };
  }
  const seed = message.seq === undefined;
  const gone = seed ? goneFor(state, stream) : null;
  const next = emptyEntries<E>().withMutations((draft) => {
    for (const doc of docs) {
      if (rules.isEnded(doc)) continue;
      const key = rules.key(doc);
      if (gone?.has(key)) continue; // left already: this version is older than its end
      const held = before.get(key);
      // A seed server answers get:active_* from a query that can race with the updates it
      // emits: a snapshot's version older than the one held (or a call already seen ending)
      // would bring a finished call back forever. v2 snapshots are ordered by seq: trusted.
      if (seed && held && isStaleVersion(rules, held, doc)) {
        draft.set(key, held);
        continue;
      }
      draft.set(
        key,
        held && held.endedAt === undefined && sameDocument(rules.doc(held), doc)
          ? held
          : rules.make(doc, message.at, undefined, held),
      );
    }
  });
  const keys = new Set([...before.keys(), ...next.keys()]);
  const diff = diffKeys(before, next, keys);
  const unchanged = diff.upserted.length === 0 && diff.removed.length === 0;
  const records = unchanged ? before : next;
  const v2 = message.seq !== undefined && message.epoch !== undefined;
  const newCursor: StreamCursor = {
    epoch: v2 ? message.epoch! : null,
    seq: v2 ? message.seq! : null,
    synced: true,
  };
  const nextState = finish(state, stream, records, newCursor, true, message.at);
  return { state: nextState, changes: toChanges(stream, diff, [stream]) };
}

function toChanges(
  stream: StreamName,
  diff: { upserted: string[]; removed: string[] },
  reset: StreamName[] = [],
  ignored?: string,
): FeedChanges {
  const changes = noChanges(ignored);
  changes.reset = reset;
  if (stream === 'calls') {
    changes.callsUpserted = diff.upserted;
    changes.callsRemoved = diff.removed;
  } else {
    changes.campaignsUpserted = diff.upserted;
    changes.campaignsRemoved = diff.removed;
  }
  return changes;
}

function applyBatch<D extends { updatedAt?: string | null }, E extends AnyEntry>(
  state: FeedState,
  stream: StreamName,
  rules: EntityRules<D, E>,
  docs: readonly D[],
  removed: readonly { key: string; reason: 'terminal' | 'deleted' }[],
  message: { epoch?: string; fromSeq?: number; seq?: number; at: number },
): FeedTransition {
  const verdict = checkBatchSequence(state.cursors[stream], message);
  if (!verdict.apply) {
    const next = verdict.resync ? withResync(state, stream, verdict.resync) : state;
    return { state: next, changes: noChanges(verdict.ignored) };
  }
  const before = state[stream] as unknown as Entries<E>;
  const draft = new Draft<E>(before);
  const seed = message.seq === undefined;
  const stale: string[] = [];
  const gone = seed ? goneFor(state, stream) : null;
  for (const doc of docs) {
    if (gone?.has(rules.key(doc))) stale.push(rules.key(doc));
    else if (upsert(rules, draft, doc, message.at, seed) === 'stale') stale.push(rules.key(doc));
  }
  let removalsApplied = 0;
  for (const removal of removed) {
    const held = draft.get(removal.key);
    if (!held) continue;
    if (removal.reason === 'deleted') {
      draft.delete(removal.key);
      removalsApplied++;
    } else if (held.endedAt === undefined) {
      draft.set(removal.key, { ...held, endedAt: message.at });
      removalsApplied++;
    }
  }
  const diff = diffKeys(before, draft.result(), draft.touched);
  const allStale = stale.length > 0 && stale.length === docs.length && removalsApplied === 0;
  const ignored = allStale
    ? `stale: older than the held version, or already left (${stale.join(', ')})`
    : undefined;
  const nextState =
    allStale && seed
      ? state
      : finish(state, stream, draft.result(), verdict.cursor, false, message.at);
  return { state: nextState, changes: toChanges(stream, diff, [], ignored) };
}

/** Adds the calls that just left, forgets those past the memory; the same map if neither. */
function rememberGone(
  gone: Entries<number>,
  left: readonly string[],
  now: number,
  options: FeedOptions,
): Entries<number> {
  const memoryMs = options.goneMemoryMs ?? DEFAULT_GONE_MEMORY_MS;
  const kept = gone.filter((leftAt) => now - leftAt < memoryMs);
  if (left.length === 0 && kept.size === gone.size) return gone;
  let next = kept.withMutations((draft) => {
    for (const key of left) draft.set(key, now);
  });
  if (next.size > GONE_CALLS_LIMIT) {
    const oldest = [...next.entries()].sort((a, b) => a[1] - b[1]);
    next = next.deleteAll(oldest.slice(0, next.size - GONE_CALLS_LIMIT).map(([key]) => key));
  }
  return next;
}

function applyTick(state: FeedState, now: number, options: FeedOptions): FeedTransition {
  const sweep = <E extends AnyEntry>(records: Entries<E>) => {
    const draft = new Draft<E>(records);
    for (const [key, entry] of records) {
      if (entry.endedAt !== undefined && now - entry.endedAt >= options.terminalLingerMs) {
        draft.delete(key);
      }
    }
    return { records: draft.result(), removed: [...draft.touched] };
  };
  const calls = sweep(state.calls);
  const campaigns = sweep(state.campaigns);
  // Only seed streams need the memory: v2 is ordered by seq (and the server keeps its own).
  const seed = state.cursors.calls.seq === null;
  const callsGone = seed
    ? rememberGone(state.callsGone, calls.removed, now, options)
    : state.callsGone.size === 0
      ? state.callsGone
      : emptyEntries<number>();
  const changes = noChanges();
  changes.callsRemoved = calls.removed;
  changes.campaignsRemoved = campaigns.removed;
  if (
    calls.removed.length === 0 &&
    campaigns.removed.length === 0 &&
    callsGone === state.callsGone
  ) {
    return { state, changes };
  }
  return {
    state: { ...state, calls: calls.records, campaigns: campaigns.records, callsGone },
    changes,
  };
}

/** Applies one message. Returns the same state object when the message changed nothing. */
export function applyFeedMessage(
  state: FeedState,
  message: FeedMessage,
  options: FeedOptions = DEFAULT_FEED_OPTIONS,
): FeedTransition {
  switch (message.kind) {
    case 'tick':
      return applyTick(state, message.now, options);
    case 'snapshot':
      return message.stream === 'calls'
        ? applySnapshot(state, 'calls', callRules, message.calls, message)
        : applySnapshot(state, 'campaigns', campaignRules, message.campaigns, message);
    case 'batch':
      return message.stream === 'calls'
        ? applyBatch(
            state,
            'calls',
            callRules,
            message.calls,
            message.removed.map((r) => ({ key: r.callSid, reason: r.reason })),
            message,
          )
        : applyBatch(
            state,
            'campaigns',
            campaignRules,
            message.campaigns,
            message.removed.map((r) => ({ key: r.campaignId, reason: r.reason })),
            message,
          );
  }
}

/**
 * Calls that turned terminal in a transition (were active or unknown before, hold `endedAt`
 * now): what the outcome window and the call-failed alert feed on.
 */
export function callsEndedBy(before: FeedState, transition: FeedTransition): CallEntry[] {
  const ended: CallEntry[] = [];
  for (const key of transition.changes.callsUpserted) {
    const now = transition.state.calls.get(key);
    const old = before.calls.get(key);
    if (now?.endedAt !== undefined && old?.endedAt === undefined) ended.push(now);
  }
  return ended;
}

/** Campaigns that ended in a transition (status became an ended one). */
export function campaignsEndedBy(before: FeedState, transition: FeedTransition): CampaignEntry[] {
  const ended: CampaignEntry[] = [];
  for (const key of transition.changes.campaignsUpserted) {
    const now = transition.state.campaigns.get(key);
    const old = before.campaigns.get(key);
    if (now?.endedAt !== undefined && old?.endedAt === undefined) ended.push(now);
  }
  return ended;
}
