import type { AlertThresholds } from '../alerts-types';
import type { CallEntry } from '../feed/types';
import { callEndedAt } from '../kpi/call-times';
import { planLimitFor } from '../kpi/concurrency';
import { ALL_CALLS_GIVEN, LAST_60_MINUTES } from '../kpi/kpi-window';
import { computeOutcomeKpis, hasEnded, latestByCall, type OutcomeKpis } from '../kpi/outcome-kpis';
import { clip, condition, type AlertCondition } from './rules';

/**
 * The alert rules over AI-agent outcomes (issue 14): conditions that hold now, judged with
 * the KPI functions (src/shared/kpi) over the calls the holder has: the active ones and the
 * recently ended ones, in any mix (a call given twice counts with the version received last).
 * The engine gives them the same de-duplication, cooldown, acknowledge and snooze as the
 * other duration rules: each holds while its figure is past the threshold and resolves
 * when it is not.
 *
 * - agent-success-rate: an agent's success rate over its last `agentSuccessCalls` analysed
 *   calls (ended with a verdict of success or failure; `unknown` says the analysis could not
 *   decide) below `agentSuccessRatePercent`; judged once the agent has that many.
 * - criterion-pass-rate: an evaluation criterion's pass rate in the last 60 minutes below
 *   `criterionPassRatePercent`, after `outcomeMinCalls` decided results.
 * - campaign-machine-rate: a campaign's machine rate (machine or fax over calls with an AMD
 *   result) in the last 60 minutes above `campaignMachineRatePercent`, after `outcomeMinCalls`
 *   AMD results.
 * - concurrency: active calls at `concurrencyAlertPercent` of the plan limit or more (the
 *   server's limit when it advertises one, else the setting; no limit, no rule).
 * - spend-rate: what the calls that ended in the last 60 minutes cost, above `spendPerHour`
 *   (null: off).
 */

const percentOf = (share: number) => Math.round(share * 100);

/**
 * Whether a rate over `count` results is past its threshold (in %): judged only once
 * `count` reaches `min`; `below` for a rate that should stay high, else above.
 */
function pastThreshold(
  rate: number | null,
  count: number,
  min: number,
  percent: number,
  side: 'below' | 'above',
): rate is number {
  if (rate === null || count < min) return false;
  return side === 'below' ? rate * 100 < percent : rate * 100 > percent;
}

/** The last `count` analysed calls of each agent (most recently ended first), as one list. */
export function lastAnalysedCallsByAgent(calls: Iterable<CallEntry>, count: number): CallEntry[] {
  const byAgent = new Map<string, CallEntry[]>();
  for (const entry of latestByCall(calls)) {
    const { agentId, callSuccessful } = entry.call;
    if (typeof agentId !== 'string') continue;
    if (callSuccessful !== 'success' && callSuccessful !== 'failure') continue;
    if (!hasEnded(entry)) continue;
    let list = byAgent.get(agentId);
    if (!list) byAgent.set(agentId, (list = []));
    list.push(entry);
  }
  const out: CallEntry[] = [];
  for (const list of byAgent.values()) {
    if (list.length < count) continue;
    list.sort((a, b) => callEndedAt(b) - callEndedAt(a));
    out.push(...list.slice(0, count));
  }
  return out;
}

function agentConditions(
  calls: readonly CallEntry[],
  thresholds: AlertThresholds,
  now: number,
): AlertCondition[] {
  const n = thresholds.agentSuccessCalls;
  const kpis = computeOutcomeKpis(lastAnalysedCallsByAgent(calls, n), {
    window: ALL_CALLS_GIVEN,
    now,
  });
  const out: AlertCondition[] = [];
  for (const agent of kpis.agents) {
    const decided = agent.success + agent.failure;
    const rate = agent.successRate;
    if (!pastThreshold(rate, decided, n, thresholds.agentSuccessRatePercent, 'below')) continue;
    out.push(
      condition(
        'agent-success-rate',
        'warning',
        { type: 'agent', agentId: agent.agentId },
        'Agent succeeding less',
        `${clip(agent.agentId)}: ${percentOf(rate)} % of ${decided} (its last ${n} analysed calls) succeeded (limit ${thresholds.agentSuccessRatePercent} %)`,
      ),
    );
  }
  return out;
}

