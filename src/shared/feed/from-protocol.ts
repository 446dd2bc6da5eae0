import type { z } from 'zod';
import {
  describeZodError,
  parseCall,
  parseCampaign,
  type Call,
  type Campaign,
  type DocumentParse,
  type ParseResult,
} from '../domain/schemas';
import type {
  AnyStreamName,
  CallRemoval,
  CampaignRemoval,
  ServerToClientEvents,
} from '../protocol/events';
import {
  activeCallsPayloadSchema,
  activeCampaignsPayloadSchema,
  callRemovedPayloadSchema,
  callsBatchPayloadSchema,
  callUpdatePayloadSchema,
  campaignRemovedPayloadSchema,
  campaignsBatchPayloadSchema,
  campaignUpdatePayloadSchema,
  errorPayloadSchema,
  resyncPayloadSchema,
} from '../protocol/schemas';
import type { FeedMessage } from './types';

/**
 * Turns one server event (seed or v2, ARCHITECTURE.md "Seed protocol" / "Protocol v2") into a
 * FeedMessage for the reducer. Nothing from the network is trusted: the payload is checked
 * with the protocol schemas and each document with parseCall/parseCampaign. A bad document
 * is reported (`call_update: invalid call: callSid: ...`) and left out while the rest
 * applies; a malformed payload gives no message and one problem.
 */
export interface ServerEventResult {
  message?: FeedMessage;
  /** Human-readable, each naming the event and what was wrong; bounded in length. */
  problems: string[];
  /** `resync`: the server dropped this client's history; a snapshot follows. */
  resync?: { stream: AnyStreamName; epoch: string; reason: string };
  /** `error`: the server reports a failed request. */
  serverError?: { type: string; message: string };
}

const MAX_PROBLEM_LENGTH = 1000;
const MAX_PROBLEMS = 20;

export function bounded(text: string): string {
  return text.length > MAX_PROBLEM_LENGTH ? `${text.slice(0, MAX_PROBLEM_LENGTH)}...` : text;
}

interface Meta {
  epoch?: string;
  seq?: number;
  fromSeq?: number;
}

/** v2 metadata is all or nothing: an epoch without a seq (or the reverse) is malformed. */
function readMeta(payload: {
  epoch?: string | undefined;
  seq?: number | undefined;
  fromSeq?: number | undefined;
}): ParseResult<Meta> {
  const { epoch, seq, fromSeq } = payload;
  if (epoch === undefined && seq === undefined) {
    return fromSeq === undefined
      ? { ok: true, value: {} }
      : { ok: false, error: 'fromSeq without epoch and seq' };
  }
  if (epoch === undefined || seq === undefined) {
    return {
      ok: false,
      error: `incomplete v2 metadata: ${epoch === undefined ? 'seq' : 'epoch'} without ${epoch === undefined ? 'epoch' : 'seq'}`,
    };
  }
  if (epoch.length === 0) return { ok: false, error: 'epoch must not be empty' };
  if (fromSeq !== undefined && fromSeq > seq) {
    return { ok: false, error: `fromSeq ${fromSeq} is after seq ${seq}` };
  }
  return { ok: true, value: fromSeq === undefined ? { epoch, seq } : { epoch, seq, fromSeq } };
}

export function parseDocs<T>(
  event: string,
  field: string,
  items: readonly unknown[],
  parse: (input: unknown) => DocumentParse<T>,
  problems: string[],
): T[] {
  const docs: T[] = [];
  let bad = 0;
  items.forEach((item, index) => {
    const result = parse(item);
    const texts = result.ok ? result.leftOut : [result.error];
    if (result.ok) docs.push(result.value);
    for (const text of texts) {
      if (++bad <= MAX_PROBLEMS) problems.push(bounded(`${event}: ${field}[${index}]: ${text}`));
    }
  });
  if (bad > MAX_PROBLEMS)
    problems.push(`${event}: and ${bad - MAX_PROBLEMS} more invalid ${field}`);
  return docs;
}

type Parsed<S extends z.ZodType> = { ok: true; value: z.output<S> } | { ok: false };

export function check<S extends z.ZodType>(
  event: string,
  schema: S,
  payload: unknown,
  problems: string[],
): Parsed<S> {
  const result = schema.safeParse(payload);
  if (result.success) return { ok: true, value: result.data };
  problems.push(bounded(describeZodError(`${event}: malformed payload`, result.error)));
  return { ok: false };
}

function withMeta(
  event: string,
  payload: { epoch?: string; seq?: number; fromSeq?: number },
  problems: string[],
  hasRange = false,
): Meta | null {
  // Only batch payloads carry a range; an extra `fromSeq` on other events is not read (loose
  // schemas let unknown fields through, untyped).
  const { epoch, seq, fromSeq } = payload;
  const meta = readMeta(hasRange ? { epoch, seq, fromSeq } : { epoch, seq });
  if (meta.ok) return meta.value;
  problems.push(bounded(`${event}: malformed payload: ${meta.error}`));
  return null;
}

export function countProblem(
  event: string,
  count: number | undefined,
  length: number,
  what: string,
) {
  return count !== undefined && count !== length
    ? [`${event}: count ${count} does not match the ${length} ${what} sent`]
    : [];
}

