import { describe, expect, it } from 'vitest';
import { isMachineAnswer } from './outcome-fields';
import { parseCall } from './schemas';

/** A post_call_transcription conversation as DATA.md describes it, stored as the call. */
const elevenLabsConversation = {
  conversation_id: 'conv_9',
  agent_id: 'agent_3',
  status: 'done',
  analysis: {
    call_successful: 'success',
    transcript_summary: 'The customer renewed for a year.',
    call_summary_title: 'Renewal confirmed',
    evaluation_criteria_results: {
      greeting: { criteria_id: 'greeting', result: 'success', rationale: 'Said hello.' },
      identity: { criteria_id: 'identity', result: 'failure', rationale: 'Skipped the check.' },
    },
  },
  metadata: {
    cost: 412,
    termination_reason: 'Call ended by remote party',
    features_usage: { transfer_to_number: { used: true } },
  },
  AnsweredBy: 'human',
};

describe('outcome fields', () => {
  it('reads the ElevenLabs post-call analysis and Twilio AMD at their own paths', () => {
    const r = parseCall(elevenLabsConversation);
    expect(r).toEqual({
      ok: true,
      value: {
        ...elevenLabsConversation,
        callSid: 'conv_9',
        agentId: 'agent_3',
        status: 'completed',
        callSuccessful: 'success',
        transcriptSummary: 'The customer renewed for a year.',
        callSummaryTitle: 'Renewal confirmed',
        evaluationCriteriaResults: {
          greeting: { result: 'success', rationale: 'Said hello.' },
          identity: { result: 'failure', rationale: 'Skipped the check.' },
        },
        terminationReason: 'Call ended by remote party',
        transferredToHuman: true,
        answeredBy: 'human',
        cost: 412,
      },
      leftOut: [],
    });
  });

  it('reads camelCase and top-level variants, in any case and with any separator', () => {
    const r = parseCall({
      callSid: 'CA1',
      status: 'completed',
      analysis: {
        callSuccessful: ' FAILURE ',
        evaluationCriteriaResults: [
          { criteriaId: 'greeting', result: 'Success' },
          { id: 'goal', result: 'UNKNOWN', rationale: 'Hung up early.' },
        ],
      },
      metadata: { featuresUsage: { transferToNumber: { used: 'False' } } },
      answered_by: 'Machine-End-Beep',
      cost: '1.25',
      terminationReason: 'end_call tool was called.',
    });
    expect(r).toMatchObject({
      ok: true,
      value: {
        callSuccessful: 'failure',
        evaluationCriteriaResults: {
          greeting: { result: 'success' },
          goal: { result: 'unknown', rationale: 'Hung up early.' },
        },
        transferredToHuman: false,
        answeredBy: 'machine_end_beep',
        cost: 1.25,
        terminationReason: 'end_call tool was called.',
      },
      leftOut: [],
    });
    expect(r.ok && r.value.evaluationCriteriaResults?.greeting).toEqual({ result: 'success' });
  });

  it('reads a criterion given as its bare result', () => {
    const r = parseCall({ callSid: 'a', evaluation_criteria_results: { greeting: 'Success' } });
    expect(r).toMatchObject({
      ok: true,
      value: { evaluationCriteriaResults: { greeting: { result: 'success' } } },
      leftOut: [],
    });
  });

  it('reads a boolean verdict as success or failure', () => {
    expect(parseCall({ callSid: 'a', call_successful: true })).toMatchObject({
      value: { callSuccessful: 'success' },
    });
    expect(parseCall({ callSid: 'a', call_successful: false })).toMatchObject({
      value: { callSuccessful: 'failure' },
    });
  });

  it('parses a call without outcome fields exactly as before, adding no keys', () => {
    const r = parseCall({ callSid: 'a', status: 'completed', duration: 3 });
    expect(r.ok && Object.keys(r.value).sort()).toEqual(['callSid', 'duration', 'status']);
  });

  it.each<[string, Record<string, unknown>, string]>([
    [
      'verdict',
      { analysis: { call_successful: 'maybe' } },
      'callSuccessful: "maybe" is not one of success, failure, unknown',
    ],
    [
      'criterion result',
      { analysis: { evaluation_criteria_results: { tone: { result: 'meh' } } } },
      'evaluationCriteriaResults: tone.result: "meh" is not one of success, failure, unknown',
    ],
    [
      'criterion without a result',
      { analysis: { evaluation_criteria_results: { tone: { rationale: 'x' } } } },
      'evaluationCriteriaResults: tone.result: result is required',
    ],
    [
      'criterion that is not an object',
      { analysis: { evaluation_criteria_results: { tone: 3 } } },
      'evaluationCriteriaResults: tone: Invalid input: expected object, received number',
    ],
    [
      'criteria that are not a map',
      { analysis: { evaluation_criteria_results: 'all good' } },
      'evaluationCriteriaResults: "all good" is not a map of criterion id to result',
    ],
    [
      'transfer flag',
      { metadata: { features_usage: { transfer_to_number: { used: 'yes' } } } },
      'transferredToHuman: "yes" is not true or false',
    ],
    [
      'AMD result',
      { AnsweredBy: 'robot' },
      'answeredBy: "robot" is not one of human, machine_start, machine_end_beep, ' +
        'machine_end_silence, machine_end_other, fax, unknown',
    ],
    ['cost', { metadata: { cost: 'free' } }, 'cost: "free" is not a number'],
    ['negative cost', { metadata: { cost: -3 } }, 'cost: -3 is not a cost (it is negative)'],
    [
      'summary',
      { analysis: { transcript_summary: { text: 'x' } } },
      'transcriptSummary: {"text":"x"} is not text',
    ],
  ])('keeps the call with an unreadable %s, leaving it out by name', (_name, extra, problem) => {
    const r = parseCall({ callSid: 'a', status: 'completed', ...extra });
    expect(r).toEqual({
      ok: true,
      value: { callSid: 'a', status: 'completed', ...extra },
      leftOut: [`call a: left out unreadable fields: ${problem}`],
    });
  });

  it('keeps a criterion named __proto__ as a criterion', () => {
    const doc = JSON.parse(
      '{"callSid":"a","analysis":{"evaluation_criteria_results":{"__proto__":{"result":"success"}}}}',
    ) as unknown;
    const r = parseCall(doc);
    const criteria = r.ok ? r.value.evaluationCriteriaResults : undefined;
    expect(Object.getPrototypeOf(criteria)).toBe(Object.prototype);
    expect(Object.keys(criteria ?? {})).toEqual(['__proto__']);
    expect(Object.getOwnPropertyDescriptor(criteria, '__proto__')?.value).toEqual({
      result: 'success',
    });
  });

  it('does not follow a path through a prototype', () => {
    const metadata = Object.create({ cost: 5 }) as Record<string, unknown>;
    const r = parseCall({ callSid: 'a', metadata });
    expect(r.ok && 'cost' in r.value && r.value.cost).toBe(false);
  });

  it.each([
    ['human', false],
    ['unknown', false],
    ['machine_start', true],
    ['machine_end_other', true],
    ['fax', true],
  ] as const)('isMachineAnswer(%s) is %s', (answeredBy, machine) => {
    expect(isMachineAnswer(answeredBy)).toBe(machine);
  });
});
