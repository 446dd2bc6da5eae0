import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CALL_STATUSES } from '../domain/lifecycle';
import { coalesceFeedMessages } from './coalesce';
import { initialFeedState } from './reducer';
import { applyAll, call, callsSnapshot } from './test-helpers';
import type { FeedMessage, FeedState } from './types';

const RUNS = { numRuns: 1000 };

describe('coalesceFeedMessages', () => {
  const anyCall = fc.record({
    key: fc.constantFrom('c0', 'c1', 'c2'),
    status: fc.constantFrom(...CALL_STATUSES),
    second: fc.nat(60),
  });
  const seedBatch = fc.record({
    calls: fc.array(anyCall, { maxLength: 3 }),
    removed: fc.array(
      fc.record({
        callSid: fc.constantFrom('c0', 'c1'),
        reason: fc.constantFrom('terminal' as const, 'deleted' as const),
      }),
      { maxLength: 1 },
    ),
  });
  /** v2 batches numbered in order, with some gaps, duplicates and epoch changes. */
  const messagesArb = fc
    .array(
      fc.tuple(
        seedBatch,
        fc.constantFrom('next', 'next', 'next', 'gap', 'dup', 'epoch', 'seed', 'tick'),
      ),
      { maxLength: 20 },
    )
    .map((items) => {
      let seq = 0;
      let epoch = 'e1';
      let at = 0;
      const out: FeedMessage[] = [callsSnapshot([], 0, { epoch, seq })];
      for (const [b, how] of items) {
        at += 10;
        const calls = b.calls.map((c) =>
          call(c.key, c.status, {
            updatedAt: new Date(Date.UTC(2026, 0, 1, 0, 0, c.second)).toISOString(),
          }),
        );
        if (how === 'tick') {
          out.push({ kind: 'tick', now: at });
          continue;
        }
        if (how === 'seed') {
          out.push({ kind: 'batch', stream: 'calls', calls, removed: b.removed, at });
          continue;
        }
        if (how === 'epoch') epoch = epoch === 'e1' ? 'e2' : 'e1';
        const size = Math.max(1, calls.length + b.removed.length);
        const fromSeq = how === 'gap' ? seq + 2 : how === 'dup' ? Math.max(1, seq - 1) : seq + 1;
        const last = fromSeq + size - 1;
        if (how !== 'dup') seq = Math.max(seq, last);
        out.push({
          kind: 'batch',
          stream: 'calls',
          calls,
          removed: b.removed,
          epoch,
          fromSeq,
          seq: last,
          at,
        });
      }
      return out;
    });

  // Linger times are left out: a merged batch stamps endedAt with its last message's time.
  it('applying the coalesced messages gives the same calls, cursors and resync marks', () => {
    fc.assert(
      fc.property(messagesArb, (messages) => {
        const one = applyAll(messages, { terminalLingerMs: 1_000_000 }).state;
        const merged = coalesceFeedMessages(messages, initialFeedState().cursors);
        expect(merged.length).toBeLessThanOrEqual(messages.length);
        const all = applyAll(merged, { terminalLingerMs: 1_000_000 }).state;
        const view = (s: FeedState) =>
          [...s.calls.entries()]
            .map(([k, e]) => [k, e.call, e.endedAt !== undefined] as const)
            .sort(([a], [b]) => a.localeCompare(b));
        expect(view(all)).toEqual(view(one));
        expect(all.cursors).toEqual(one.cursors);
        expect(Object.keys(all.resyncNeeded)).toEqual(Object.keys(one.resyncNeeded));
      }),
      RUNS,
    );
  });
});
