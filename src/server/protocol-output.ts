import type { Call, Campaign } from '../shared/domain/schemas';
import { callRedactor, viewName, type DocumentView } from '../shared/privacy/redact';
import type { AnyStreamName, ServerToClientEvents, StreamName } from '../shared/protocol/events';
import type { HubEntry, HubEvent, JsonDocument } from './hub-types';
import { withoutTranscript } from './transcripts/list-documents';

/** How one socket subscribed to one stream. */
export interface ClientMode {
  v2: boolean;
  /** v2 only: one batch per flush (true) or one event per key (false). */
  batch: boolean;
  /** What of a call the client's token may see (its scopes); absent: everything. */
  view?: DocumentView;
}

/** The events a stream subscription carries: what `toEmissions` produces. */
export type StreamEventName =
  | 'active_calls'
  | 'active_campaigns'
  | 'call_update'
  | 'campaign_update'
  | 'calls_batch_update'
  | 'campaigns_batch_update'
  | 'call_removed'
  | 'campaign_removed'
  | 'resync'
  | 'recent_calls'
  | 'recent_calls_batch_update';

/** One Socket.IO emit of a stream event, typed by the event map. */
export type Emission = {
  [E in StreamEventName]: { event: E; payload: Parameters<ServerToClientEvents[E]>[0] };
}[StreamEventName];

// Documents in the hub are validated by the watcher only as far as key and status; they keep
// every other field (ARCHITECTURE.md: unknown extra fields are kept), so they are sent as is.
const asCampaign = (doc: JsonDocument) => doc as unknown as Campaign;

/** One redactor per view, made once (src/shared/privacy/redact.ts). */
const redactors = new Map<string, (doc: JsonDocument) => JsonDocument>();
function redactorOf(view: DocumentView | undefined): (doc: JsonDocument) => JsonDocument {
  if (!view) return (doc) => doc;
  const name = viewName(view);
  let redact = redactors.get(name);
  if (!redact) redactors.set(name, (redact = callRedactor<JsonDocument>(view)));
  return redact;
}

/**
 * A call as a client of `mode` may see it: what its scopes withhold masked or left out
 * (every stream, both protocols), and for v2 never the transcript (docs/protocol.md,
 * "Transcripts"); a seed client with every scope gets the document as is.
 */
function callsFor(mode: Pick<ClientMode, 'v2' | 'view'>): (doc: JsonDocument) => Call {
  const redact = redactorOf(mode.view);
  return mode.v2
    ? (doc) => redact(withoutTranscript(doc)) as unknown as Call
    : (doc) => redact(doc) as unknown as Call;
}

export function snapshotEmission(
  stream: AnyStreamName,
  docs: JsonDocument[],
  meta: { epoch: string; seq: number } | null,
  timestamp: string,
  view?: DocumentView,
): Emission {
  const v2 = meta ? { v: 2 as const, epoch: meta.epoch, seq: meta.seq } : {};
  const v2Only = meta !== null || stream === 'recent';
  const asCall = callsFor({ v2: v2Only, ...(view ? { view } : {}) });
  if (stream === 'recent') {
    // v2 only: the gateway refuses a seed subscription to `recent`.
    const { epoch, seq } = meta ?? { epoch: '', seq: 0 };
    return {
      event: 'recent_calls',
      payload: { v: 2, epoch, seq, calls: docs.map(asCall), count: docs.length, timestamp },
    };
  }
  return stream === 'calls'
    ? {
        event: 'active_calls',
        payload: {
          calls: docs.map(asCall),
          count: docs.length,
          timestamp,
          ...v2,
        },
      }
    : {
        event: 'active_campaigns',
        payload: { campaigns: docs.map(asCampaign), count: docs.length, timestamp, ...v2 },
      };
}

/** Latest entry per key, in seq order of those latest entries. */
export function coalesceEntries(entries: readonly HubEntry[]): HubEntry[] {
  const latest = new Map<string, HubEntry>();
  for (const entry of entries) {
    latest.delete(entry.key);
    latest.set(entry.key, entry);
  }
  return [...latest.values()];
}

/**
 * Turns one hub event into what a client of the given mode receives (docs/protocol.md):
 * - seed: `call_update` for one change, `calls_batch_update` for several, one
 *   `campaign_update` per campaign; a deletion has no seed event, so a fresh snapshot follows.
 * - v2 batch: one `*_batch_update` with `fromSeq..seq` and `removed`.
 * - v2 per key: `call_update`/`call_removed` (and campaign_*), each with its own seq.
 * `currentSnapshot` is called only when a seed client needs one after a deletion.
 */
