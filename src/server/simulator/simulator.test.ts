import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../shared/log';
import { TERMINAL_CALL_STATUSES } from '../../shared/domain/lifecycle';
import { parseCall } from '../../shared/domain/schemas';
import type { CallEntry } from '../../shared/feed/types';
import { computeOutcomeKpis } from '../../shared/kpi/outcome-kpis';
import type { CallStore, SimCall, SimCampaign, StoreOp } from './call-store';
import { TrafficSimulator, type Vocabulary } from './simulator';
import type { SimTurn } from './transcript-turns';

const isTerminal = (s: string) => (TERMINAL_CALL_STATUSES as readonly string[]).includes(s);

/** `$set` of one field as MongoDB applies it: a dotted path names nested fields. */
function setPath(doc: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let at = doc;
  for (const part of parts.slice(0, -1)) {
    if (typeof at[part] !== 'object' || at[part] === null) at[part] = {};
    at = at[part] as Record<string, unknown>;
  }
  at[parts.at(-1)!] = value;
}

/** A store that applies the ops to plain maps, as MongoDB would. */
function memoryStore(clock: () => number) {
  const calls = new Map<string, SimCall>();
  const campaigns = new Map<string, SimCampaign>();
  const history = new Map<string, string[]>();
  /** When (the clock at the write) each call's analysis was written. */
  const analysedAt = new Map<string, number[]>();
  const turns = new Map<string, SimTurn>();
  const corrected = new Set<string>();
  let writes = 0;
  const store: CallStore = {
    async write(ops: readonly StoreOp[]) {
      writes += 1;
      for (const op of ops) {
        if (op.kind === 'insertCall') {
          calls.set(op.call.callSid, { ...op.call });
          history.set(op.call.callSid, [op.call.status]);
        } else if (op.kind === 'updateCall') {
          const call = calls.get(op.callSid);
          if (!call) throw new Error(`update of unknown call ${op.callSid}`);
          for (const [path, value] of Object.entries(op.set)) {
            setPath(call as unknown as Record<string, unknown>, path, value);
          }
          if ('analysis' in op.set) {
            analysedAt.set(op.callSid, [...(analysedAt.get(op.callSid) ?? []), clock()]);
          }
          if (op.set.status) history.get(op.callSid)!.push(op.set.status);
        } else if (op.kind === 'insertCampaign') {
          campaigns.set(op.campaign.campaignId, { ...op.campaign });
        } else if (op.kind === 'insertTurn') {
          turns.set(op.turn._id, { ...op.turn });
        } else if (op.kind === 'updateTurn') {
          Object.assign(turns.get(op.id)!, op.set);
          corrected.add(op.id);
        } else {
          const c = campaigns.get(op.campaignId) as unknown as Record<string, number>;
          for (const [k, v] of Object.entries(op.inc ?? {})) c[k] = (c[k] ?? 0) + v!;
          Object.assign(c, op.set);
        }
      }
    },
  };
  return { store, calls, campaigns, history, analysedAt, turns, corrected, writes: () => writes };
}

const ALLOWED: Record<string, string[]> = {
  initiated: ['queued', 'failed'],
  queued: ['ringing', 'failed', 'canceled'],
  ringing: ['in-progress', 'no-answer', 'busy', 'canceled'],
  'in-progress': ['completed'],
};

async function run(
  seconds: number,
  options: {
    callsPerSecond: number;
    timeScale?: number;
    vocabulary?: Vocabulary;
    transcriptCalls?: number;
  },
) {
  let now = 1_000_000;
  const mem = memoryStore(() => now);
  const sim = new TrafficSimulator({
    store: mem.store,
    logger: silentLogger,
    seed: 42,
    now: () => now,
    ...options,
  });
  for (let t = 0; t <= seconds * 5; t++) {
    await sim.tick(now);
    now += 200;
  }
  return { ...mem, sim, end: now };
}

