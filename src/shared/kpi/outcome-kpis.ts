import { callLifecycle, type Lifecycle } from '../domain/lifecycle';
import { isMachineAnswer, type Verdict } from '../domain/outcome-fields';
import type { CallEntry } from '../feed/types';
import { entriesOf } from '../feed/entries';
import type { CallEntries } from './call-kpis';
import { callEndedAt, finalTalkSeconds } from './call-times';
import { shareOf } from './campaign-kpis';
import { concurrencyOf, type Concurrency } from './concurrency';
import { isInWindow, windowBounds, type KpiWindow, type WindowBounds } from './kpi-window';

/**
 * What supervisors of AI agents watch (issue 14): per agent, per campaign and per evaluation
 * criterion, over a window (./kpi-window), plus concurrency against the plan limit. Computed
 * in one pass over the calls held (the active ones and the recently ended ones, in any mix;
 * when a call is given twice, the version received last counts).
 *
 * Which calls are active or ended is the lifecycle rule's (the feed's `endedAt`, else the
 * status read through the rule), never decided here. An ended call counts in the window when
 * it ended inside it (callEndedAt). Its verdict is ElevenLabs' `call_successful`: a call is
 * *analysable* when it ended `completed` (a conversation happened) or carries a verdict; an
 * analysable call without `success` or `failure` (none yet, or `unknown`) is *undecided*.
 * Busy, no-answer and failed calls get no analysis and are not undecided.
 */

/** success / (success + failure), and how many of the analysable calls are undecided. */
export interface VerdictFigures {
  success: number;
  failure: number;
  undecided: number;
  /** success / (success + failure), null before the first decided call. */
  successRate: number | null;
  /** undecided / (success + failure + undecided), null without analysable calls. */
  undecidedShare: number | null;
}

export interface AgentKpis extends VerdictFigures {
  agentId: string;
  /** Active calls now (whatever the window). */
  live: number;
  /** Calls that ended in the window. */
  ended: number;
  /** Average final talk time of the calls that ended completed and report one, or null. */
  avgTalkSeconds: number | null;
  /** Sum of the costs the ended calls report (in the integration's unit: ElevenLabs credits). */
  cost: number;
  /** Ended calls that report a cost. */
  costed: number;
  /** Ended calls handed to a human (`metadata.features_usage.transfer_to_number.used`). */
  transfers: number;
}

export interface CampaignOutcomeKpis extends VerdictFigures {
  campaignId: string;
  ended: number;
  /** Ended calls with an AMD result (AMD runs on answered calls; `unknown` included). */
  answered: number;
  /** Of those, answered by a machine or a fax. */
  machine: number;
  /** machine / answered, null before the first AMD result. */
  machineRate: number | null;
  cost: number;
  /** Everything the campaign's ended calls cost, per successful call; null before one. */
  costPerSuccess: number | null;
}

export interface PassFigures {
  passed: number;
  failed: number;
  unknown: number;
  /** passed / (passed + failed), null before the first decided result. */
  passRate: number | null;
}

export interface CriterionKpis extends PassFigures {
  criterionId: string;
  /** The same figures for each agent whose calls were judged on it (by agentId). */
  byAgent: (PassFigures & { agentId: string })[];
}

/** Every call that ended in the window, whatever its agent or campaign. */
export interface TotalKpis extends VerdictFigures {
  ended: number;
  /** Ended calls with an AMD result, and of those answered by a machine or a fax. */
  answered: number;
  machine: number;
  machineRate: number | null;
  /** Sum of the costs the ended calls report. */
  cost: number;
  /** Ended calls that report a cost. */
  costed: number;
}

export interface OutcomeKpis {
  window: WindowBounds;
  total: TotalKpis;
  agents: AgentKpis[];
  campaigns: CampaignOutcomeKpis[];
  criteria: CriterionKpis[];
  concurrency: Concurrency;
  at: number;
}

export interface OutcomeKpiOptions {
  window: KpiWindow;
  now: number;
  /** The plan's concurrent-call limit, when one is configured. */
  planLimit?: number | null;
}

