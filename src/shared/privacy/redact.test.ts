import { describe, expect, it } from 'vitest';
import { callRedactor, FULL_VIEW, viewName, viewOf, withoutPath } from './redact';
import { ALL_SCOPES, WALLBOARD_SCOPES } from './scopes';

// An ElevenLabs/Twilio call as DATA.md describes it, with personal data in every place it
// can be.
const call = () => ({
  callSid: 'CA1',
  status: 'completed',
  agentId: 'agent_a',
  to: '+14155550123',
  From: '+1 (650) 555-0199',
  Caller: '+16505550199',
  CallerName: 'Ada Lovelace',
  contactName: 'Ada Lovelace',
  AnsweredBy: 'human',
  metadata: {
    cost: 412,
    call_duration_secs: 80,
    termination_reason: 'Call ended by remote party',
    phone_call: { call_sid: 'CA1', external_number: '+14155550123', agent_number: '+18005550100' },
  },
  analysis: {
    call_successful: 'success',
    transcript_summary: 'Ada booked a table.',
    call_summary_title: 'Booking for Ada',
    evaluation_criteria_results: {
      booked: { criteria_id: 'booked', result: 'success', rationale: 'Ada said yes.' },
    },
    data_collection_results: { email: { value: 'ada@example.com' } },
  },
  conversation_initiation_client_data: { dynamic_variables: { customer_name: 'Ada' } },
  transcript: [{ role: 'user', message: 'Hi, this is Ada.' }],
});

describe('callRedactor', () => {
  it('gives the document itself, uncopied, for the full view', () => {
    const doc = call();
    expect(callRedactor(FULL_VIEW)(doc)).toBe(doc);
    expect(viewName(viewOf(ALL_SCOPES))).toBe('');
  });

  it('masks every number and name without pii, and leaves out free-form personal data and text about the caller', () => {
    const doc = call();
    const before = JSON.stringify(doc);
    const out = callRedactor(viewOf(['calls', 'outcomes', 'transcripts']))(doc);
    expect(out).toEqual({
      callSid: 'CA1',
      status: 'completed',
      agentId: 'agent_a',
      to: '+•••••••0123',
      From: '+• (•••) •••-0199',
      Caller: '+•••••••0199',
      CallerName: 'A. L.',
      contactName: 'A. L.',
      AnsweredBy: 'human',
      metadata: {
        cost: 412,
        call_duration_secs: 80,
        termination_reason: 'Call ended by remote party',
        phone_call: {
          call_sid: 'CA1',
          external_number: '+•••••••0123',
          agent_number: '+•••••••0100',
        },
      },
      // The verdicts stay; what an LLM wrote about the caller does not.
      analysis: {
        call_successful: 'success',
        evaluation_criteria_results: { booked: { criteria_id: 'booked', result: 'success' } },
      },
      transcript: [{ role: 'user', message: 'Hi, this is Ada.' }],
    });
    // The input is not touched (the Hub's documents are shared by every client).
    expect(JSON.stringify(doc)).toBe(before);
  });

  it('the wallboard view: masked, no outcomes, no transcript; all values still strings where they were', () => {
    const out = callRedactor(viewOf(WALLBOARD_SCOPES.filter((s) => s !== 'outcomes')))(call());
    expect(out).toEqual({
      callSid: 'CA1',
      status: 'completed',
      agentId: 'agent_a',
      to: '+•••••••0123',
      From: '+• (•••) •••-0199',
      Caller: '+•••••••0199',
      CallerName: 'A. L.',
      contactName: 'A. L.',
      metadata: {
        call_duration_secs: 80,
        phone_call: {
          call_sid: 'CA1',
          external_number: '+•••••••0123',
          agent_number: '+•••••••0100',
        },
      },
    });
    expect(viewName(viewOf(['calls']))).toBe('masked+no-outcomes+no-transcript');
  });

  it('masks a number stored as a number to a string, and leaves out one that is not text', () => {
    const redact = callRedactor(viewOf(['calls']));
    expect(redact({ callSid: 'x', to: 14155550123, from: { e164: '+14155550123' } })).toEqual({
      callSid: 'x',
      to: '•••••••0123',
    });
  });

  it('follows only own properties, and keeps a __proto__ key as data', () => {
    const doc = JSON.parse('{"callSid":"x","__proto__":{"to":"+14155550123"},"to":"12345678"}');
    const out = callRedactor(viewOf(['calls']))(doc);
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.keys(out)).toEqual(['callSid', '__proto__', 'to']);
    expect(out.to).toBe('••••5678');
  });

  it('withoutPath copies only the objects on the path', () => {
    const doc = { a: { b: 1, c: 2 }, d: { e: 3 } };
    const out = withoutPath(doc, 'a.b');
    expect(out).toEqual({ a: { c: 2 }, d: { e: 3 } });
    expect(out.d).toBe(doc.d);
    expect(withoutPath(doc, 'a.x')).toBe(doc);
    expect(withoutPath(doc, 'd.e.f')).toBe(doc);
  });
});
