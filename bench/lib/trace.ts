/**
 * The event trace every contender is fed: a deterministic (seeded) sequence of MongoDB writes
 * that models a busy outbound call centre. Calls go initiated -> queued -> ringing ->
 * in-progress -> a terminal status; campaigns get their progress counters set when a call
 * connects and when it ends. The number of active calls stays near `activeCalls` (a call that
 * ends is replaced by a new one). The trace says nothing about time: the writer plays op `i`
 * at `start + i / rate`, so the same trace serves every rate.
 *
 * Every write sets `benchSeq` (the op's sequence number, from 1); the writer adds
 * `benchWrittenAt` (epoch ms, fractional) when it sends the write. Clients detect a write in
 * their state by its key and `benchSeq`.
 */

import { seededRandom } from '../../src/server/simulator/random';
export interface TraceOptions {
  seed: number;
  /** Ops after the initial state. */
  ops: number;
  /** Active calls kept in play (also the number in the initial state). */
  activeCalls: number;
  campaigns: number;
}

export type Collection = 'calls' | 'campaigns';

export interface TraceOp {
  seq: number;
  collection: Collection;
  /** callSid or campaignId. */
  key: string;
  /** insert: the whole document; update: fields to $set. Both include benchSeq. */
  kind: 'insert' | 'update';
  fields: Record<string, unknown>;
}

export interface Trace {
  options: TraceOptions;
  /** Documents present before the first op (benchSeq 0). */
  initialCalls: Record<string, unknown>[];
  initialCampaigns: Record<string, unknown>[];
  ops: TraceOp[];
}

const ACTIVE_PATH = ['initiated', 'queued', 'ringing', 'in-progress'] as const;
const NAMES = ['Ada', 'Grace', 'Alan', 'Edsger', 'Barbara', 'Ken', 'Margaret', 'Linus', 'Frances'];
const SURNAMES = ['Lovelace', 'Hopper', 'Turing', 'Dijkstra', 'Liskov', 'Thompson', 'Hamilton'];
/** A fixed clock for document times, so the trace does not depend on when it is generated. */
const BASE_TIME = Date.UTC(2026, 0, 5, 9, 0, 0);

interface CampaignCounters {
  totalCalls: number;
  completedCalls: number;
  failedCalls: number;
  inProgressCalls: number;
  answeredCalls: number;
  noAnswerCalls: number;
  busyCalls: number;
}

export function generateTrace(options: TraceOptions): Trace {
  const stream = createTraceStream(options);
  const ops: TraceOp[] = [];
  for (let i = 0; i < options.ops; i++) ops.push(stream.next());
  return {
    options,
    initialCalls: stream.initialCalls,
    initialCampaigns: stream.initialCampaigns,
    ops,
  };
}

export interface TraceStream {
  initialCalls: Record<string, unknown>[];
  initialCampaigns: Record<string, unknown>[];
  /** The next op (seq 1, 2, ...); endless, for soaks that must not hold the whole trace. */
  next(): TraceOp;
}