interface VerdictTally {
  success: number;
  failure: number;
  undecided: number;
}
interface AgentTally extends VerdictTally {
  live: number;
  ended: number;
  talk: number;
  talked: number;
  cost: number;
  costed: number;
  transfers: number;
}
interface CampaignTally extends VerdictTally {
  ended: number;
  answered: number;
  machine: number;
  cost: number;
}
interface PassTally {
  passed: number;
  failed: number;
  unknown: number;
}

const newVerdictTally = (): VerdictTally => ({ success: 0, failure: 0, undecided: 0 });
const newPassTally = (): PassTally => ({ passed: 0, failed: 0, unknown: 0 });

function tallyFor<T>(map: Map<string, T>, key: string, create: () => T): T {
  let tally = map.get(key);
  if (!tally) {
    tally = create();
    map.set(key, tally);
  }
  return tally;
}

function countVerdict(tally: VerdictTally, verdict: Verdict | null): void {
  if (verdict === 'success') tally.success++;
  else if (verdict === 'failure') tally.failure++;
  else if (verdict === 'unknown') tally.undecided++;
}

/** An ended call into a campaign's (or the whole window's) tally. */
function countEndedCall(
  tally: CampaignTally,
  verdict: Verdict | null,
  entry: CallEntry,
  cost: number | null,
): void {
  tally.ended++;
  countVerdict(tally, verdict);
  const { answeredBy } = entry.call;
  if (answeredBy != null) {
    tally.answered++;
    if (isMachineAnswer(answeredBy)) tally.machine++;
  }
  if (cost !== null) tally.cost += cost;
}

function verdictFigures(t: VerdictTally): VerdictFigures {
  return {
    success: t.success,
    failure: t.failure,
    undecided: t.undecided,
    successRate: shareOf(t.success, t.success + t.failure),
    undecidedShare: shareOf(t.undecided, t.success + t.failure + t.undecided),
  };
}

function passFigures(t: PassTally): PassFigures {
  return { ...t, passRate: shareOf(t.passed, t.passed + t.failed) };
}

const byKey =
  <K extends string>(key: K) =>
  (a: Record<K, string>, b: Record<K, string>) =>
    a[key] < b[key] ? -1 : a[key] > b[key] ? 1 : 0;

/** The calls given, one per callSid: the version received last (later in order on a tie). */
export function latestByCall(calls: CallEntries): Iterable<CallEntry> {
  const latest = new Map<string, CallEntry>();
  for (const entry of entriesOf(calls)) {
    const held = latest.get(entry.call.callSid);
    if (!held || entry.receivedAt >= held.receivedAt) latest.set(entry.call.callSid, entry);
  }
  return latest.values();
}

/** Whether a call has ended: the feed saw it end, or its status reads as ended. */
export function hasEnded(entry: CallEntry, lifecycle = callLifecycle(entry.call.status)): boolean {
  return entry.endedAt !== undefined || lifecycle.phase === 'ended';
}

/**
 * The lifecycle rule for one computation, remembered per status value: thousands of calls
 * share a handful of statuses, and reading one costs a normalisation.
 */
function lifecycleReader(): (status: string) => Lifecycle {
  const seen = new Map<string, Lifecycle>();
  return (status) => {
    let lifecycle = seen.get(status);
    if (!lifecycle) {
      lifecycle = callLifecycle(status);
      seen.set(status, lifecycle);
    }
    return lifecycle;
  };
}

/**
 * The verdict an ended call counts with: its own, else `unknown` while it is analysable
 * (ended completed: its analysis may still arrive), else none.
 */
function verdictOf(entry: CallEntry, completed: boolean): Verdict | null {
  const verdict = entry.call.callSuccessful;
  if (verdict != null) return verdict;
  return completed ? 'unknown' : null;
}