describe('TrafficSimulator', () => {
  it('moves calls through valid lifecycles with a realistic outcome mix', async () => {
    const { history, calls } = await run(600, { callsPerSecond: 2 });
    expect(calls.size).toBeGreaterThan(1000);
    const outcomes = new Map<string, number>();
    for (const statuses of history.values()) {
      expect(statuses[0]).toBe('initiated');
      for (let i = 1; i < statuses.length; i++) {
        expect(ALLOWED[statuses[i - 1]!]).toContain(statuses[i]);
      }
      const last = statuses.at(-1)!;
      if (isTerminal(last)) outcomes.set(last, (outcomes.get(last) ?? 0) + 1);
    }
    const ended = [...outcomes.values()].reduce((a, b) => a + b, 0);
    expect([...outcomes.keys()].sort()).toEqual([
      'busy',
      'canceled',
      'completed',
      'failed',
      'no-answer',
    ]);
    expect(outcomes.get('completed')! / ended).toBeGreaterThan(0.4);
    expect(outcomes.get('completed')! / ended).toBeLessThan(0.75);
    for (const call of calls.values()) {
      if (call.status === 'completed') {
        expect(call.duration).toBeGreaterThanOrEqual(20);
        expect(call.agentId).toMatch(/^agent-\d\d$/);
      }
    }
  });

  it('keeps campaign counters equal to the calls they count, and finishes campaigns', async () => {
    const { calls, campaigns } = await run(1200, { callsPerSecond: 3 });
    for (const campaign of campaigns.values()) {
      const mine = [...calls.values()].filter((c) => c.campaignId === campaign.campaignId);
      const count = (status: string) => mine.filter((c) => c.status === status).length;
      expect(campaign.completedCalls).toBe(count('completed'));
      expect(campaign.failedCalls).toBe(count('failed'));
      expect(campaign.busyCalls).toBe(count('busy'));
      expect(campaign.inProgressCalls).toBe(count('in-progress'));
      expect(campaign.completedCalls + campaign.inProgressCalls).toBe(campaign.answeredCalls);
    }
    expect([...campaigns.values()].some((c) => c.status === 'completed')).toBe(true);
    const running = [...campaigns.values()].filter((c) => c.status === 'running');
    expect(running.length).toBeGreaterThanOrEqual(4);
  });

  it('follows the configured rate, from a trickle to thousands of updates per second', async () => {
    const trickle = await run(100, { callsPerSecond: 0.2 });
    expect(trickle.sim.counters().callsCreated).toBe(20);
    const busy = await run(10, { callsPerSecond: 1000, timeScale: 0.05 });
    expect(busy.sim.counters().callsCreated).toBe(10_000);
    expect(busy.sim.counters().updates).toBeGreaterThan(20_000);
    expect(busy.writes()).toBeLessThanOrEqual(51); // one write per tick, not per update
  });

  it('writes live turns for answered conversations only, alternating, with corrections and tool calls', async () => {
    const { turns, corrected, calls, history } = await run(600, {
      callsPerSecond: 1,
      transcriptCalls: 5,
    });
    const byCall = new Map<string, SimTurn[]>();
    for (const t of turns.values()) byCall.set(t.callSid, [...(byCall.get(t.callSid) ?? []), t]);
    expect(byCall.size).toBeGreaterThan(5);
    for (const [callSid, mine] of byCall) {
      // Only calls a person answered talk (never a machine, never an unanswered call).
      expect(history.get(callSid)).toContain('in-progress');
      const answeredBy = (calls.get(callSid) as unknown as { AnsweredBy?: string }).AnsweredBy;
      expect(answeredBy ?? 'human').not.toMatch(/^(machine|fax)/);
      const ordered = mine.sort((a, b) => a.timeInCallSecs - b.timeInCallSecs);
      expect(ordered[0]!.role).toBe('agent');
      ordered.forEach((t, i) => expect(t.role).toBe(i % 2 === 0 ? 'agent' : 'user'));
      for (let i = 1; i < ordered.length; i++) {
        const gap = ordered[i]!.timeInCallSecs - ordered[i - 1]!.timeInCallSecs;
        expect(gap).toBeGreaterThanOrEqual(1.9);
        expect(gap).toBeLessThanOrEqual(6.1);
      }
    }
    expect(corrected.size).toBeGreaterThan(0);
    for (const id of corrected) expect(turns.get(id)!.message).not.toMatch(/a head|wander|fire/);
    expect([...turns.values()].some((t) => t.tool_calls?.length)).toBe(true);
  });

  it('gives turns wall-clock times in the call when the time scale speeds the demo up', async () => {
    const { turns } = await run(600, { callsPerSecond: 1, transcriptCalls: 5, timeScale: 0.25 });
    const byCall = new Map<string, SimTurn[]>();
    for (const t of turns.values()) byCall.set(t.callSid, [...(byCall.get(t.callSid) ?? []), t]);
    expect(byCall.size).toBeGreaterThan(2);
    for (const mine of byCall.values()) {
      const ordered = mine.sort((a, b) => a.timeInCallSecs - b.timeInCallSecs);
      for (let i = 1; i < ordered.length; i++) {
        const between =
          (ordered[i]!.createdAt.getTime() - ordered[i - 1]!.createdAt.getTime()) / 1000;
        const gap = ordered[i]!.timeInCallSecs - ordered[i - 1]!.timeInCallSecs;
        expect(Math.abs(gap - between)).toBeLessThanOrEqual(0.11);
        expect(gap).toBeLessThanOrEqual(6 * 0.25 + 0.1);
      }
    }
  });

  it('writes no turns unless asked (the default)', async () => {
    const { turns } = await run(120, { callsPerSecond: 2 });
    expect(turns.size).toBe(0);
  });

  it('refuses a negative rate', () => {
    expect(
      () =>
        new TrafficSimulator({
          store: memoryStore(() => 0).store,
          logger: silentLogger,
          callsPerSecond: -1,
        }),
    ).toThrow(/callsPerSecond/);
  });
});

