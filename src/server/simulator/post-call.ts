import { isMachineAnswer, type AnsweredBy, type Verdict } from '../../shared/domain/outcome-fields';
import { between, pick, weighted } from './random';

/**
 * What the simulator writes about a call's outcome, shaped as the integration stores it
 * (DATA.md): Twilio AMD's `AnsweredBy` when the call is answered, and ElevenLabs' post-call
 * analysis (`analysis.*`, `metadata.cost`, `metadata.termination_reason`,
 * `metadata.features_usage.transfer_to_number.used`) once the call is over.
 */

export interface SimAgent {
  agentId: string;
  /** How often a conversation with a person succeeds. */
  successRate: number;
}

/** Agents that clearly differ, so the Agents panel has a best and a worst. */
export const SIM_AGENTS: readonly SimAgent[] = [
  { agentId: 'agent-01', successRate: 0.92 },
  { agentId: 'agent-02', successRate: 0.86 },
  { agentId: 'agent-03', successRate: 0.8 },
  { agentId: 'agent-04', successRate: 0.74 },
  { agentId: 'agent-05', successRate: 0.68 },
  { agentId: 'agent-06', successRate: 0.6 },
  { agentId: 'agent-07', successRate: 0.5 },
  { agentId: 'agent-08', successRate: 0.38 },
];

/** The seconds (before timeScale) between a call's end and its analysis. */
export const ANALYSIS_DELAY_SECONDS: [number, number] = [2, 20];
/** A campaign's share of answered calls that reach a machine (voicemail, IVR) or a fax. */
export const MACHINE_SHARE: [number, number] = [0.08, 0.3];
/** How long (s) a machine-answered call lasts: the agent leaves a message. */
export const MACHINE_TALK_SECONDS: [number, number] = [20, 45];
const TRANSFER_SHARE = 0.07;
const UNDECIDED_SHARE = 0.05;
const AMD_UNKNOWN_SHARE = 0.03;

const MACHINE_ANSWERS: Record<Exclude<AnsweredBy, 'human' | 'unknown'>, number> = {
  machine_end_beep: 45,
  machine_start: 25,
  machine_end_silence: 12,
  machine_end_other: 10,
  fax: 8,
};

export function pickAnsweredBy(random: () => number, machineShare: number): AnsweredBy {
  if (random() < machineShare) return weighted(random, MACHINE_ANSWERS);
  return random() < AMD_UNKNOWN_SHARE ? 'unknown' : 'human';
}

const CRITERIA = ['greeting', 'identity_verified', 'objective_met'] as const;
type Criterion = (typeof CRITERIA)[number];

const RATIONALES: Record<Criterion, Record<Verdict, string>> = {
  greeting: {
    success: 'The agent introduced itself and the company in its first turn.',
    failure: 'The agent started with the offer without introducing itself.',
    unknown: 'No person answered, so there was no greeting to judge.',
  },
  identity_verified: {
    success: 'The agent confirmed the customer’s date of birth before discussing the account.',
    failure: 'Account details were discussed before the customer’s identity was confirmed.',
    unknown: 'The call ended before identity could be checked.',
  },
  objective_met: {
    success: 'The customer agreed to the proposed next step.',
    failure: 'The customer declined, and the agent did not reach the call’s goal.',
    unknown: 'The conversation was too short to tell whether the goal was met.',
  },
};

const TITLES: Record<Verdict, readonly string[]> = {
  success: ['Renewal confirmed', 'Appointment booked', 'Upgrade accepted', 'Payment arranged'],
  failure: ['Customer declined', 'Not interested', 'Asked to be called later', 'Voicemail left'],
  unknown: ['Call cut short', 'Unclear outcome'],
};

const ENDINGS = {
  'Call ended by remote party': 55,
  'end_call tool was called.': 40,
  'Client disconnected: 1000': 5,
};

function chance(random: () => number, p: number): Verdict {
  return random() < p ? 'success' : 'failure';
}

export interface AnalysisInput {
  agent: SimAgent;
  answeredBy: AnsweredBy | null;
  contactName: string;
  talkSeconds: number;
}

/** The `$set` of a post_call_transcription for one call, in ElevenLabs' field names. */
export function postCallAnalysis(
  random: () => number,
  { agent, answeredBy, contactName, talkSeconds }: AnalysisInput,
): Record<string, unknown> {
  const machine = answeredBy !== null && isMachineAnswer(answeredBy);
  const transferred = !machine && random() < TRANSFER_SHARE;
  let verdict: Verdict;
  // A voicemail box rarely lets the analysis decide; when it does, the goal was missed.
  if (machine) verdict = random() < 0.1 ? 'failure' : 'unknown';
  else if (random() < UNDECIDED_SHARE) verdict = 'unknown';
  else verdict = chance(random, agent.successRate);
  const results: Record<Criterion, Verdict> = machine
    ? { greeting: 'unknown', identity_verified: 'unknown', objective_met: verdict }
    : {
        greeting: chance(random, 0.95),
        identity_verified:
          random() < UNDECIDED_SHARE ? 'unknown' : chance(random, 0.6 + 0.35 * agent.successRate),
        objective_met: verdict,
      };
  const title = machine ? 'Voicemail left' : pick(random, TITLES[verdict]);
  const summary = machine
    ? `The call to ${contactName} reached a ${answeredBy === 'fax' ? 'fax machine' : 'voicemail box'}; the agent left a short message.`
    : `${agent.agentId} spoke with ${contactName} for ${talkSeconds} seconds. ${RATIONALES.objective_met[verdict]}` +
      (transferred ? ' The customer asked for a person and was transferred.' : '');
  const termination = machine
    ? 'Voicemail detected'
    : transferred
      ? 'transfer_to_number tool was called.'
      : weighted(random, ENDINGS);
  return {
    analysis: {
      call_successful: verdict,
      transcript_summary: summary,
      call_summary_title: title,
      evaluation_criteria_results: Object.fromEntries(
        CRITERIA.map((id) => [
          id,
          { criteria_id: id, result: results[id], rationale: RATIONALES[id][results[id]] },
        ]),
      ),
    },
    // ElevenLabs bills in credits, roughly by the second of conversation.
    'metadata.cost': Math.round(Math.max(1, talkSeconds) * between(random, 8, 12)),
    'metadata.termination_reason': termination,
    'metadata.features_usage': { transfer_to_number: { used: transferred } },
  };
}
