/**
 * The ground truth of every reliability test: what MongoDB holds, read straight from the
 * collections, compared field by field with what a client's shared reducer holds.
 */
import type { Db } from 'mongodb';
import { isCallEnded, isCampaignEnded } from '../../../src/shared/domain/lifecycle';
import type { FeedState } from '../../../src/shared/feed/types';
import { toJsonDocument, type JsonDocument } from '../../../src/server/json-safe';

export interface DbState {
  calls: Map<string, JsonDocument>;
  campaigns: Map<string, JsonDocument>;
}

/** Active calls and running campaigns as MongoDB holds them now (JSON-safe, as clients get them). */
export async function readDbState(db: Db): Promise<DbState> {
  const [calls, campaigns] = await Promise.all([
    db.collection('calls').find({}).toArray(),
    db.collection('campaigns').find({}).toArray(),
  ]);
  const state: DbState = { calls: new Map(), campaigns: new Map() };
  for (const raw of calls) {
    const doc = toJsonDocument(raw);
    if (typeof doc.callSid === 'string' && !isCallEnded(doc.status)) {
      state.calls.set(doc.callSid, doc);
    }
  }
  for (const raw of campaigns) {
    const doc = toJsonDocument(raw);
    if (typeof doc.campaignId === 'string' && !isCampaignEnded(doc.status)) {
      state.campaigns.set(doc.campaignId, doc);
    }
  }
  return state;
}

/** What a client shows as active: active calls and campaigns that have not ended. */
export function clientView(state: FeedState): DbState {
  const view: DbState = { calls: new Map(), campaigns: new Map() };
  for (const entry of [...state.calls.values()]) {
    if (entry.endedAt === undefined) {
      view.calls.set(entry.call.callSid, entry.call as unknown as JsonDocument);
    }
  }
  for (const entry of [...state.campaigns.values()]) {
    if (entry.endedAt === undefined) {
      view.campaigns.set(entry.campaign.campaignId, entry.campaign as unknown as JsonDocument);
    }
  }
  return view;
}

/** Same value for comparison: dates are ISO strings on both sides. */
function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * Every difference between the database and a client, one line each: a key missing on the
 * client, a key the client shows that is not active in the database, or a field whose value
 * differs (every field the database document has is checked).
 */
export function compareStates(db: DbState, client: DbState, label = 'client'): string[] {
  const out: string[] = [];
  for (const [stream, dbMap, clientMap] of [
    ['calls', db.calls, client.calls],
    ['campaigns', db.campaigns, client.campaigns],
  ] as const) {
    for (const [key, doc] of dbMap) {
      const shown = clientMap.get(key);
      if (!shown) {
        out.push(`${label}: ${stream}/${key} is active in MongoDB but missing`);
        continue;
      }
      for (const [field, value] of Object.entries(doc)) {
        if (!same(value, (shown as Record<string, unknown>)[field])) {
          out.push(
            `${label}: ${stream}/${key}.${field} is ${JSON.stringify((shown as Record<string, unknown>)[field])}, MongoDB has ${JSON.stringify(value)}`,
          );
        }
      }
    }
    for (const key of clientMap.keys()) {
      if (!dbMap.has(key))
        out.push(`${label}: ${stream}/${key} is shown but not active in MongoDB`);
    }
  }
  return out;
}

export interface Convergence {
  converged: boolean;
  /** ms from the call until every client matched the database (or the timeout). */
  ms: number;
  /** Differences left at the end (empty when converged). */
  mismatches: string[];
  /** Documents (calls + campaigns) the database holds as active. */
  activeInDb: number;
}

/**
 * Polls until every client's state matches MongoDB field by field, or `timeoutMs` passes.
 * Call it after the writers stopped: the database must hold still to be compared.
 */
export async function waitForConvergence(
  db: Db,
  clients: readonly { name: string; state(): FeedState }[],
  timeoutMs = 15_000,
): Promise<Convergence> {
  const started = Date.now();
  for (;;) {
    const truth = await readDbState(db);
    const activeInDb = truth.calls.size + truth.campaigns.size;
    const mismatches = clients.flatMap((c) => compareStates(truth, clientView(c.state()), c.name));
    if (mismatches.length === 0)
      return { converged: true, ms: Date.now() - started, mismatches, activeInDb };
    if (Date.now() - started > timeoutMs) {
      return { converged: false, ms: Date.now() - started, mismatches, activeInDb };
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Distinct keys that differ (what "updates lost" counts): one per document, not per field. */
export function lostKeys(mismatches: readonly string[]): number {
  return new Set(mismatches.map((m) => m.replace(/^[^:]*: /, '').split(/[ .]/)[0])).size;
}
