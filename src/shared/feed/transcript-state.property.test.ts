import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { TranscriptRole } from '../protocol/transcript';
import { spokenOrder, TranscriptServerModel } from './transcript-model.test-support';
import {
  applyTranscriptPayload,
  type CallTranscript,
  type TranscriptPayload,
} from './transcript-state';

/**
 * A client following one call's transcript over a channel that loses and repeats batches, and
 * a server that restarts, ends with exactly the server's turns, in spoken order, once per id
 * (issue 15: "a client that reconnects gets what it missed, without duplicates or gaps").
 */

type Op =
  | { op: 'add'; role: TranscriptRole; time: number | null; text: string }
  | { op: 'correct'; pick: number; text: string }
  | { op: 'remove'; pick: number }
  | { op: 'flush'; fault: 'none' | 'drop' | 'repeat' }
  | { op: 'reconnect' }
  | { op: 'restart' };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      op: fc.constant('add' as const),
      role: fc.constantFrom<TranscriptRole>('agent', 'caller', 'other'),
      time: fc.option(fc.nat(30), { nil: null }),
      text: fc.string({ maxLength: 6 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant('correct' as const),
      pick: fc.nat(),
      text: fc.string({ maxLength: 6 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('remove' as const), pick: fc.nat() }) },
  {
    weight: 4,
    arbitrary: fc.record({
      op: fc.constant('flush' as const),
      fault: fc.constantFrom('none' as const, 'none' as const, 'drop' as const, 'repeat' as const),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ op: 'reconnect' as const }) },
  { weight: 1, arbitrary: fc.constant({ op: 'restart' as const }) },
);

/** The client: the reducer, plus "subscribe again" answered by the server model. */
function follow(ops: Op[]) {
  const server = new TranscriptServerModel('CA1');
  let held: CallTranscript | null = null;
  /** The last seq the server sent this client (what it believes the client has). */
  let sentUpTo = 0;
  let resubscribes = 0;
  const subscribe = () => {
    resubscribes += 1;
    const answer = server.answer(held ? { epoch: held.epoch, seq: held.seq } : undefined);
    sentUpTo = server.seq;
    if (answer.payload) deliver({ ...answer } as TranscriptPayload);
  };
  const deliver = (message: TranscriptPayload) => {
    const step = applyTranscriptPayload(held, message);
    if (step.kind === 'applied') {
      const ids = step.transcript.turns.map((t) => t.id);
      expect(new Set(ids).size).toBe(ids.length);
      held = step.transcript;
    } else if (step.kind === 'resubscribe') {
      if (step.since) expect(step.since).toEqual({ epoch: held?.epoch, seq: held?.seq });
      subscribe();
    }
  };
  const pick = (n: number) => [...server.turns.keys()][n % Math.max(1, server.turns.size)];
  subscribe();
  for (const op of ops) {
    if (op.op === 'add') server.add(op.role, op.text, op.time ?? undefined);
    else if (op.op === 'correct') {
      const id = pick(op.pick);
      if (id) server.correct(id, op.text);
    } else if (op.op === 'remove') {
      const id = pick(op.pick);
      if (id) server.remove(id);
    } else if (op.op === 'restart') {
      server.restart();
      sentUpTo = 0;
    } else if (op.op === 'reconnect') subscribe();
    else {
      const batch = server.turnsSince(sentUpTo);
      sentUpTo = server.seq;
      if (!batch || op.fault === 'drop') continue;
      deliver({ type: 'turns', payload: batch });
      if (op.fault === 'repeat') deliver({ type: 'turns', payload: batch });
    }
  }
  return {
    server,
    held: held as CallTranscript | null,
    get resubscribes() {
      return resubscribes;
    },
    subscribe,
    deliver,
  };
}

describe('transcript reducer (property)', () => {
  it('converges to the server after losses, repeats and restarts, once a reconnect happens', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 60 }), (ops) => {
        const run = follow([...ops, { op: 'reconnect' }]);
        expect(run.held).not.toBeNull();
        expect(run.held!.epoch).toBe(run.server.epoch);
        expect(run.held!.seq).toBe(run.server.seq);
        expect(run.held!.turns).toEqual(spokenOrder(run.server.turns.values()));
      }),
      { numRuns: 800 },
    );
  });

  it('on a clean channel every batch applies: no resubscribe, and the same turns', () => {
    const clean = opArb.filter(
      (o) => o.op !== 'restart' && o.op !== 'reconnect' && (o.op !== 'flush' || o.fault !== 'drop'),
    );
    fc.assert(
      fc.property(fc.array(clean, { maxLength: 60 }), (ops) => {
        const run = follow([...ops, { op: 'flush', fault: 'none' }]);
        expect(run.resubscribes).toBe(1);
        expect(run.held!.turns).toEqual(spokenOrder(run.server.turns.values()));
      }),
      { numRuns: 500 },
    );
  });

  it('a gap and a new epoch are detected by the next batch, whatever came before', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 30 }), fc.boolean(), (ops, restart) => {
        const run = follow([...ops, { op: 'reconnect' }]);
        const before = run.resubscribes;
        const server = run.server;
        server.add('agent', 'lost');
        const lost = server.turnsSince(server.seq - 1)!;
        void lost; // the client never sees this batch
        if (restart) server.restart();
        server.add('caller', 'next');
        const next = server.turnsSince(server.seq - 1)!;
        run.deliver({ type: 'turns', payload: next });
        expect(run.resubscribes - before).toBe(1);
      }),
      { numRuns: 300 },
    );
  });
});
