import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TERMINAL_CALL_STATUSES, type CallStatus, CALL_STATUSES } from '../domain/lifecycle';

const isTerminalStatus = (s: string) => (TERMINAL_CALL_STATUSES as readonly string[]).includes(s);
import type { Call, Campaign } from '../domain/schemas';
import { applyFeedMessage, initialFeedState } from './reducer';
import { emptyEntries } from './reducer-parts';
import { applyAll, call, callsSnapshot, campaign, campaignsSnapshot } from './test-helpers';
import type { FeedMessage, FeedState } from './types';

/**
 * Property tests of the reducer (issue 2: "applying any sequence of updates in order gives the
 * same state as a snapshot of the final documents; replaying an event twice changes nothing").
 */

const RUNS = { numRuns: 1000 };
const KEYS = ['c0', 'c1', 'c2', 'c3', 'c4', '__proto__', 'constructor'];
const CAMPAIGN_STATUSES = ['running', 'paused', 'scheduled', 'completed', 'stopped', 'archived'];
const options = { terminalLingerMs: 0 };

type Deletion = { deleted: string; callSid?: undefined };
type Write = Call | Deletion;
const isDeletion = (doc: Write): doc is Deletion => doc.callSid === undefined;

type Step =
  { op: 'call'; key: string; status: CallStatus; agent: number } | { op: 'delete'; key: string };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      op: fc.constant('call' as const),
      key: fc.constantFrom(...KEYS),
      status: fc.constantFrom(...CALL_STATUSES),
      agent: fc.nat(3),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ op: fc.constant('delete' as const), key: fc.constantFrom(...KEYS) }),
  },
);

/**
 * Turns random steps into a lifecycle the domain allows: once a call is terminal it stays
 * terminal (later versions keep its final status) until the document is deleted.
 * `updatedAt` grows with every write, as a writer's clock would.
 */
function lifecycle(steps: readonly Step[]): { docs: Write[] } {
  const finalStatus = new Map<string, CallStatus>();
  // A deleted callSid is never reused (call SIDs are unique): later steps get a new key.
  const generation = new Map<string, number>();
  const keyOf = (key: string) => (generation.get(key) ? `${key}~${generation.get(key)}` : key);
  const docs: Write[] = [];
  steps.forEach((step, i) => {
    const key = keyOf(step.key);
    if (step.op === 'delete') {
      docs.push({ deleted: key });
      generation.set(step.key, (generation.get(step.key) ?? 0) + 1);
      return;
    }
    const status = finalStatus.get(key) ?? step.status;
    if (isTerminalStatus(status)) finalStatus.set(key, status);
    const updatedAt = new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString();
    docs.push(call(key, status, { agentId: `agent-${step.agent}`, updatedAt }));
  });
  return { docs };
}

/** The documents a snapshot taken at the end would hold (deleted ones are gone). */
function finalDocuments(docs: readonly Write[]): Call[] {
  const last = new Map<string, Call>();
  for (const doc of docs) {
    if (isDeletion(doc)) last.delete(doc.deleted);
    else last.set(doc.callSid, doc);
  }
  return [...last.values()];
}

function activeCalls(state: FeedState): Record<string, Call> {
  const out: Record<string, Call> = {};
  for (const [key, entry] of [...state.calls.entries()]) {
    if (entry.endedAt === undefined)
      Object.defineProperty(out, key, { value: entry.call, enumerable: true });
  }
  return out;
}

/** Splits docs into v2 batches of 1..4 changes each, latest state per key inside a batch. */
function v2Batches(docs: readonly Write[], sizes: number[], epoch: string) {
  const batches: FeedMessage[] = [];
  let i = 0;
  let seq = 0;
  let k = 0;
  while (i < docs.length) {
    const size = Math.min(sizes[k++ % sizes.length] ?? 1, docs.length - i);
    const calls = new Map<string, Write>();
    for (const doc of docs.slice(i, i + size)) {
      const key = isDeletion(doc) ? doc.deleted : doc.callSid;
      calls.delete(key);
      calls.set(key, doc);
    }
    const fromSeq = seq + 1;
    seq += size;
    i += size;
    const upserts: Call[] = [];
    const removed: { callSid: string; reason: 'deleted' }[] = [];
    for (const doc of calls.values()) {
      if (isDeletion(doc)) removed.push({ callSid: doc.deleted, reason: 'deleted' });
      else upserts.push(doc);
    }
    batches.push({
      kind: 'batch',
      stream: 'calls',
      calls: upserts,
      removed,
      epoch,
      fromSeq,
      seq,
      at: seq,
    });
  }
  return batches;
}

const seedMessages = (docs: readonly Write[]): FeedMessage[] =>
  docs.flatMap((doc, i): FeedMessage[] =>
    isDeletion(doc)
      ? [] // the seed protocol has no removals: a deleted call simply stops being sent
      : [{ kind: 'batch', stream: 'calls', calls: [doc], removed: [], at: i + 1 }],
  );