export function toEmissions(
  event: HubEvent,
  mode: ClientMode,
  timestamp: string,
  currentSnapshot: () => JsonDocument[],
): Emission[] {
  const { stream } = event;
  if (event.type === 'snapshot') {
    const out: Emission[] = [];
    if (mode.v2 && event.resync) {
      out.push({
        event: 'resync',
        payload: { v: 2, stream, epoch: event.epoch, reason: event.resync, timestamp },
      });
    }
    out.push(snapshotEmission(stream, event.docs, mode.v2 ? event : null, timestamp, mode.view));
    return out;
  }
  const asV2Call = callsFor({ v2: true, ...(mode.view ? { view: mode.view } : {}) });
  if (stream === 'recent') return [recentBatch(event, timestamp, asV2Call)];
  if (!mode.v2) {
    return seedEmissions(stream, event.entries, timestamp, currentSnapshot, mode.view);
  }
  if (mode.batch) {
    const entries = coalesceEntries(event.entries);
    const docs = entries.filter((e) => e.doc !== null).map((e) => e.doc!);
    const removedKeys = entries.filter((e) => e.doc === null).map((e) => e.key);
    const meta = { v: 2 as const, epoch: event.epoch, fromSeq: event.fromSeq, seq: event.seq };
    return stream === 'calls'
      ? [
          {
            event: 'calls_batch_update',
            payload: {
              ...meta,
              calls: docs.map(asV2Call),
              removed: removedKeys.map((callSid) => ({ callSid, reason: 'deleted' as const })),
              timestamp,
            },
          },
        ]
      : [
          {
            event: 'campaigns_batch_update',
            payload: {
              ...meta,
              campaigns: docs.map(asCampaign),
              removed: removedKeys.map((campaignId) => ({
                campaignId,
                reason: 'deleted' as const,
              })),
              timestamp,
            },
          },
        ];
  }
  return event.entries.map((entry): Emission => {
    const meta = { v: 2 as const, epoch: event.epoch, seq: entry.seq, timestamp };
    if (stream === 'calls') {
      return entry.doc
        ? { event: 'call_update', payload: { ...meta, call: asV2Call(entry.doc) } }
        : { event: 'call_removed', payload: { ...meta, callSid: entry.key, reason: 'deleted' } };
    }
    return entry.doc
      ? { event: 'campaign_update', payload: { ...meta, campaign: asCampaign(entry.doc) } }
      : {
          event: 'campaign_removed',
          payload: { ...meta, campaignId: entry.key, reason: 'deleted' },
        };
  });
}

/** `recent` is always batched: a v2 window, read by screens that show it as a table. */
function recentBatch(
  event: Extract<HubEvent, { type: 'changes' }>,
  timestamp: string,
  asV2Call: (doc: JsonDocument) => Call,
): Emission {
  const entries = coalesceEntries(event.entries);
  return {
    event: 'recent_calls_batch_update',
    payload: {
      v: 2,
      epoch: event.epoch,
      fromSeq: event.fromSeq,
      seq: event.seq,
      calls: entries.filter((e) => e.doc !== null).map((e) => asV2Call(e.doc!)),
      removed: entries
        .filter((e) => e.doc === null)
        .map((e) => ({ callSid: e.key, reason: e.exit ?? 'deleted' })),
      timestamp,
    },
  };
}

function seedEmissions(
  stream: StreamName,
  entries: readonly HubEntry[],
  timestamp: string,
  currentSnapshot: () => JsonDocument[],
  view: DocumentView | undefined,
): Emission[] {
  const asCall = callsFor({ v2: false, ...(view ? { view } : {}) });
  const latest = coalesceEntries(entries);
  const docs = latest.filter((e) => e.doc !== null).map((e) => e.doc!);
  const deleted = latest.length > docs.length;
  const out: Emission[] = [];
  if (stream === 'calls') {
    if (docs.length === 1) {
      out.push({ event: 'call_update', payload: { call: asCall(docs[0]!), timestamp } });
    } else if (docs.length > 1) {
      out.push({ event: 'calls_batch_update', payload: { calls: docs.map(asCall), timestamp } });
    }
  } else {
    for (const doc of docs) {
      out.push({ event: 'campaign_update', payload: { campaign: asCampaign(doc), timestamp } });
    }
  }
  if (deleted) out.push(snapshotEmission(stream, currentSnapshot(), null, timestamp, view));
  return out;
}