export function fromServerEvent(
  event: keyof ServerToClientEvents,
  payload: unknown,
  at: number,
): ServerEventResult {
  const problems: string[] = [];
  const done = (message?: FeedMessage): ServerEventResult =>
    message ? { message, problems } : { problems };

  switch (event) {
    case 'active_calls': {
      const p = check(event, activeCallsPayloadSchema, payload, problems);
      const meta = p.ok ? withMeta(event, p.value, problems) : null;
      if (!p.ok || !meta) return done();
      problems.push(...countProblem(event, p.value.count, p.value.calls.length, 'calls'));
      const calls = parseDocs(event, 'calls', p.value.calls, parseCall, problems);
      return done({ kind: 'snapshot', stream: 'calls', calls, ...snapshotMeta(meta), at });
    }
    case 'active_campaigns': {
      const p = check(event, activeCampaignsPayloadSchema, payload, problems);
      const meta = p.ok ? withMeta(event, p.value, problems) : null;
      if (!p.ok || !meta) return done();
      problems.push(...countProblem(event, p.value.count, p.value.campaigns.length, 'campaigns'));
      const campaigns = parseDocs(event, 'campaigns', p.value.campaigns, parseCampaign, problems);
      return done({ kind: 'snapshot', stream: 'campaigns', campaigns, ...snapshotMeta(meta), at });
    }
    case 'call_update': {
      const p = check(event, callUpdatePayloadSchema, payload, problems);
      const meta = p.ok ? withMeta(event, p.value, problems) : null;
      if (!p.ok || !meta) return done();
      const calls = single(event, p.value.call, parseCall, problems);
      return done(callsBatch(calls, [], meta, at));
    }
    case 'campaign_update': {
      const p = check(event, campaignUpdatePayloadSchema, payload, problems);
      const meta = p.ok ? withMeta(event, p.value, problems) : null;
      if (!p.ok || !meta) return done();
      const campaigns = single(event, p.value.campaign, parseCampaign, problems);
      return done(campaignsBatch(campaigns, [], meta, at));
    }
    case 'calls_batch_update': {
      const p = check(event, callsBatchPayloadSchema, payload, problems);
      const meta = p.ok ? withMeta(event, p.value, problems, true) : null;
      if (!p.ok || !meta) return done();
      const calls = parseDocs(event, 'calls', p.value.calls, parseCall, problems);
      const removed = (p.value.removed ?? []).map((r) => ({
        callSid: r.callSid,
        reason: r.reason,
      }));
      return done(callsBatch(calls, removed, meta, at));
    }
    case 'campaigns_batch_update': {
      const p = check(event, campaignsBatchPayloadSchema, payload, problems);
      const meta = p.ok ? withMeta(event, p.value, problems, true) : null;
      if (!p.ok || !meta) return done();
      const campaigns = parseDocs(event, 'campaigns', p.value.campaigns, parseCampaign, problems);
      const removed = p.value.removed.map((r) => ({ campaignId: r.campaignId, reason: r.reason }));
      return done(campaignsBatch(campaigns, removed, meta, at));
    }
    case 'call_removed': {
      const p = check(event, callRemovedPayloadSchema, payload, problems);
      const meta = p.ok ? withMeta(event, p.value, problems) : null;
      if (!p.ok || !meta) return done();
      return done(callsBatch([], [{ callSid: p.value.callSid, reason: p.value.reason }], meta, at));
    }
    case 'campaign_removed': {
      const p = check(event, campaignRemovedPayloadSchema, payload, problems);
      const meta = p.ok ? withMeta(event, p.value, problems) : null;
      if (!p.ok || !meta) return done();
      const removed = [{ campaignId: p.value.campaignId, reason: p.value.reason }];
      return done(campaignsBatch([], removed, meta, at));
    }
    case 'resync': {
      const p = check(event, resyncPayloadSchema, payload, problems);
      if (!p.ok) return done();
      const { stream, epoch, reason } = p.value;
      return { problems, resync: { stream, epoch, reason } };
    }
    case 'error': {
      const p = check(event, errorPayloadSchema, payload, problems);
      if (!p.ok) return done();
      const type = p.value.type.slice(0, 64);
      return { problems, serverError: { type, message: bounded(p.value.message) } };
    }
    case 'recent_calls':
    case 'recent_calls_batch_update':
      // The `recent` window has its own reducer and parser (./recent-protocol).
      return { problems: [`${event} belongs to the recent window, not the list feed`] };
    default: {
      const unknownEvent: string = event;
      return { problems: [bounded(`unknown server event ${JSON.stringify(unknownEvent)}`)] };
    }
  }
}

function snapshotMeta(meta: Meta): { epoch?: string; seq?: number } {
  return meta.epoch !== undefined && meta.seq !== undefined
    ? { epoch: meta.epoch, seq: meta.seq }
    : {};
}

function single<T>(
  event: string,
  doc: unknown,
  parse: (input: unknown) => DocumentParse<T>,
  problems: string[],
): T[] {
  const result = parse(doc);
  if (!result.ok) {
    problems.push(bounded(`${event}: ${result.error}`));
    return [];
  }
  for (const text of result.leftOut) problems.push(bounded(`${event}: ${text}`));
  return [result.value];
}

function callsBatch(calls: Call[], removed: CallRemoval[], meta: Meta, at: number): FeedMessage {
  return { kind: 'batch', stream: 'calls', calls, removed, ...meta, at };
}

function campaignsBatch(
  campaigns: Campaign[],
  removed: CampaignRemoval[],
  meta: Meta,
  at: number,
): FeedMessage {
  return { kind: 'batch', stream: 'campaigns', campaigns, removed, ...meta, at };
}
