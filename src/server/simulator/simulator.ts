import type { Logger } from '../../shared/log';
import type { CallStore, SimCampaign, StoreOp } from './call-store';
import { isMachineAnswer, type AnsweredBy } from '../../shared/domain/outcome-fields';
import {
  ANALYSIS_DELAY_SECONDS,
  MACHINE_SHARE,
  MACHINE_TALK_SECONDS,
  SIM_AGENTS,
  pickAnsweredBy,
  postCallAnalysis,
  type SimAgent,
} from './post-call';
import { between, pick, seededRandom, weighted } from './random';
import { SimTranscripts } from './transcript-turns';

export interface SimulatorOptions {
  store: CallStore;
  logger: Logger;
  /** New calls per second (fractions allowed: 0.2 is a trickle). Each call makes ~4 updates. */
  callsPerSecond?: number;
  /** Multiplies every duration: 0.1 makes a 2-minute call last 12 s (the demo). Default 1. */
  timeScale?: number;
  /** Campaigns running at once. Default 4. */
  campaigns?: number;
  /** How often the simulator advances and writes (ms). Default 200. */
  tickMs?: number;
  seed?: number;
  now?: () => number;
  /**
   * Whose spellings the statuses use: `twilio` (CallStatus, the default) or `elevenlabs`
   * (batch-call and conversation statuses: pending, initiated, in_progress, processing, done,
   * cancelled, with agent_id and metadata.call_duration_secs), as DATA.md lists them.
   */
  vocabulary?: Vocabulary;
  /** Live transcript turns for this many conversations at once (the demo); default 0: none. */
  transcriptCalls?: number;
}

export type Vocabulary = 'twilio' | 'elevenlabs';
export const VOCABULARIES: readonly Vocabulary[] = ['twilio', 'elevenlabs'];

/** ElevenLabs' spelling of each simulated step; a completed call passes through processing. */
const ELEVENLABS: Record<string, string> = {
  queued: 'pending',
  ringing: 'initiated',
  'in-progress': 'in_progress',
  completed: 'done',
  canceled: 'cancelled',
};

type Outcome = 'completed' | 'no-answer' | 'busy' | 'failed' | 'canceled';

/** Outcome mix of an outbound campaign (roughly what dialers report). */
const OUTCOMES: Record<Outcome, number> = {
  completed: 58,
  'no-answer': 17,
  busy: 9,
  failed: 6,
  canceled: 10,
};

/** Each step: the status and how long (s) after the previous one it comes. */
type Plan = [status: string, afterSeconds: [number, number]][];

function planFor(outcome: Outcome, random: () => number, vocabulary: Vocabulary): Plan {
  const plan = twilioPlan(outcome, random);
  if (vocabulary === 'twilio') return plan;
  const spelled: Plan = plan.map(([status, after]) => [ELEVENLABS[status] ?? status, after]);
  if (outcome !== 'completed') return spelled;
  // The call is over (processing: analysis running), then its analysis is done.
  const done = spelled.pop()!;
  return [...spelled, ['processing', done[1]], ['done', [2, 8]]];
}

function twilioPlan(outcome: Outcome, random: () => number): Plan {
  const queued: Plan[number] = ['queued', [0.3, 1.5]];
  const ringing: Plan[number] = ['ringing', [0.5, 4]];
  switch (outcome) {
    case 'completed':
      return [queued, ringing, ['in-progress', [3, 15]], ['completed', [20, 240]]];
    case 'no-answer':
      return [queued, ringing, ['no-answer', [20, 30]]];
    case 'busy':
      return [queued, ringing, ['busy', [1, 3]]];
    case 'failed':
      return random() < 0.5 ? [['failed', [0.5, 2]]] : [queued, ['failed', [0.5, 3]]];
    case 'canceled':
      return random() < 0.5
        ? [queued, ['canceled', [2, 10]]]
        : [queued, ringing, ['canceled', [2, 8]]];
  }
}

interface LiveCall {
  callSid: string;
  campaignId: string;
  status: string;
  plan: Plan;
  nextAt: number;
  startedAt: number;
  answeredAt: number | null;
  contactName: string;
  agent: SimAgent | null;
  answeredBy: AnsweredBy | null;
}

