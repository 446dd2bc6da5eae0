import { describe, expect, it } from 'vitest';
import type { HubEvent } from './hub-types';
import { toEmissions } from './protocol-output';

const T = '2026-01-01T00:00:00.000Z';
const doc = (callSid: string, status: string) => ({ callSid, status });
const changes = (entries: { seq: number; key: string; doc: unknown }[]): HubEvent => ({
  type: 'changes',
  stream: 'calls',
  epoch: 'e1',
  fromSeq: entries[0]!.seq,
  seq: entries.at(-1)!.seq,
  entries: entries as never,
  replay: false,
});
const SEED = { v2: false, batch: true };
const V2 = { v2: true, batch: true };
const V2_KEYS = { v2: true, batch: false };

describe('toEmissions', () => {
  it('sends seed clients exactly the seed shapes', () => {
    const one = toEmissions(
      changes([{ seq: 1, key: 'a', doc: doc('a', 'ringing') }]),
      SEED,
      T,
      () => [],
    );
    expect(one).toEqual([
      { event: 'call_update', payload: { call: doc('a', 'ringing'), timestamp: T } },
    ]);
    const two = toEmissions(
      changes([
        { seq: 1, key: 'a', doc: doc('a', 'ringing') },
        { seq: 2, key: 'b', doc: doc('b', 'completed') },
      ]),
      SEED,
      T,
      () => [],
    );
    expect(two).toEqual([
      {
        event: 'calls_batch_update',
        payload: { calls: [doc('a', 'ringing'), doc('b', 'completed')], timestamp: T },
      },
    ]);
    const snap = toEmissions(
      { type: 'snapshot', stream: 'calls', epoch: 'e', seq: 3, docs: [doc('a', 'queued')] },
      SEED,
      T,
      () => [],
    );
    expect(snap).toEqual([
      { event: 'active_calls', payload: { calls: [doc('a', 'queued')], count: 1, timestamp: T } },
    ]);
  });

  it('follows a deletion with a fresh snapshot for seed clients', () => {
    const out = toEmissions(
      changes([
        { seq: 1, key: 'a', doc: null },
        { seq: 2, key: 'b', doc: doc('b', 'ringing') },
      ]),
      SEED,
      T,
      () => [doc('b', 'ringing')],
    );
    expect(out.map((e) => e.event)).toEqual(['call_update', 'active_calls']);
  });

  it('sends v2 batches with the seq range and removals, latest per key', () => {
    const out = toEmissions(
      changes([
        { seq: 4, key: 'a', doc: doc('a', 'ringing') },
        { seq: 5, key: 'b', doc: null },
        { seq: 6, key: 'a', doc: doc('a', 'in-progress') },
      ]),
      V2,
      T,
      () => [],
    );
    expect(out).toEqual([
      {
        event: 'calls_batch_update',
        payload: {
          v: 2,
          epoch: 'e1',
          fromSeq: 4,
          seq: 6,
          calls: [doc('a', 'in-progress')],
          removed: [{ callSid: 'b', reason: 'deleted' }],
          timestamp: T,
        },
      },
    ]);
  });

  it('sends v2 per-key events each with its own seq when batch is false', () => {
    const out = toEmissions(
      changes([
        { seq: 4, key: 'a', doc: doc('a', 'ringing') },
        { seq: 5, key: 'b', doc: null },
      ]),
      V2_KEYS,
      T,
      () => [],
    );
    expect(out).toEqual([
      {
        event: 'call_update',
        payload: { v: 2, epoch: 'e1', seq: 4, call: doc('a', 'ringing'), timestamp: T },
      },
      {
        event: 'call_removed',
        payload: { v: 2, epoch: 'e1', seq: 5, callSid: 'b', reason: 'deleted', timestamp: T },
      },
    ]);
  });

  it('announces a resync to v2 clients before the snapshot', () => {
    const out = toEmissions(
      { type: 'snapshot', stream: 'campaigns', epoch: 'e2', seq: 0, docs: [], resync: 'new epoch' },
      V2,
      T,
      () => [],
    );
    expect(out).toEqual([
      {
        event: 'resync',
        payload: { v: 2, stream: 'campaigns', epoch: 'e2', reason: 'new epoch', timestamp: T },
      },
      {
        event: 'active_campaigns',
        payload: { campaigns: [], count: 0, timestamp: T, v: 2, epoch: 'e2', seq: 0 },
      },
    ]);
  });
});

describe('list streams and transcripts', () => {
  const transcript = [{ role: 'agent', message: 'Hello', time_in_call_secs: 0 }];
  const withTranscript = {
    callSid: 'a',
    status: 'completed',
    transcript,
    data: { transcript, conversation_id: 'c1' },
  };
  const withoutIt = { callSid: 'a', status: 'completed', data: { conversation_id: 'c1' } };
  const event = changes([{ seq: 1, key: 'a', doc: withTranscript }]);
  const snapshot: HubEvent = {
    type: 'snapshot',
    stream: 'calls',
    epoch: 'e1',
    seq: 1,
    docs: [withTranscript as never],
  };
  const calls = (emissions: ReturnType<typeof toEmissions>) =>
    emissions.flatMap((e) => {
      const p = e.payload as { calls?: unknown[]; call?: unknown };
      return p.calls ?? (p.call ? [p.call] : []);
    });

  it('v2 clients get call documents without transcript[] (batch, per key and snapshot)', () => {
    for (const mode of [V2, V2_KEYS]) {
      expect(calls(toEmissions(event, mode, T, () => []))).toEqual([withoutIt]);
      expect(calls(toEmissions(snapshot, mode, T, () => []))).toEqual([withoutIt]);
    }
  });

  it('seed clients get the documents unchanged', () => {
    expect(calls(toEmissions(event, SEED, T, () => []))).toEqual([withTranscript]);
    expect(calls(toEmissions(snapshot, SEED, T, () => []))).toEqual([withTranscript]);
  });
});
