import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../shared/log';
import { TERMINAL_CALL_STATUSES } from '../../shared/domain/lifecycle';
import type { CallStore, SimCall, SimCampaign, StoreOp } from './call-store';
import { TrafficSimulator, type Vocabulary } from './simulator';

const isTerminal = (s: string) => (TERMINAL_CALL_STATUSES as readonly string[]).includes(s);

/** A store that applies the ops to plain maps, as MongoDB would. */
function memoryStore() {
  const calls = new Map<string, SimCall>();
  const campaigns = new Map<string, SimCampaign>();
  const history = new Map<string, string[]>();
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
          Object.assign(call, op.set);
          if (op.set.status) history.get(op.callSid)!.push(op.set.status);
        } else if (op.kind === 'insertCampaign') {
          campaigns.set(op.campaign.campaignId, { ...op.campaign });
        } else {
          const c = campaigns.get(op.campaignId) as unknown as Record<string, number>;
          for (const [k, v] of Object.entries(op.inc ?? {})) c[k] = (c[k] ?? 0) + v!;
          Object.assign(c, op.set);
        }
      }
    },
  };
  return { store, calls, campaigns, history, writes: () => writes };
}

const ALLOWED: Record<string, string[]> = {
  initiated: ['queued', 'failed'],
  queued: ['ringing', 'failed', 'canceled'],
  ringing: ['in-progress', 'no-answer', 'busy', 'canceled'],
  'in-progress': ['completed'],
};

async function run(
  seconds: number,
  options: { callsPerSecond: number; timeScale?: number; vocabulary?: Vocabulary },
) {
  const mem = memoryStore();
  let now = 1_000_000;
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
  return { ...mem, sim };
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

  it('refuses a negative rate', () => {
    expect(
      () =>
        new TrafficSimulator({
          store: memoryStore().store,
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