const stepsArb = fc.array(stepArb, { maxLength: 40 });
const sizesArb = fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 8 });

describe('reducer properties', () => {
  it('(a) seed updates in order give the same active calls as a snapshot of the final documents', () => {
    fc.assert(
      fc.property(
        fc.array(
          stepArb.filter((s) => s.op === 'call'),
          { maxLength: 40 },
        ),
        (steps) => {
          const { docs } = lifecycle(steps);
          const streamed = applyAll(seedMessages(docs), options).state;
          const snap = applyAll([callsSnapshot(finalDocuments(docs), 999)], options).state;
          expect(activeCalls(streamed)).toEqual(activeCalls(snap));
          // ...and once the linger has passed, exactly the same entries remain.
          const swept = applyFeedMessage(streamed, { kind: 'tick', now: 10_000 }, options).state;
          expect([...swept.calls.keys()].sort()).toEqual([...snap.calls.keys()].sort());
        },
      ),
      RUNS,
    );
  });

  it('(a) v2 batches in order give the same active calls as a snapshot of the final documents', () => {
    fc.assert(
      fc.property(stepsArb, sizesArb, (steps, sizes) => {
        const { docs } = lifecycle(steps);
        const start = callsSnapshot([], 0, { epoch: 'e', seq: 0 });
        const streamed = applyAll([start, ...v2Batches(docs, sizes, 'e')], options).state;
        const snap = applyAll([callsSnapshot(finalDocuments(docs), 999)], options).state;
        expect(activeCalls(streamed)).toEqual(activeCalls(snap));
        expect(streamed.resyncNeeded).toEqual({});
        expect(streamed.cursors.calls.seq).toBe(docs.length);
      }),
      RUNS,
    );
  });

  it('(a) campaign updates in order give the same running campaigns as a snapshot', () => {
    const stepArbCampaign = fc.record({
      key: fc.constantFrom('k0', 'k1', 'k2', '__proto__'),
      status: fc.constantFrom(...CAMPAIGN_STATUSES),
      done: fc.nat(50),
    });
    fc.assert(
      fc.property(fc.array(stepArbCampaign, { maxLength: 30 }), (steps) => {
        const docs: Campaign[] = steps.map((s) =>
          campaign(s.key, s.status, { completedCalls: s.done }),
        );
        const streamed = applyAll(
          docs.map((c, i): FeedMessage => ({
            kind: 'batch',
            stream: 'campaigns',
            campaigns: [c],
            removed: [],
            at: i + 1,
          })),
          options,
        ).state;
        const last = new Map(docs.map((c) => [c.campaignId, c]));
        const snap = applyAll([campaignsSnapshot([...last.values()], 999)], options).state;
        const running = (s: FeedState) =>
          [...s.campaigns.entries()]
            .filter(([, e]) => e.endedAt === undefined)
            .map(([k, e]) => [k, e.campaign] as const);
        expect(running(streamed)).toEqual(running(snap));
      }),
      RUNS,
    );
  });

  it('(b) replaying any message right away changes nothing', () => {
    const messageArb = fc.oneof(
      stepsArb.map((steps) => seedMessages(lifecycle(steps).docs)),
      fc
        .tuple(stepsArb, sizesArb)
        .map(([steps, sizes]) => [
          callsSnapshot([], 0, { epoch: 'e', seq: 0 }),
          ...v2Batches(lifecycle(steps).docs, sizes, 'e'),
        ]),
      stepsArb.map((steps) => [callsSnapshot(finalDocuments(lifecycle(steps).docs), 1)]),
    );
    fc.assert(
      fc.property(messageArb, fc.nat(), fc.nat(20_000), (messages, pick, tickAt) => {
        const all: FeedMessage[] = [...messages, { kind: 'tick', now: tickAt }];
        const index = pick % all.length;
        const upTo = applyAll(all.slice(0, index + 1), { terminalLingerMs: 5_000 }).state;
        const again = applyFeedMessage(upTo, all[index]!, { terminalLingerMs: 5_000 });
        expect(again.state).toBe(upTo);
        expect(again.changes.callsUpserted).toEqual([]);
        expect(again.changes.callsRemoved).toEqual([]);
      }),
      RUNS,
    );
  });

  it('(c) v2 batches delivered with a gap end in resyncNeeded, never in silently wrong state', () => {
    fc.assert(
      fc.property(stepsArb, sizesArb, fc.nat(), fc.nat(), (steps, sizes, dropAt, extra) => {
        const { docs } = lifecycle([
          ...steps,
          { op: 'call', key: 'c0', status: 'queued', agent: 0 },
          { op: 'call', key: 'c1', status: 'queued', agent: 0 },
        ]);
        const batches = v2Batches(docs, sizes, 'e');
        fc.pre(batches.length >= 2);
        const drop = dropAt % (batches.length - 1); // never the last: something follows the hole
        const delivered = batches.filter((_, i) => i !== drop);
        const start = callsSnapshot([], 0, { epoch: 'e', seq: 0 });
        const beforeGap = applyAll([start, ...batches.slice(0, drop)], options).state;
        // Whatever follows the hole (all or some of the later batches) changes no entry.
        const after = delivered.slice(drop, drop + 1 + (extra % (delivered.length - drop)));
        const end = applyAll(after, options, beforeGap).state;
        expect(end.resyncNeeded.calls).toMatch(/gap/);
        expect(end.calls).toBe(beforeGap.calls);
        expect(end.cursors).toEqual(beforeGap.cursors);
      }),
      RUNS,
    );
  });

  it('(d) a duplicate or old batch never changes state', () => {
    fc.assert(
      fc.property(stepsArb, sizesArb, fc.nat(), fc.nat(), (steps, sizes, upTo, pick) => {
        const batches = v2Batches(lifecycle(steps).docs, sizes, 'e');
        fc.pre(batches.length >= 1);
        const n = 1 + (upTo % batches.length);
        const start = callsSnapshot([], 0, { epoch: 'e', seq: 0 });
        const state = applyAll([start, ...batches.slice(0, n)], { terminalLingerMs: 5_000 }).state;
        const old = batches[pick % n]!;
        const t = applyFeedMessage(state, old, { terminalLingerMs: 5_000 });
        expect(t.state).toBe(state);
        expect(t.changes.ignored).toMatch(/duplicate/);
      }),
      RUNS,
    );
  });

  it('starts empty', () => {
    expect(initialFeedState()).toEqual({
      calls: emptyEntries(),
      campaigns: emptyEntries(),
      cursors: {
        calls: { epoch: null, seq: null, synced: false },
        campaigns: { epoch: null, seq: null, synced: false },
      },
      resyncNeeded: {},
      callsGone: emptyEntries(),
      lastEventAt: null,
    });
  });
});

