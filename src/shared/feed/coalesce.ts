import type { Call, Campaign } from '../domain/schemas';
import type { CallRemoval, CampaignRemoval } from '../protocol/events';
import { STREAMS, type StreamName } from '../protocol/events';
import type { FeedMessage, FeedState } from './types';

/**
 * Merges runs of consecutive batches into one, so a holder that queued many messages (a burst
 * of seed `call_update`s, say) applies them with one copy of the state instead of one per
 * message. Applying the result gives the same entries, cursors and resync marks as applying
 * the messages one by one (reducer.property.test.ts); only receivedAt/endedAt take the time
 * of the last message merged.
 *
 * A batch joins the run before it when both are batches of the same stream, and either both
 * are seed (no seq), or both are v2 of the same epoch with the new one starting right after
 * the run (fromSeq = run seq + 1). It does not join when it upserts a key the run removed
 * (the reducer applies a batch's upserts before its removals), nor when it deletes a key the
 * run upserted: merged, a call that failed and was then deleted would never be seen ending,
 * and its call-failed alert would be lost.
 */
type Batch = Extract<FeedMessage, { kind: 'batch' }>;
type CallsBatch = Extract<Batch, { stream: 'calls' }>;
type CampaignsBatch = Extract<Batch, { stream: 'campaigns' }>;

function upsertKeys(batch: Batch): string[] {
  return batch.stream === 'calls'
    ? batch.calls.map((c) => c.callSid)
    : batch.campaigns.map((c) => c.campaignId);
}

function removedKeys(batch: Batch): string[] {
  return batch.stream === 'calls'
    ? batch.removed.map((r) => r.callSid)
    : batch.removed.map((r) => r.campaignId);
}

/** Keys the batch deletes outright (a `terminal` removal keeps the entry, with endedAt). */
function deletedKeys(batch: Batch): string[] {
  return batch.stream === 'calls'
    ? batch.removed.filter((r) => r.reason === 'deleted').map((r) => r.callSid)
    : batch.removed.filter((r) => r.reason === 'deleted').map((r) => r.campaignId);
}

/** A v2 batch whose range the reducer would accept as well-formed. */
function validRange(batch: Batch): boolean {
  const from = batch.fromSeq ?? batch.seq!;
  return Number.isSafeInteger(from) && Number.isSafeInteger(batch.seq) && from <= batch.seq!;
}

function merge(run: Batch, next: Batch): Batch {
  const range =
    next.seq === undefined
      ? {}
      : { epoch: next.epoch, fromSeq: run.fromSeq ?? run.seq, seq: next.seq };
  if (run.stream === 'calls') {
    const n = next as CallsBatch;
    const calls: Call[] = [...run.calls, ...n.calls];
    const removed: CallRemoval[] = [...run.removed, ...n.removed];
    return { kind: 'batch', stream: 'calls', calls, removed, ...range, at: next.at };
  }
  const n = next as CampaignsBatch;
  const campaigns: Campaign[] = [...run.campaigns, ...n.campaigns];
  const removed: CampaignRemoval[] = [...run.removed, ...n.removed];
  return { kind: 'batch', stream: 'campaigns', campaigns, removed, ...range, at: next.at };
}

/**
 * `cursors`: the state's cursors the messages will be applied to. With them, a v2 batch is
 * merged only when it continues exactly where the cursor (or the run) stands, so a duplicate,
 * a gap or another epoch stays a message of its own and is ignored as the reducer would.
 * Without them, the first v2 batch of a stream is trusted to continue the state.
 */
export function coalesceFeedMessages(
  messages: readonly FeedMessage[],
  cursors?: FeedState['cursors'],
): FeedMessage[] {
  const known = new Map<StreamName, { epoch: string; seq: number }>();
  for (const stream of STREAMS) {
    const cursor = cursors?.[stream];
    if (cursor && cursor.epoch !== null && cursor.seq !== null) {
      known.set(stream, { epoch: cursor.epoch, seq: cursor.seq });
    }
  }
  const out: FeedMessage[] = [];
  let run: Batch | null = null;
  let runRemoved = new Set<string>();
  let runUpserted = new Set<string>();
  const flush = () => {
    if (run) out.push(run);
    run = null;
    runRemoved = new Set();
    runUpserted = new Set();
  };
  /**
   * Follows the reducer's cursor rules for a v2 batch: 'exact' when it starts right after
   * where its stream stands (may be merged), 'applies' when the reducer would still apply it
   * (an overlapping range; kept alone), 'ignored' for a duplicate, gap, other epoch or junk.
   */
  const advance = (batch: Batch): 'exact' | 'applies' | 'ignored' => {
    if (batch.epoch === undefined || !validRange(batch)) return 'ignored';
    const at = known.get(batch.stream);
    const from = batch.fromSeq ?? batch.seq!;
    const seq = batch.seq!;
    if (!at) {
      if (cursors) return 'ignored';
      known.set(batch.stream, { epoch: batch.epoch, seq });
      return 'exact';
    }
    if (at.epoch !== batch.epoch || seq <= at.seq || from > at.seq + 1) return 'ignored';
    const exact = from === at.seq + 1;
    known.set(batch.stream, { epoch: batch.epoch, seq });
    return exact ? 'exact' : 'applies';
  };
  for (const message of messages) {
    if (message.kind !== 'batch') {
      flush();
      out.push(message);
      if (message.kind === 'snapshot') {
        if (message.epoch !== undefined && message.seq !== undefined) {
          known.set(message.stream, { epoch: message.epoch, seq: message.seq });
        } else {
          known.delete(message.stream);
        }
      }
      continue;
    }
    const v2 = message.seq !== undefined;
    if (v2 && advance(message) !== 'exact') {
      flush();
      out.push(message);
      continue;
    }
    const current = run as Batch | null;
    const joins =
      current !== null &&
      current.stream === message.stream &&
      (current.seq !== undefined) === v2 &&
      !upsertKeys(message).some((key) => runRemoved.has(key)) &&
      !deletedKeys(message).some((key) => runUpserted.has(key));
    if (current && joins) {
      run = merge(current, message);
    } else {
      flush();
      run = message;
    }
    for (const key of removedKeys(message)) runRemoved.add(key);
    for (const key of upsertKeys(message)) runUpserted.add(key);
  }
  flush();
  return out;
}