function criterionConditions(kpis: OutcomeKpis, thresholds: AlertThresholds): AlertCondition[] {
  const out: AlertCondition[] = [];
  for (const criterion of kpis.criteria) {
    const decided = criterion.passed + criterion.failed;
    const rate = criterion.passRate;
    const { outcomeMinCalls: min, criterionPassRatePercent: percent } = thresholds;
    if (!pastThreshold(rate, decided, min, percent, 'below')) continue;
    out.push(
      condition(
        'criterion-pass-rate',
        'warning',
        { type: 'criterion', criterionId: criterion.criterionId },
        'Criterion failing',
        `${clip(criterion.criterionId)}: ${percentOf(rate)} % of ${decided} passed in the last 60 min (limit ${thresholds.criterionPassRatePercent} %)`,
      ),
    );
  }
  return out;
}

function machineConditions(kpis: OutcomeKpis, thresholds: AlertThresholds): AlertCondition[] {
  const out: AlertCondition[] = [];
  for (const campaign of kpis.campaigns) {
    const rate = campaign.machineRate;
    const { outcomeMinCalls: min, campaignMachineRatePercent: percent } = thresholds;
    if (!pastThreshold(rate, campaign.answered, min, percent, 'above')) continue;
    out.push(
      condition(
        'campaign-machine-rate',
        'warning',
        { type: 'campaign', campaignId: campaign.campaignId },
        'Machines answering',
        `campaign ${clip(campaign.campaignId)}: ${percentOf(rate)} % of ${campaign.answered} answered by a machine in the last 60 min (limit ${thresholds.campaignMachineRatePercent} %)`,
      ),
    );
  }
  return out;
}

function concurrencyConditions(kpis: OutcomeKpis, thresholds: AlertThresholds): AlertCondition[] {
  const { active, limit, ratio, level } = kpis.concurrency;
  if (limit === null || ratio === null) return [];
  if (ratio * 100 < thresholds.concurrencyAlertPercent) return [];
  const burst = level === 'red' ? ' (burst: calls cost double)' : '';
  return [
    condition(
      'concurrency',
      level === 'red' ? 'critical' : 'warning',
      { type: 'centre' },
      'Near the concurrency limit',
      `${active} active calls: ${percentOf(ratio)} % of the plan limit of ${limit}${burst} (alert at ${thresholds.concurrencyAlertPercent} %)`,
    ),
  ];
}

function spendConditions(kpis: OutcomeKpis, thresholds: AlertThresholds): AlertCondition[] {
  const limit = thresholds.spendPerHour;
  if (limit === null || kpis.total.cost <= limit) return [];
  const cost = Math.round(kpis.total.cost * 100) / 100;
  return [
    condition(
      'spend-rate',
      'warning',
      { type: 'centre' },
      'Spending fast',
      `${cost} spent on the ${kpis.total.costed} calls that ended in the last 60 min (limit ${limit} per hour)`,
    ),
  ];
}

export interface OutcomeRuleInputs {
  /** Every call held: the active ones and the recently ended ones, in any mix. */
  calls: readonly CallEntry[];
  /** The plan limit the server advertises (ConnectionState.planLimit), if any. */
  advertisedPlanLimit?: number | null;
}

export function outcomeConditions(
  inputs: OutcomeRuleInputs,
  thresholds: AlertThresholds,
  now: number,
): AlertCondition[] {
  const kpis = computeOutcomeKpis(inputs.calls, {
    window: LAST_60_MINUTES,
    now,
    planLimit: planLimitFor(inputs.advertisedPlanLimit, thresholds.planLimit),
  });
  return [
    ...agentConditions(inputs.calls, thresholds, now),
    ...criterionConditions(kpis, thresholds),
    ...machineConditions(kpis, thresholds),
    ...concurrencyConditions(kpis, thresholds),
    ...spendConditions(kpis, thresholds),
  ];
}