describe('reducer invariants under any message order', () => {
  const anyCall = fc.record({
    key: fc.constantFrom('c0', 'c1', 'c2', '__proto__'),
    status: fc.constantFrom(...CALL_STATUSES),
    second: fc.nat(60),
  });
  const anyMessage: fc.Arbitrary<FeedMessage> = fc.oneof(
    fc.record({
      kind: fc.constant('batch' as const),
      stream: fc.constant('calls' as const),
      calls: fc.array(anyCall, { maxLength: 3 }).map((cs) =>
        cs.map((c) =>
          call(c.key, c.status, {
            updatedAt: new Date(Date.UTC(2026, 0, 1, 0, 0, c.second)).toISOString(),
          }),
        ),
      ),
      removed: fc.array(
        fc.record({
          callSid: fc.constantFrom('c0', 'c1', '__proto__'),
          reason: fc.constantFrom('terminal' as const, 'deleted' as const),
        }),
        { maxLength: 2 },
      ),
      epoch: fc.option(fc.constantFrom('e1', 'e2'), { nil: undefined }),
      fromSeq: fc.option(fc.nat(8), { nil: undefined }),
      seq: fc.option(fc.nat(8), { nil: undefined }),
      at: fc.nat(100_000),
    }),
    fc.record({
      kind: fc.constant('snapshot' as const),
      stream: fc.constant('calls' as const),
      calls: fc.array(anyCall, { maxLength: 4 }).map((cs) => cs.map((c) => call(c.key, c.status))),
      epoch: fc.option(fc.constantFrom('e1', 'e2'), { nil: undefined }),
      seq: fc.option(fc.nat(8), { nil: undefined }),
      at: fc.nat(100_000),
    }),
    fc.record({ kind: fc.constant('tick' as const), now: fc.nat(200_000) }),
  );

  it('keys match documents, ended calls are terminal or removed-as-terminal, no-ops keep identity', () => {
    fc.assert(
      fc.property(fc.array(anyMessage, { maxLength: 25 }), (messages) => {
        let state = initialFeedState();
        for (const message of messages) {
          const t = applyFeedMessage(state, message, { terminalLingerMs: 1_000 });
          const touched = [...t.changes.callsUpserted, ...t.changes.callsRemoved];
          if (t.state === state) expect(touched).toEqual([]);
          for (const key of t.changes.callsRemoved) {
            expect(Object.prototype.hasOwnProperty.call(t.state.calls, key)).toBe(false);
          }
          for (const key of t.changes.callsUpserted) {
            expect(t.state.calls.get(key)).not.toBe(state.calls.get(key));
          }
          state = t.state;
          for (const [key, entry] of [...state.calls.entries()]) {
            expect(entry.call.callSid).toBe(key);
            if (isTerminalStatus(entry.call.status)) expect(entry.endedAt).toBeDefined();
          }
          if (state.cursors.calls.seq !== null) expect(state.cursors.calls.epoch).not.toBeNull();
        }
      }),
      RUNS,
    );
  });
});
