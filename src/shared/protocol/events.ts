import type { Call, Campaign } from '../domain/schemas';
import type { Scope } from '../privacy/scopes';
import type { TranscriptClientEvents, TranscriptServerEvents } from './transcript';

/**
 * The wire protocol: the seed protocol that existing backends and clients speak (kept
 * exactly), and the opt-in v2 additions. docs/protocol.md is the prose version of this file.
 */

export const STREAMS = ['calls', 'campaigns'] as const;
export type StreamName = (typeof STREAMS)[number];

/**
 * Every stream the server keeps: the two list streams, and the v2-only `recent` window of
 * calls that ended (last 60 minutes, bounded), which keeps taking their late updates (post-call
 * analysis) after the active list let them go.
 */
export const ALL_STREAMS = [...STREAMS, 'recent'] as const;
export type AnyStreamName = (typeof ALL_STREAMS)[number];

/** Seed rooms: a subscribed socket joins one of these. */
export const ROOMS: Record<StreamName, string> = {
  calls: 'calls_room',
  campaigns: 'campaigns_room',
};

export const PROTOCOL_VERSION = 2;

// ---- v2 metadata -------------------------------------------------------------------------

/**
 * v2 fields carried by every event sent to a client that opted in. `epoch` names one
 * continuous history of the server's state: when it changes, sequence numbers restart and
 * the client must take the snapshot that follows. `seq` is per stream and grows by one for
 * every change of one key; a batch carries the range `fromSeq..seq`.
 */
export interface V2Meta {
  v: 2;
  epoch: string;
  seq: number;
}

export interface SinceCursor {
  epoch: string;
  seq: number;
}

/** Sent with `subscribe:*` to opt in to v2. Seed clients send nothing. */
export interface SubscribeOptions {
  v: 2;
  /** Replay everything after this point if the server still holds it, else send a snapshot. */
  since?: SinceCursor;
  /** true (default): one `*_batch_update` per flush; false: one event per key. */
  batch?: boolean;
}

export interface SubscribeAck {
  ok: boolean;
  /** How the client is being brought up to date. */
  mode?: 'replay' | 'snapshot';
  epoch?: string;
  seq?: number;
  error?: string;
  /** True when the server's data is simulated (`callboard serve --demo`): clients say so. */
  simulated?: boolean;
  /**
   * The plan's concurrent-call limit the server's operator gave (`serve --plan-limit`): a
   * whole number >= 1. Clients use it over their own setting (planLimitFor). v2 only.
   */
  planLimit?: number;
  /**
   * What this client's token may see (src/shared/privacy/scopes.ts): the dashboard says so,
   * and hides what it will not get. v2 only; a server that sends none gives every scope.
   */
  scopes?: readonly Scope[];
}

export type RemovalReason = 'terminal' | 'deleted';

export interface CallRemoval {
  callSid: string;
  reason: RemovalReason;
}

export interface CampaignRemoval {
  campaignId: string;
  reason: RemovalReason;
}

// ---- payloads ----------------------------------------------------------------------------

export interface ActiveCallsPayload extends Partial<V2Meta> {
  calls: Call[];
  count: number;
  timestamp: string;
}

export interface ActiveCampaignsPayload extends Partial<V2Meta> {
  campaigns: Campaign[];
  count: number;
  timestamp: string;
}

export interface CallUpdatePayload extends Partial<V2Meta> {
  call: Call;
  timestamp: string;
}

export interface CampaignUpdatePayload extends Partial<V2Meta> {
  campaign: Campaign;
  timestamp: string;
}

export interface CallsBatchPayload extends Partial<V2Meta> {
  calls: Call[];
  timestamp: string;
  /** v2: calls that left the active set in this batch. */
  removed?: CallRemoval[];
  /** v2: first seq of the range this batch covers. */
  fromSeq?: number;
}

/** v2 only: the seed protocol has no campaigns batch. */
export interface CampaignsBatchPayload extends V2Meta {
  campaigns: Campaign[];
  removed: CampaignRemoval[];
  fromSeq: number;
  timestamp: string;
}

export interface CallRemovedPayload extends V2Meta {
  callSid: string;
  reason: RemovalReason;
  timestamp: string;
}

export interface CampaignRemovedPayload extends V2Meta {
  campaignId: string;
  reason: RemovalReason;
  timestamp: string;
}

/** v2 `recent`: why a call left the window (past the window or the limit, active again, deleted). */
export type RecentRemovalReason = 'expired' | 'active' | 'deleted';

