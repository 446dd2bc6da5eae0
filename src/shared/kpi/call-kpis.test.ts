import { describe, expect, it } from 'vitest';
import { applyAll, call, callsBatch, callsSnapshot } from '../feed/test-helpers';
import type { CallEntry } from '../feed/types';
import { computeCallKpis } from './call-kpis';
import { callTalkingSince, callWaitingSince, finalTalkSeconds, parseTimeMs } from './call-times';

const T0 = Date.parse('2026-11-26T20:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();

describe('computeCallKpis', () => {
  it('counts active calls by status and ignores lingering ended calls', () => {
    const { state } = applyAll([
      callsSnapshot(
        [
          call('q1', 'queued'),
          call('q2', 'queued'),
          call('r1', 'ringing'),
          call('p1', 'in-progress'),
          call('i1', 'initiated'),
        ],
        T0,
      ),
      callsBatch([call('p1', 'completed')], T0 + 1),
    ]);
    const kpis = computeCallKpis(state.calls, T0 + 2);
    expect(kpis.active).toBe(4);
    expect(kpis.byStatus).toEqual({ initiated: 1, queued: 2, ringing: 1, 'in-progress': 0 });
    expect(kpis.avgTalkSecondsInProgress).toBeNull();
  });

  it('finds the longest ringing-or-queued wait from startTime, else from when it was seen', () => {
    const { state } = applyAll([
      callsSnapshot(
        [
          call('a', 'ringing', { startTime: iso(T0 - 90_000) }),
          call('b', 'queued', { startTime: iso(T0 - 150_000) }),
          call('c', 'queued'),
          call('d', 'in-progress', { startTime: iso(T0 - 999_000) }),
        ],
        T0 - 10_000,
      ),
    ]);
    const kpis = computeCallKpis([...state.calls.values()], T0);
    expect(kpis.longestWait).toEqual({ callSid: 'b', status: 'queued', seconds: 150 });
    const onlyC = computeCallKpis([state.calls.get('c')!], T0);
    expect(onlyC.longestWait).toEqual({ callSid: 'c', status: 'queued', seconds: 10 });
  });

  it('averages the talk time of calls in progress, from when they were seen to answer', () => {
    const { state } = applyAll([
      callsSnapshot([call('a', 'ringing', { startTime: iso(T0 - 30_000) })], T0 - 30_000),
      callsBatch([call('a', 'in-progress', { startTime: iso(T0 - 30_000) })], T0 - 20_000),
      callsBatch([call('b', 'in-progress', { startTime: iso(T0 - 40_000) })], T0 - 5_000),
    ]);
    const kpis = computeCallKpis(state.calls, T0);
    // a: seen answering 20 s ago; b: first seen talking, so from its startTime (40 s).
    expect(kpis.avgTalkSecondsInProgress).toBe(30);
    expect(kpis.longestTalk).toEqual({ callSid: 'b', seconds: 40 });
  });

  it('never reports a negative time when the server clock runs ahead', () => {
    const { state } = applyAll([
      callsSnapshot([call('a', 'ringing', { startTime: iso(T0 + 60_000) })], T0),
    ]);
    expect(computeCallKpis(state.calls, T0).longestWait?.seconds).toBe(0);
  });

  it('is empty for no calls', () => {
    expect(computeCallKpis({}, T0)).toEqual({
      active: 0,
      byStatus: { initiated: 0, queued: 0, ringing: 0, 'in-progress': 0 },
      longestWait: null,
      longestTalk: null,
      unknownStatus: 0,
      avgTalkSecondsInProgress: null,
    });
  });
});

describe('call times', () => {
  const entry = (extra: Partial<CallEntry>, callExtra = {}): CallEntry => ({
    call: call('a', 'in-progress', callExtra),
    receivedAt: 500,
    ...extra,
  });

  it.each<[unknown, number | null]>([
    ['2026-11-26T20:00:00.000Z', T0],
    [T0, T0],
    ['later', null],
    [null, null],
    [Number.NaN, null],
    [{}, null],
  ])('parseTimeMs(%j)', (value, ms) => {
    expect(parseTimeMs(value)).toBe(ms);
  });

  it('picks the documented clocks', () => {
    expect(callWaitingSince(entry({ statusSince: 700 }, { startTime: iso(100) }))).toBe(100);
    expect(callWaitingSince(entry({ statusSince: 700 }))).toBe(700);
    expect(callWaitingSince(entry({}))).toBe(500);
    expect(callTalkingSince(entry({ statusSince: 700 }, { startTime: iso(100) }))).toBe(700);
    expect(callTalkingSince(entry({}, { startTime: iso(100) }))).toBe(100);
    expect(callTalkingSince(entry({}))).toBe(500);
  });

  it.each<[object, number | null]>([
    [{ duration: 42 }, 42],
    [{ duration: -1, startTime: iso(0), endTime: iso(61_500) }, 61],
    [{ startTime: iso(10_000), endTime: iso(0) }, null],
    [{}, null],
  ])('finalTalkSeconds(%j)', (fields, seconds) => {
    expect(finalTalkSeconds(entry({}, fields))).toBe(seconds);
  });
});