/** The trace as an endless stream; generateTrace takes its first `ops`. */
export function createTraceStream(options: TraceOptions): TraceStream {
  validate(options);
  const random = seededRandom(options.seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const campaignIds = Array.from(
    { length: options.campaigns },
    (_, i) => `CMP${String(i + 1).padStart(4, '0')}`,
  );
  const counters = new Map<string, CampaignCounters>();
  const initialCampaigns = campaignIds.map((campaignId, i) => {
    const c: CampaignCounters = {
      totalCalls: 0,
      completedCalls: 0,
      failedCalls: 0,
      inProgressCalls: 0,
      answeredCalls: 0,
      noAnswerCalls: 0,
      busyCalls: 0,
    };
    counters.set(campaignId, c);
    return {
      campaignId,
      name: `Campaign ${i + 1}`,
      status: 'running',
      ...c,
      startedAt: new Date(BASE_TIME).toISOString(),
      benchSeq: 0,
    };
  });

  let callCounter = 0;
  /** callSid -> index into ACTIVE_PATH, and its campaign. */
  const active = new Map<string, { step: number; campaignId: string }>();
  const activeKeys: string[] = [];
  const newCall = (seq: number): Record<string, unknown> => {
    callCounter++;
    const callSid = `CA${callCounter.toString(16).padStart(10, '0')}`;
    const campaignId = pick(campaignIds);
    active.set(callSid, { step: 0, campaignId });
    activeKeys.push(callSid);
    const c = counters.get(campaignId) as CampaignCounters;
    c.totalCalls++;
    return {
      callSid,
      status: 'initiated',
      to: `+1555${String(Math.floor(random() * 1e7)).padStart(7, '0')}`,
      from: '+15550000000',
      contactName: `${pick(NAMES)} ${pick(SURNAMES)}`,
      campaignId,
      agentId: `agent-${1 + Math.floor(random() * 40)}`,
      startTime: new Date(BASE_TIME + seq * 5).toISOString(),
      duration: 0,
      benchSeq: seq,
    };
  };

  const initialCalls: Record<string, unknown>[] = [];
  for (let i = 0; i < options.activeCalls; i++) {
    const doc = newCall(0);
    const callSid = doc.callSid as string;
    (active.get(callSid) as { step: number }).step = 3;
    const c = counters.get(doc.campaignId as string) as CampaignCounters;
    c.inProgressCalls++;
    c.answeredCalls++;
    initialCalls.push({ ...doc, status: 'in-progress' });
  }
  for (const campaign of initialCampaigns) {
    Object.assign(campaign, counters.get(campaign.campaignId));
  }

  const campaignOp = (seq: number, campaignId: string): TraceOp => ({
    seq,
    collection: 'campaigns',
    key: campaignId,
    kind: 'update',
    fields: { ...(counters.get(campaignId) as CampaignCounters), benchSeq: seq },
  });
  /** A campaign write owed after a call connected or ended: written as the next op. */
  let pendingCampaign: string | null = null;

  let seq = 0;
  const next = (): TraceOp => {
    seq++;
    if (pendingCampaign !== null) {
      const op = campaignOp(seq, pendingCampaign);
      pendingCampaign = null;
      return op;
    }
    if (active.size < options.activeCalls || activeKeys.length === 0) {
      const doc = newCall(seq);
      return { seq, collection: 'calls', key: doc.callSid as string, kind: 'insert', fields: doc };
    }
    const index = Math.floor(random() * activeKeys.length);
    const callSid = activeKeys[index] as string;
    const call = active.get(callSid) as { step: number; campaignId: string };
    const c = counters.get(call.campaignId) as CampaignCounters;
    const fields: Record<string, unknown> = { benchSeq: seq };
    const roll = random();
    let ended: string | null = null;
    if (call.step === 2 && roll < 0.15) {
      ended = roll < 0.08 ? 'no-answer' : 'busy';
    } else if (call.step < 3) {
      call.step++;
      fields.status = ACTIVE_PATH[call.step];
      if (call.step === 3) {
        c.inProgressCalls++;
        c.answeredCalls++;
        pendingCampaign = call.campaignId;
      }
    } else if (roll < 0.35) {
      fields.duration = Math.floor(random() * 600);
    } else {
      ended = roll < 0.9 ? 'completed' : 'failed';
    }
    if (ended !== null) {
      if (call.step === 3) c.inProgressCalls--;
      if (ended === 'completed') c.completedCalls++;
      else c.failedCalls++;
      if (ended === 'no-answer') c.noAnswerCalls++;
      if (ended === 'busy') c.busyCalls++;
      fields.status = ended;
      fields.endTime = new Date(BASE_TIME + seq * 5).toISOString();
      active.delete(callSid);
      // Swap-remove keeps picking O(1) and stays deterministic.
      activeKeys[index] = activeKeys[activeKeys.length - 1] as string;
      activeKeys.pop();
      pendingCampaign = call.campaignId;
    }
    return { seq, collection: 'calls', key: callSid, kind: 'update', fields };
  };
  return { initialCalls, initialCampaigns, next };
}

function validate(options: TraceOptions): void {
  const problems: string[] = [];
  if (!Number.isInteger(options.seed)) problems.push('seed must be an integer');
  if (!Number.isInteger(options.ops) || options.ops < 0)
    problems.push('ops must be an integer >= 0');
  if (!Number.isInteger(options.activeCalls) || options.activeCalls < 1) {
    problems.push('activeCalls must be an integer >= 1');
  }
  if (!Number.isInteger(options.campaigns) || options.campaigns < 1) {
    problems.push('campaigns must be an integer >= 1');
  }
  if (problems.length > 0) throw new Error(`invalid trace options: ${problems.join('; ')}`);
}

/**
 * What the database holds after the whole trace: every active call and every campaign, by key,
 * with the benchSeq of its last write. Terminal calls are not in a client's active set.
 */
export function expectedFinalState(trace: Trace): Map<string, number> {
  const seqs = new Map<string, number>();
  const terminal = new Set<string>();
  for (const doc of trace.initialCalls) seqs.set(doc.callSid as string, 0);
  for (const doc of trace.initialCampaigns) seqs.set(doc.campaignId as string, 0);
  for (const op of trace.ops) {
    seqs.set(op.key, op.seq);
    const status = op.fields.status;
    if (op.collection === 'calls' && typeof status === 'string' && !ACTIVE.has(status)) {
      terminal.add(op.key);
    }
  }
  for (const key of terminal) seqs.delete(key);
  return seqs;
}

const ACTIVE: ReadonlySet<string> = new Set(ACTIVE_PATH);

/** For each key, the seqs written to it, ascending: resolves coalesced deliveries. */
export function seqsByKey(trace: Trace): Map<string, number[]> {
  const byKey = new Map<string, number[]>();
  for (const op of trace.ops) {
    const list = byKey.get(op.key);
    if (list) list.push(op.seq);
    else byKey.set(op.key, [op.seq]);
  }
  return byKey;
}

/** Whether a call status takes the call out of the active set. */
export function isTerminalCallStatus(status: unknown): boolean {
  return typeof status === 'string' && !ACTIVE.has(status);
}
