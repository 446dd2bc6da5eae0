/**
 * Where each field Callboard reads lives in a document written by another service
 * (docs/architecture.md, "Reading other services' data"): candidate paths in order, dotted
 * paths allowed. The first candidate holding a value wins; a document that already has the
 * field at its own name keeps it. Defaults: today's names, then the ElevenLabs/Twilio
 * spellings in DATA.md (snake case, `metadata.*`, `stats.*`).
 *
 * Only own properties are followed, so a path can never reach into a prototype.
 */

export type FieldPaths = Readonly<Record<string, readonly string[]>>;

export const DEFAULT_CALL_FIELDS: FieldPaths = {
  callSid: ['callSid', 'CallSid', 'call_sid', 'metadata.phone_call.call_sid', 'conversation_id'],
  agentId: ['agentId', 'agent_id'],
  campaignId: ['campaignId', 'campaign_id', 'batchId', 'batch_id'],
  contactName: ['contactName', 'contact_name', 'customerName', 'customer_name'],
  to: ['to', 'To', 'metadata.phone_call.external_number'],
  from: ['from', 'From', 'metadata.phone_call.agent_number'],
  startTime: ['startTime', 'start_time', 'metadata.start_time_unix_secs'],
  endTime: ['endTime', 'end_time'],
  duration: ['duration', 'CallDuration', 'call_duration_secs', 'metadata.call_duration_secs'],
  // Outcome fields (DATA.md, "ElevenLabs post-call data", "Answering-machine detection"): they
  // arrive after the call ended. The ElevenLabs conversation's own paths, then camelCase.
  callSuccessful: [
    'callSuccessful',
    'call_successful',
    'analysis.call_successful',
    'analysis.callSuccessful',
  ],
  evaluationCriteriaResults: [
    'evaluationCriteriaResults',
    'evaluation_criteria_results',
    'analysis.evaluation_criteria_results',
    'analysis.evaluationCriteriaResults',
  ],
  transcriptSummary: [
    'transcriptSummary',
    'transcript_summary',
    'analysis.transcript_summary',
    'analysis.transcriptSummary',
  ],
  callSummaryTitle: [
    'callSummaryTitle',
    'call_summary_title',
    'analysis.call_summary_title',
    'analysis.callSummaryTitle',
  ],
  terminationReason: [
    'terminationReason',
    'termination_reason',
    'metadata.termination_reason',
    'metadata.terminationReason',
  ],
  transferredToHuman: [
    'transferredToHuman',
    'transferToNumberUsed',
    'metadata.features_usage.transfer_to_number.used',
    'metadata.featuresUsage.transferToNumber.used',
  ],
  answeredBy: ['answeredBy', 'AnsweredBy', 'answered_by'],
  cost: ['cost', 'metadata.cost'],
};

export const DEFAULT_CAMPAIGN_FIELDS: FieldPaths = {
  campaignId: ['campaignId', 'campaign_id', 'batchId', 'batch_id'],
  name: ['name', 'campaign_name', 'batch_name'],
  totalCalls: ['totalCalls', 'total_calls', 'stats.totalCalls', 'total_calls_scheduled'],
  completedCalls: ['completedCalls', 'completed_calls', 'stats.completedCalls'],
  failedCalls: ['failedCalls', 'failed_calls', 'stats.failedCalls'],
  inProgressCalls: ['inProgressCalls', 'in_progress_calls', 'stats.inProgressCalls'],
  answeredCalls: ['answeredCalls', 'answered_calls', 'stats.answeredCalls'],
  noAnswerCalls: ['noAnswerCalls', 'no_answer_calls', 'stats.noAnswerCalls'],
  busyCalls: ['busyCalls', 'busy_calls', 'stats.busyCalls'],
  startedAt: ['startedAt', 'started_at'],
  completedAt: ['completedAt', 'completed_at'],
};

/**
 * One document per turn in the transcripts collection (DATA.md, "Live transcript"): the
 * ElevenLabs turn fields, camelCase first. `callSid` is the call's key; `toolCalls` and
 * `transfer` become the turn's actions.
 */
export const DEFAULT_TRANSCRIPT_FIELDS: FieldPaths = {
  callSid: ['callSid', 'conversationId', 'conversation_id'],
  role: ['role'],
  message: ['message', 'text'],
  timeInCallSecs: ['timeInCallSecs', 'time_in_call_secs'],
  createdAt: ['createdAt', 'created_at'],
  toolCalls: ['toolCalls', 'tool_calls'],
  transfer: ['transfer', 'transferTo', 'transfer_to'],
};

/** Where an ended call's document holds ElevenLabs' post-call `transcript[]` (DATA.md). */
export const POST_CALL_TRANSCRIPT_PATHS: readonly string[] = ['transcript', 'data.transcript'];

import { setOwnField } from '../own-field';

const hasOwn = (o: object, key: string) => Object.prototype.hasOwnProperty.call(o, key);

/** The value at a dotted path through own properties of plain objects; undefined if none. */
export function readPath(doc: unknown, path: string): unknown {
  let at: unknown = doc;
  for (const part of path.split('.')) {
    if (at === null || typeof at !== 'object' || Array.isArray(at) || !hasOwn(at, part)) {
      return undefined;
    }
    at = (at as Record<string, unknown>)[part];
  }
  return at;
}

/** The first candidate path holding a value (not null/undefined), or undefined. */
export function readField(doc: unknown, candidates: readonly string[]): unknown {
  for (const path of candidates) {
    const value = readPath(doc, path);
    if (value != null) return value;
  }
  return undefined;
}

/**
 * The document with each mapped field at its own name (a shallow copy; the original fields
 * are all kept). Fields without a value at any candidate are left as they were.
 */
export function withMappedFields(
  doc: Readonly<Record<string, unknown>>,
  fields: FieldPaths,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(doc)) setOwnField(out, key, doc[key]);
  for (const [name, candidates] of Object.entries(fields)) {
    if (out[name] != null && hasOwn(out, name)) continue;
    const value = readField(doc, candidates);
    if (value !== undefined) setOwnField(out, name, value);
  }
  return out;
}