interface LiveCampaign {
  campaign: SimCampaign;
  dialed: number;
  open: number;
  /** Share of its answered calls that reach a machine or a fax. */
  machineShare: number;
}

/** A post-call analysis waiting for its time (ElevenLabs sends it after the call ended). */
interface PendingAnalysis {
  callSid: string;
  dueAt: number;
  set: Record<string, unknown>;
}

const NAMES = [
  'Ada Lovelace',
  'Grace Hopper',
  'Alan Turing',
  'Katherine Johnson',
  'Linus Pauling',
  'Marie Curie',
  'Nikola Tesla',
  'Rosalind Franklin',
  'Carl Sagan',
  'Hedy Lamarr',
  'Tim Berners-Lee',
  'Barbara Liskov',
];
const CAMPAIGN_NAMES = [
  'Renewals',
  'Winback',
  'Survey',
  'Appointment reminders',
  'Upsell',
  'Collections',
  'Onboarding',
  'Feedback',
];

/**
 * Realistic call-centre traffic for the demo, tests and benchmarks: call lifecycles
 * (initiated -> queued -> ringing -> in-progress -> completed / failed / busy / no-answer /
 * canceled) with realistic timings and outcome mix, and campaigns whose counters move.
 * Answered calls get an agent (./post-call: agents with clearly different success rates) and
 * a Twilio AMD `AnsweredBy`; each completed call gets its ElevenLabs post-call analysis
 * 2-20 s (times timeScale) after it ended, as a late update of a document already terminal.
 * tick(now) is deterministic for a given seed and clock; start() runs it on a timer.
 */
export class TrafficSimulator {
  private readonly random: () => number;
  private readonly now: () => number;
  private readonly calls = new Map<string, LiveCall>();
  private readonly campaigns = new Map<string, LiveCampaign>();
  private analyses: PendingAnalysis[] = [];
  private lastTick: number | null = null;
  private carry = 0;
  private counter = 0;
  private timer: ReturnType<typeof setInterval> | null = null;
  private writing: Promise<void> | null = null;
  private readonly stats = { callsCreated: 0, updates: 0, analyses: 0, writeErrors: 0 };
  private readonly transcripts: SimTranscripts | null = null;

  constructor(private readonly options: SimulatorOptions) {
    const rate = options.callsPerSecond ?? 1;
    if (!Number.isFinite(rate) || rate < 0) {
      throw new RangeError(`callsPerSecond must be a number >= 0, got ${rate}`);
    }
    this.random = seededRandom(options.seed ?? Date.now());
    this.now = options.now ?? Date.now;
    this.elevenLabs = options.vocabulary === 'elevenlabs';
    const talking = options.transcriptCalls ?? 0;
    if (talking > 0) this.transcripts = new SimTranscripts(this.random, talking);
  }

  private readonly elevenLabs: boolean;