export function computeOutcomeKpis(calls: CallEntries, options: OutcomeKpiOptions): OutcomeKpis {
  const { now } = options;
  const bounds = windowBounds(options.window, now);
  const agents = new Map<string, AgentTally>();
  const campaigns = new Map<string, CampaignTally>();
  const criteria = new Map<string, { all: PassTally; byAgent: Map<string, PassTally> }>();
  const newAgent = (): AgentTally => ({
    ...newVerdictTally(),
    live: 0,
    ended: 0,
    talk: 0,
    talked: 0,
    cost: 0,
    costed: 0,
    transfers: 0,
  });
  const newCampaign = (): CampaignTally => ({
    ...newVerdictTally(),
    ended: 0,
    answered: 0,
    machine: 0,
    cost: 0,
  });
  let active = 0;
  const total = { ...newCampaign(), costed: 0 };
  const lifecycleOf = lifecycleReader();

  for (const entry of latestByCall(calls)) {
    const { call } = entry;
    const agentId = typeof call.agentId === 'string' ? call.agentId : null;
    const lifecycle = lifecycleOf(call.status);
    if (!hasEnded(entry, lifecycle)) {
      active++;
      if (agentId !== null) tallyFor(agents, agentId, newAgent).live++;
      continue;
    }
    if (!isInWindow(bounds, callEndedAt(entry))) continue;
    const completed = lifecycle.outcome === 'completed';
    const verdict = verdictOf(entry, completed);
    const cost = typeof call.cost === 'number' ? call.cost : null;
    countEndedCall(total, verdict, entry, cost);
    if (cost !== null) total.costed++;

    if (agentId !== null) {
      const agent = tallyFor(agents, agentId, newAgent);
      agent.ended++;
      countVerdict(agent, verdict);
      if (completed) {
        const talk = finalTalkSeconds(entry);
        if (talk !== null) {
          agent.talk += talk;
          agent.talked++;
        }
      }
      if (cost !== null) {
        agent.cost += cost;
        agent.costed++;
      }
      if (call.transferredToHuman === true) agent.transfers++;
    }

    if (typeof call.campaignId === 'string') {
      countEndedCall(tallyFor(campaigns, call.campaignId, newCampaign), verdict, entry, cost);
    }

    for (const [criterionId, { result }] of Object.entries(call.evaluationCriteriaResults ?? {})) {
      const criterion = tallyFor(criteria, criterionId, () => ({
        all: newPassTally(),
        byAgent: new Map<string, PassTally>(),
      }));
      const key = result === 'success' ? 'passed' : result === 'failure' ? 'failed' : 'unknown';
      criterion.all[key]++;
      if (agentId !== null) tallyFor(criterion.byAgent, agentId, newPassTally)[key]++;
    }
  }

  return {
    window: bounds,
    total: {
      ended: total.ended,
      ...verdictFigures(total),
      answered: total.answered,
      machine: total.machine,
      machineRate: shareOf(total.machine, total.answered),
      cost: total.cost,
      costed: total.costed,
    },
    agents: [...agents]
      .map(([agentId, t]) => ({
        agentId,
        live: t.live,
        ended: t.ended,
        ...verdictFigures(t),
        avgTalkSeconds: t.talked > 0 ? t.talk / t.talked : null,
        cost: t.cost,
        costed: t.costed,
        transfers: t.transfers,
      }))
      .sort(byKey('agentId')),
    campaigns: [...campaigns]
      .map(([campaignId, t]) => ({
        campaignId,
        ended: t.ended,
        ...verdictFigures(t),
        answered: t.answered,
        machine: t.machine,
        machineRate: shareOf(t.machine, t.answered),
        cost: t.cost,
        costPerSuccess: t.success > 0 ? t.cost / t.success : null,
      }))
      .sort(byKey('campaignId')),
    criteria: [...criteria]
      .map(([criterionId, t]) => ({
        criterionId,
        ...passFigures(t.all),
        byAgent: [...t.byAgent]
          .map(([agentId, a]) => ({ agentId, ...passFigures(a) }))
          .sort(byKey('agentId')),
      }))
      .sort(byKey('criterionId')),
    concurrency: concurrencyOf(active, options.planLimit),
    at: now,
  };
}
