import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCall, parseCampaign } from '../domain/schemas';
import { SERVER_EVENTS } from '../protocol/events';
import { fromServerEvent } from './from-protocol';
import { applyFeedMessage, initialFeedState } from './reducer';

const EVENTS = SERVER_EVENTS;

const junk = fc.anything({
  withBigInt: true,
  withDate: true,
  withMap: true,
  withSet: true,
  withNullPrototype: true,
  withObjectString: true,
  withTypedArray: true,
  withSparseArray: true,
  key: fc.oneof(fc.string(), fc.constantFrom('__proto__', 'constructor', 'callSid', 'status')),
});

/** Payloads that are nearly right: the real shape with junk in one place. */
const nearlyRight = fc.record(
  {
    calls: fc.array(
      fc.oneof(
        junk,
        fc.record({
          callSid: fc.oneof(fc.string(), junk),
          status: fc.oneof(fc.constantFrom('ringing', 'failed', 'x'), junk),
        }),
      ),
      { maxLength: 5 },
    ),
    campaigns: fc.array(
      fc.oneof(junk, fc.record({ campaignId: fc.string(), status: fc.string() })),
      { maxLength: 5 },
    ),
    call: fc.oneof(
      junk,
      fc.record({ callSid: fc.string(), status: fc.constantFrom('queued', 'busy') }),
    ),
    campaign: junk,
    callSid: fc.oneof(fc.string(), junk),
    campaignId: fc.oneof(fc.string(), junk),
    reason: fc.oneof(fc.constantFrom('terminal', 'deleted'), junk),
    removed: fc.oneof(
      fc.array(fc.record({ callSid: fc.string(), reason: fc.constantFrom('terminal', 'deleted') })),
      junk,
    ),
    epoch: fc.oneof(fc.string({ maxLength: 3 }), junk),
    seq: fc.oneof(fc.nat(10), junk),
    fromSeq: fc.oneof(fc.nat(10), junk),
    count: fc.oneof(fc.nat(5), junk),
    stream: fc.oneof(fc.constantFrom('calls', 'campaigns'), junk),
    type: junk,
    message: junk,
  },
  { requiredKeys: [] },
);

describe('fromServerEvent on hostile input', () => {
  it('never throws, reports bounded problems, and only yields valid documents', () => {
    fc.assert(
      fc.property(fc.constantFrom(...EVENTS), fc.oneof(junk, nearlyRight), (event, payload) => {
        const r = fromServerEvent(event, payload, 1);
        for (const problem of r.problems) {
          expect(typeof problem).toBe('string');
          expect(problem.length).toBeLessThanOrEqual(1003);
        }
        expect(r.problems.length).toBeLessThanOrEqual(21);
        if (!r.message) return;
        if (r.message.kind === 'tick') throw new Error('no ticks from the server');
        if (r.message.stream === 'calls') {
          for (const call of r.message.calls) expect(parseCall(call).ok).toBe(true);
        } else {
          for (const campaign of r.message.campaigns) expect(parseCampaign(campaign).ok).toBe(true);
        }
        // Whatever came through, the reducer takes it without throwing.
        expect(() => applyFeedMessage(initialFeedState(), r.message!)).not.toThrow();
      }),
      { numRuns: 1000 },
    );
  });
});