  counters(): {
    callsCreated: number;
    updates: number;
    analyses: number;
    writeErrors: number;
    activeCalls: number;
  } {
    return { ...this.stats, activeCalls: this.calls.size };
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      if (this.writing) return; // the next tick catches up: it works from the clock
      this.writing = this.tick(this.now())
        .catch((error: unknown) => {
          this.stats.writeErrors += 1;
          this.options.logger.warn('simulator write failed', { error: (error as Error).message });
        })
        .finally(() => {
          this.writing = null;
        });
    }, this.options.tickMs ?? 200);
  }

  /** Stops the timer and waits for the write in flight. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.writing;
  }

  /** Advances the simulation to `now` and writes what changed. */
  async tick(now: number): Promise<void> {
    const ops = this.advance(now);
    if (ops.length > 0) await this.options.store.write(ops);
  }

  /** The pure part of tick(): the operations that bring the store to `now`. */
  advance(now: number): StoreOp[] {
    const ops: StoreOp[] = [];
    const campaignInc = new Map<string, Record<string, number>>();
    const inc = (campaignId: string, field: string, by = 1) => {
      if (!this.campaigns.has(campaignId)) return; // inbound: no campaign to count in
      const fields = campaignInc.get(campaignId) ?? {};
      fields[field] = (fields[field] ?? 0) + by;
      campaignInc.set(campaignId, fields);
    };
    const scale = this.options.timeScale ?? 1;
    const elapsed = this.lastTick === null ? 0 : Math.min(5_000, Math.max(0, now - this.lastTick));
    this.lastTick = now;
    this.ensureCampaigns(now, ops);

    this.carry += ((this.options.callsPerSecond ?? 1) * elapsed) / 1000;
    while (this.carry >= 1) {
      this.carry -= 1;
      ops.push(this.newCall(now, scale));
    }

    for (const call of this.calls.values()) {
      while (call.nextAt <= now && call.plan.length > 0) {
        const [status] = call.plan.shift()!;
        const at = call.nextAt;
        call.status = status;
        const set: Record<string, unknown> = { status, updatedAt: new Date(at) };
        if (status === 'in-progress' || status === 'in_progress') {
          this.answer(call, at, set);
          if (!call.answeredBy || !isMachineAnswer(call.answeredBy)) {
            this.transcripts?.answered(call.callSid, at, scale);
          }
          inc(call.campaignId, 'inProgressCalls');
          inc(call.campaignId, 'answeredCalls');
        }
        const next = call.plan[0];
        if (next) {
          call.nextAt = at + between(this.random, ...next[1]) * 1000 * scale;
        } else {
          set.endTime = new Date(at);
          const seconds = call.answeredAt === null ? 0 : Math.round((at - call.answeredAt) / 1000);
          set[this.elevenLabs ? 'metadata.call_duration_secs' : 'duration'] = seconds;
          this.countOutcome(call, status, inc);
          this.scheduleAnalysis(call, at, seconds, scale);
          this.calls.delete(call.callSid);
          this.transcripts?.ended(call.callSid);
        }
        ops.push({ kind: 'updateCall', callSid: call.callSid, set });
        this.stats.updates += 1;
      }
    }
    this.transcripts?.advance(now, scale, ops);
    this.writeDueAnalyses(now, ops);

    for (const [campaignId, fields] of campaignInc) {
      const live = this.campaigns.get(campaignId);
      const set: Partial<SimCampaign> = { updatedAt: new Date(now) };
      if (live && live.dialed >= live.campaign.totalCalls && live.open === 0) {
        set.status = 'completed';
        set.completedAt = new Date(now);
        this.campaigns.delete(campaignId);
      }
      ops.push({ kind: 'updateCampaign', campaignId, inc: fields, set });
    }
    return ops;
  }

  /** The call is answered: an agent takes it, and Twilio AMD says who picked up. */
  private answer(call: LiveCall, at: number, set: Record<string, unknown>): void {
    call.answeredAt = at;
    call.agent = pick(this.random, SIM_AGENTS);
    set[this.elevenLabs ? 'agent_id' : 'agentId'] = call.agent.agentId;
    const campaign = this.campaigns.get(call.campaignId);
    if (!campaign) return; // inbound: no answering-machine detection
    call.answeredBy = pickAnsweredBy(this.random, campaign.machineShare);
    set.AnsweredBy = call.answeredBy;
    const next = call.plan[0];
    // A machine gets a short message, not a conversation.
    if (next && isMachineAnswer(call.answeredBy)) {
      call.plan[0] = [next[0], MACHINE_TALK_SECONDS];
    }
  }

  /** A completed call's analysis arrives 2-20 s (times timeScale) after it ended. */
  private scheduleAnalysis(call: LiveCall, endedAt: number, talkSeconds: number, scale: number) {
    if (call.agent === null || call.answeredAt === null) return; // no conversation, no analysis
    const dueAt = endedAt + between(this.random, ...ANALYSIS_DELAY_SECONDS) * 1000 * scale;
    const set = postCallAnalysis(this.random, {
      agent: call.agent,
      answeredBy: call.answeredBy,
      contactName: call.contactName,
      talkSeconds,
    });
    this.analyses.push({ callSid: call.callSid, dueAt, set });
  }

  private writeDueAnalyses(now: number, ops: StoreOp[]): void {
    if (this.analyses.length === 0) return;
    const waiting: PendingAnalysis[] = [];
    for (const analysis of this.analyses) {
      if (analysis.dueAt > now) {
        waiting.push(analysis);
        continue;
      }
      const set = { ...analysis.set, updatedAt: new Date(analysis.dueAt) };
      ops.push({ kind: 'updateCall', callSid: analysis.callSid, set });
      this.stats.analyses += 1;
    }
    this.analyses = waiting;
  }

  private countOutcome(
    call: LiveCall,
    status: string,
    inc: (campaignId: string, field: string, by?: number) => void,
  ): void {
    if (call.answeredAt !== null) inc(call.campaignId, 'inProgressCalls', -1);
    if (status === 'completed' || status === 'done') inc(call.campaignId, 'completedCalls');
    else if (status === 'failed') inc(call.campaignId, 'failedCalls');
    else if (status === 'busy') inc(call.campaignId, 'busyCalls');
    else if (status === 'no-answer') inc(call.campaignId, 'noAnswerCalls');
    else inc(call.campaignId, 'canceledCalls');
    const live = this.campaigns.get(call.campaignId);
    if (live) live.open -= 1;
  }

  private ensureCampaigns(now: number, ops: StoreOp[]): void {
    const dialing = () =>
      [...this.campaigns.values()].filter((c) => c.dialed < c.campaign.totalCalls).length;
    // New campaigns start as others finish dialing (their last calls may still be running).
    while (dialing() < (this.options.campaigns ?? 4)) {
      this.counter += 1;
      const campaignId = `CMP-${String(this.counter).padStart(4, '0')}-${Math.floor(this.random() * 1e6).toString(36)}`;
      const campaign: SimCampaign = {
        campaignId,
        name: `${pick(this.random, CAMPAIGN_NAMES)} #${this.counter}`,
        status: 'running',
        totalCalls: 100 + Math.floor(this.random() * 500),
        completedCalls: 0,
        failedCalls: 0,
        inProgressCalls: 0,
        answeredCalls: 0,
        noAnswerCalls: 0,
        busyCalls: 0,
        canceledCalls: 0,
        startedAt: new Date(now),
        completedAt: null,
        updatedAt: new Date(now),
      };
      this.campaigns.set(campaignId, {
        campaign,
        dialed: 0,
        open: 0,
        machineShare: between(this.random, ...MACHINE_SHARE),
      });
      ops.push({ kind: 'insertCampaign', campaign });
    }
  }

  private newCall(now: number, scale: number): StoreOp {
    const dialing = [...this.campaigns.values()].filter((c) => c.dialed < c.campaign.totalCalls);
    const live = dialing.length > 0 ? pick(this.random, dialing) : undefined;
    const campaignId = live?.campaign.campaignId ?? 'inbound';
    if (live) {
      live.dialed += 1;
      live.open += 1;
    }
    const outcome = weighted(this.random, OUTCOMES);
    const plan = planFor(outcome, this.random, this.options.vocabulary ?? 'twilio');
    const hex = Array.from({ length: 32 }, () => Math.floor(this.random() * 16).toString(16)).join(
      '',
    );
    const callSid = `CA${hex}`;
    const contactName = pick(this.random, NAMES);
    this.calls.set(callSid, {
      callSid,
      campaignId,
      status: 'initiated',
      plan,
      nextAt: now + between(this.random, ...plan[0]![1]) * 1000 * scale,
      startedAt: now,
      answeredAt: null,
      contactName,
      agent: null,
      answeredBy: null,
    });
    this.stats.callsCreated += 1;
    const digits = () => String(Math.floor(this.random() * 1e7)).padStart(7, '0');
    return {
      kind: 'insertCall',
      call: {
        callSid,
        status: 'initiated',
        to: `+1555${digits()}`,
        from: `+1800${digits()}`,
        contactName,
        campaignId,
        agentId: null,
        startTime: new Date(now),
        endTime: null,
        duration: null,
        updatedAt: new Date(now),
      },
    };
  }
}