/** v2 `recent` snapshot: the calls that ended within the window, with their outcomes so far. */
export interface RecentCallsPayload extends V2Meta {
  calls: Call[];
  count: number;
  timestamp: string;
}

/** v2 `recent` changes: calls that ended or were updated after they ended, and those that left. */
export interface RecentCallsBatchPayload extends V2Meta {
  calls: Call[];
  removed: { callSid: string; reason: RecentRemovalReason }[];
  fromSeq: number;
  timestamp: string;
}

/** v2: the server dropped the client's history (new epoch, gap, slow consumer); a snapshot follows. */
export interface ResyncPayload {
  v: 2;
  stream: AnyStreamName;
  epoch: string;
  reason: string;
  timestamp: string;
}

/**
 * Seed shape. `type` names the request that failed; v2 adds types for bad input,
 * `transcript` for a transcript the server could not read (`details.callSid`), and
 * `forbidden` for a request the token's scopes do not allow (`details: { event, scope }`).
 */
export interface ErrorPayload {
  type:
    | 'active_calls'
    | 'active_campaigns'
    | 'bad_request'
    | 'rate_limited'
    | 'unauthorized'
    | 'forbidden'
    | 'transcript';
  message: string;
  details?: unknown;
}

// ---- Socket.IO event maps ----------------------------------------------------------------

export interface ServerToClientEvents extends TranscriptServerEvents {
  active_calls: (payload: ActiveCallsPayload) => void;
  active_campaigns: (payload: ActiveCampaignsPayload) => void;
  call_update: (payload: CallUpdatePayload) => void;
  campaign_update: (payload: CampaignUpdatePayload) => void;
  calls_batch_update: (payload: CallsBatchPayload) => void;
  error: (payload: ErrorPayload) => void;
  // v2
  campaigns_batch_update: (payload: CampaignsBatchPayload) => void;
  call_removed: (payload: CallRemovedPayload) => void;
  campaign_removed: (payload: CampaignRemovedPayload) => void;
  resync: (payload: ResyncPayload) => void;
  recent_calls: (payload: RecentCallsPayload) => void;
  recent_calls_batch_update: (payload: RecentCallsBatchPayload) => void;
}

/**
 * Inbound events. Arguments are `unknown` on purpose: they come from the network and are
 * validated with the schemas in ./schemas before use. Seed clients send no arguments.
 */
export interface ClientToServerEvents extends TranscriptClientEvents {
  'subscribe:calls': (options?: unknown, ack?: (result: SubscribeAck) => void) => void;
  'subscribe:campaigns': (options?: unknown, ack?: (result: SubscribeAck) => void) => void;
  'unsubscribe:calls': () => void;
  'unsubscribe:campaigns': () => void;
  'get:active_calls': () => void;
  'get:active_campaigns': () => void;
  /** v2 only: options `{ v: 2, since? }` are required. */
  'subscribe:recent': (options?: unknown, ack?: (result: SubscribeAck) => void) => void;
  'unsubscribe:recent': () => void;
  /** v2: the client exported what its screen shows (`AuditExport`), for the audit log. */
  'audit:export': (record?: unknown) => void;
}

/** What `audit:export` says: which table, how many rows. Never the rows themselves. */
export interface AuditExport {
  v: 2;
  view: 'active' | 'recent' | 'agents';
  rows: number;
}

// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface InterServerEvents {}

export interface SocketData {
  /** Per-stream subscription options; absent = not subscribed. */
  subscriptions: Partial<Record<AnyStreamName, { v2: boolean; batch: boolean }>>;
  /** Whose token the connection presented (its name and scopes; `id` is its SHA-256). */
  principal: { name: string; scopes: readonly Scope[]; id: string };
}

export const CLIENT_EVENTS = [
  'subscribe:calls',
  'subscribe:campaigns',
  'unsubscribe:calls',
  'unsubscribe:campaigns',
  'get:active_calls',
  'get:active_campaigns',
  'subscribe:recent',
  'unsubscribe:recent',
  'subscribe:transcript',
  'unsubscribe:transcript',
  'audit:export',
] as const satisfies readonly (keyof ClientToServerEvents)[];

export const SERVER_EVENTS = [
  'active_calls',
  'active_campaigns',
  'call_update',
  'campaign_update',
  'calls_batch_update',
  'campaigns_batch_update',
  'call_removed',
  'campaign_removed',
  'resync',
  'recent_calls',
  'recent_calls_batch_update',
  'error',
  'transcript_snapshot',
  'transcript_turns',
] as const satisfies readonly (keyof ServerToClientEvents)[];
