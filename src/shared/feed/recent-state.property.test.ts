import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TERMINAL_CALL_STATUSES } from '../domain/lifecycle';
import type { Call } from '../domain/schemas';
import { applyRecentMessage, initialRecentState, type RecentMessage } from './recent-state';

/**
 * Property tests of the recent window: batches applied in order give what a plain model of
 * the window (key -> last ended version, minus what left) holds, and the same as a snapshot of
 * it; a replayed batch changes nothing; a batch after a hole is never applied.
 */

const RUNS = { numRuns: 500 };
const KEYS = ['r0', 'r1', 'r2', 'r3', '__proto__'];
const OUTCOMES = [undefined, 'success', 'failure', 'unknown'] as const;

type Step =
  | { op: 'upsert'; key: string; status: (typeof TERMINAL_CALL_STATUSES)[number]; outcome: number }
  | { op: 'remove'; key: string; reason: 'expired' | 'active' | 'deleted' };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      op: fc.constant('upsert' as const),
      key: fc.constantFrom(...KEYS),
      status: fc.constantFrom(...TERMINAL_CALL_STATUSES),
      outcome: fc.nat(OUTCOMES.length - 1),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant('remove' as const),
      key: fc.constantFrom(...KEYS),
      reason: fc.constantFrom('expired' as const, 'active' as const, 'deleted' as const),
    }),
  },
);

const doc = (step: Extract<Step, { op: 'upsert' }>, i: number): Call => {
  const verdict = OUTCOMES[step.outcome];
  return {
    callSid: step.key,
    status: step.status,
    updatedAt: new Date(1_000_000 + i * 1000).toISOString(),
    ...(verdict ? { analysis: { call_successful: verdict } } : {}),
  } as unknown as Call;
};

/** Steps -> batches of one to three steps each, numbered from seq 11 after a snapshot at 10. */
function batches(steps: readonly Step[], sizes: readonly number[]): RecentMessage[] {
  const out: RecentMessage[] = [];
  let i = 0;
  let seq = 10;
  let n = 0;
  while (i < steps.length) {
    const size = Math.max(1, Math.min(sizes[n++ % sizes.length] ?? 1, steps.length - i));
    const part = steps.slice(i, i + size);
    const calls: Call[] = [];
    const removed: { callSid: string; reason: 'expired' | 'active' | 'deleted' }[] = [];
    // A batch carries the latest change per key, as the server coalesces them.
    const latest = new Map<string, { step: Step; index: number }>();
    part.forEach((step, k) => {
      latest.delete(step.key);
      latest.set(step.key, { step, index: i + k });
    });
    for (const { step, index } of latest.values()) {
      if (step.op === 'upsert') calls.push(doc(step, index));
      else removed.push({ callSid: step.key, reason: step.reason });
    }
    out.push({
      kind: 'batch',
      calls,
      removed,
      epoch: 'e1',
      fromSeq: seq + 1,
      seq: seq + size,
      at: 5,
    });
    seq += size;
    i += size;
  }
  return out;
}

function model(steps: readonly Step[]): Map<string, Call> {
  const held = new Map<string, Call>();
  steps.forEach((step, i) => {
    if (step.op === 'upsert') held.set(step.key, doc(step, i));
    else held.delete(step.key);
  });
  return held;
}

const start = () =>
  applyRecentMessage(initialRecentState(), {
    kind: 'snapshot',
    calls: [],
    epoch: 'e1',
    seq: 10,
    at: 1,
  }).state;

const asObject = (calls: Iterable<[string, { call: Call }]>) =>
  Object.fromEntries([...calls].map(([key, entry]) => [key, entry.call]));

describe('recent window (properties)', () => {
  it('batches in order hold what the model holds, and what its snapshot holds', () => {
    fc.assert(
      fc.property(
        fc.array(stepArb, { maxLength: 30 }),
        fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 5 }),
        (steps, sizes) => {
          let state = start();
          for (const message of batches(steps, sizes)) {
            state = applyRecentMessage(state, message).state;
          }
          const expected = Object.fromEntries(model(steps));
          expect(asObject(state.calls)).toEqual(expected);
          expect(state.resyncNeeded).toBeNull();
          const snap = applyRecentMessage(initialRecentState(), {
            kind: 'snapshot',
            calls: [...model(steps).values()],
            epoch: 'e1',
            seq: 10 + steps.length,
            at: 9,
          }).state;
          expect(asObject(snap.calls)).toEqual(expected);
        },
      ),
      RUNS,
    );
  });

  it('a batch replayed changes nothing; a batch after a hole is not applied and asks for a resync', () => {
    fc.assert(
      fc.property(
        fc.array(stepArb, { minLength: 2, maxLength: 20 }),
        fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 5 }),
        fc.nat(),
        (steps, sizes, pick) => {
          const messages = batches(steps, sizes);
          let state = start();
          const skip = messages.length > 1 ? 1 + (pick % (messages.length - 1)) : -1;
          messages.forEach((message, index) => {
            if (index === skip) return;
            const before = state;
            const transition = applyRecentMessage(state, message);
            state = transition.state;
            if (index > skip && skip !== -1) {
              expect(state.calls).toBe(before.calls);
              expect(state.resyncNeeded).toMatch(/gap/);
            } else {
              const again = applyRecentMessage(state, message);
              expect(again.state).toBe(state);
              expect(again.changes.ignored).toMatch(/duplicate/);
            }
          });
          if (skip === -1) expect(asObject(state.calls)).toEqual(Object.fromEntries(model(steps)));
        },
      ),
      RUNS,
    );
  });
});