describe('the ElevenLabs vocabulary', () => {
  // DATA.md: ElevenLabs batch-call recipient and conversation statuses, and the
  // call_initiation_failure reasons (busy, no-answer).
  const ELEVENLABS = [
    'pending',
    'initiated',
    'in_progress',
    'processing',
    'done',
    'failed',
    'cancelled',
    'busy',
    'no-answer',
  ];

  it('writes only ElevenLabs statuses, a completed call going processing then done', async () => {
    const { history, calls } = await run(120, {
      callsPerSecond: 2,
      timeScale: 0.1,
      vocabulary: 'elevenlabs',
    });
    const all = [...history.values()].flat();
    expect(new Set(all).size).toBeGreaterThan(5);
    for (const status of all) expect(ELEVENLABS).toContain(status);
    const done = [...history.values()].filter((h) => h.at(-1) === 'done');
    expect(done.length).toBeGreaterThan(0);
    for (const h of done) expect(h.slice(-3)).toEqual(['in_progress', 'processing', 'done']);
    const answered = [...calls.values()].find((c) =>
      history.get(c.callSid)!.includes('in_progress'),
    );
    expect(answered).toHaveProperty('agent_id', expect.stringMatching(/^agent-\d\d$/));
  });
});

describe('post-call analysis', () => {
  it('arrives 2-20 s (times timeScale) after a completed call ended, once, and only then', async () => {
    const scale = 0.5;
    const { calls, analysedAt, end } = await run(300, { callsPerSecond: 2, timeScale: scale });
    const lastTick = end - 200;
    let analysed = 0;
    for (const call of calls.values()) {
      const written = analysedAt.get(call.callSid) ?? [];
      const endedAt = call.endTime?.getTime();
      if (call.status !== 'completed' || endedAt === undefined) {
        expect(written).toEqual([]);
        continue;
      }
      if (endedAt + 20_000 * scale <= lastTick) expect(written).toHaveLength(1);
      if (written.length === 0) continue;
      analysed += 1;
      expect(written).toHaveLength(1);
      // Written at the first tick (every 200 ms) at or after its time.
      expect(written[0]! - endedAt).toBeGreaterThanOrEqual(2_000 * scale);
      expect(written[0]! - endedAt).toBeLessThanOrEqual(20_000 * scale + 200);
    }
    expect(analysed).toBeGreaterThan(200);
  });

  it('reads through the field mapping as agents with clearly different success rates', async () => {
    const { calls, end } = await run(1200, { callsPerSecond: 3 });
    const entries: CallEntry[] = [];
    for (const doc of calls.values()) {
      const parsed = parseCall(doc);
      if (!parsed.ok) throw new Error(parsed.error);
      expect(parsed.leftOut).toEqual([]);
      entries.push({ call: parsed.value, receivedAt: end });
    }
    const kpis = computeOutcomeKpis(entries, {
      window: { kind: 'today', timeZone: 'UTC' },
      now: end,
    });
    expect(kpis.agents.length).toBeGreaterThanOrEqual(6);
    const rates = kpis.agents.map((a) => a.successRate!);
    for (const agent of kpis.agents) expect(agent.success + agent.failure).toBeGreaterThan(100);
    expect(Math.max(...rates) - Math.min(...rates)).toBeGreaterThan(0.3);
    // Not red by default: the whole floor's success rate stays well above the default alert
    // threshold (50 %), machines and voicemail included.
    const success = kpis.agents.reduce((n, a) => n + a.success, 0);
    const failure = kpis.agents.reduce((n, a) => n + a.failure, 0);
    expect(success / (success + failure)).toBeGreaterThan(0.6);
    expect(kpis.agents.reduce((n, a) => n + a.transfers, 0)).toBeGreaterThan(0);
    for (const agent of kpis.agents) {
      expect(agent.cost).toBeGreaterThan(0);
      expect(agent.avgTalkSeconds).toBeGreaterThan(20);
    }
    const campaigns = kpis.campaigns.filter((c) => c.campaignId !== 'inbound' && c.answered > 50);
    expect(campaigns.length).toBeGreaterThan(0);
    for (const campaign of campaigns) {
      expect(campaign.machineRate).toBeGreaterThan(0.02);
      expect(campaign.machineRate).toBeLessThan(0.45);
      expect(campaign.costPerSuccess).toBeGreaterThan(0);
    }
    expect(kpis.criteria.map((c) => c.criterionId)).toEqual([
      'greeting',
      'identity_verified',
      'objective_met',
    ]);
    const analysed = entries.filter((e) => e.call.callSuccessful != null);
    expect(analysed.length).toBeGreaterThan(1000);
    for (const { call } of analysed) {
      expect(call.transcriptSummary).toEqual(expect.any(String));
      expect(call.callSummaryTitle).toEqual(expect.any(String));
      expect(call.terminationReason).toEqual(expect.any(String));
      expect(typeof call.transferredToHuman).toBe('boolean');
      expect(call.answeredBy).toEqual(expect.any(String));
      for (const criterion of Object.values(call.evaluationCriteriaResults!)) {
        expect(criterion.rationale).toEqual(expect.any(String));
      }
    }
  });

  it('keeps ElevenLabs metadata written before the analysis', async () => {
    const { calls, analysedAt } = await run(120, {
      callsPerSecond: 2,
      timeScale: 0.1,
      vocabulary: 'elevenlabs',
    });
    const done = [...calls.values()].filter((c) => analysedAt.has(c.callSid));
    expect(done.length).toBeGreaterThan(0);
    for (const doc of done) {
      expect(doc.status).toBe('done');
      expect(doc).toHaveProperty('metadata.call_duration_secs', expect.any(Number));
      expect(doc).toHaveProperty('metadata.cost', expect.any(Number));
      expect(doc).toHaveProperty('analysis.call_successful', expect.any(String));
    }
  });
});
