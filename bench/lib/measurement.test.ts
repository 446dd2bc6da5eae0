import { describe, expect, it } from 'vitest';
import { ArrivalTracker, compareStates } from './arrivals';
import { parseOptions } from './options';
import { median, percentile, ratio, slope, summarize } from './stats';
import { expectedFinalState, generateTrace, isTerminalCallStatus, seqsByKey } from './trace';

describe('percentile (nearest rank)', () => {
  it.each([
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 50, 5],
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90, 9],
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 99, 10],
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 100, 10],
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0, 1],
    [[7], 99, 7],
    [[30, 10, 20], 50, 20],
  ])('%j p%d = %d', (values, p, expected) => {
    expect(percentile(values, p)).toBe(expected);
  });

  it('is NaN for no values and refuses a p outside 0..100', () => {
    expect(percentile([], 50)).toBeNaN();
    expect(() => percentile([1], 101)).toThrow(/0\.\.100/);
    expect(() => percentile([1], Number.NaN)).toThrow(/0\.\.100/);
  });

  it('p99 of 1..1000 is 990 and the summary agrees', () => {
    const values = Array.from({ length: 1000 }, (_, i) => 1000 - i);
    expect(percentile(values, 99)).toBe(990);
    expect(summarize(values)).toEqual({ count: 1000, p50: 500, p95: 950, p99: 990, max: 1000 });
  });

  it('median, ratio and slope', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([Number.NaN, 5])).toBe(5);
    expect(ratio(1, 0)).toBeNaN();
    expect(ratio(3, 2)).toBe(1.5);
    expect(slope([0, 1, 2, 3], [10, 12, 14, 16])).toBeCloseTo(2);
    expect(slope([1], [1])).toBeNaN();
  });
});

describe('compareStates', () => {
  const db = new Map([
    ['CA1', 5],
    ['CA2', 7],
    ['CMP1', 9],
  ]);
  it('is equal only for the same keys at the same writes', () => {
    expect(compareStates(db, new Map(db)).equal).toBe(true);
    expect(compareStates(db, new Map([...db, ['CA3', 1]]))).toEqual({
      missing: 0,
      stale: 0,
      extra: 1,
      equal: false,
    });
    expect(
      compareStates(
        db,
        new Map([
          ['CA1', 4],
          ['CMP1', 9],
        ]),
      ),
    ).toEqual({ missing: 1, stale: 1, extra: 0, equal: false });
  });
});

describe('trace', () => {
  const options = { seed: 42, ops: 3000, activeCalls: 100, campaigns: 5 };

  it('is the same for the same seed and differs for another', () => {
    expect(generateTrace(options)).toEqual(generateTrace(options));
    expect(generateTrace({ ...options, seed: 43 }).ops).not.toEqual(generateTrace(options).ops);
  });

  it('numbers ops 1..n, stamps each with its seq, and keeps the active set near the target', () => {
    const trace = generateTrace(options);
    expect(trace.ops.map((op) => op.seq)).toEqual(Array.from({ length: 3000 }, (_, i) => i + 1));
    for (const op of trace.ops) expect(op.fields.benchSeq).toBe(op.seq);
    const final = expectedFinalState(trace);
    const activeCalls = [...final.keys()].filter((k) => k.startsWith('CA')).length;
    expect(activeCalls).toBeGreaterThanOrEqual(99);
    expect(activeCalls).toBeLessThanOrEqual(100);
    expect(trace.ops.some((op) => op.collection === 'campaigns')).toBe(true);
    expect(trace.ops.some((op) => isTerminalCallStatus(op.fields.status))).toBe(true);
  });

  it('a longer trace starts with the shorter one (every rate replays the same writes)', () => {
    const short = generateTrace(options);
    const long = generateTrace({ ...options, ops: 6000 });
    expect(long.ops.slice(0, 3000)).toEqual(short.ops);
  });

  it('refuses bad options with a message naming them', () => {
    expect(() => generateTrace({ ...options, ops: -1, campaigns: 0 })).toThrow(/ops.*campaigns/);
  });
});

describe('ArrivalTracker', () => {
  const trace = generateTrace({ seed: 1, ops: 500, activeCalls: 20, campaigns: 2 });
  const byKey = seqsByKey(trace);

  it('a newer version holds the older writes to its key (coalesced delivery)', () => {
    const [key, seqs] = [...byKey.entries()].find(([, s]) => s.length >= 3) as [string, number[]];
    const tracker = new ArrivalTracker(byKey, trace.ops.length, 1000);
    tracker.observe(key, seqs[2] as number, 1010);
    expect(tracker.heldCount).toBe(3);
    tracker.observe(key, seqs[1] as number, 1020); // an older version arriving late changes nothing
    expect(tracker.heldCount).toBe(3);
    const writtenAt = new Float64Array(trace.ops.length + 1).fill(5);
    const { values, missing } = tracker.latencies(writtenAt);
    expect(values).toEqual([5, 5, 5]);
    expect(missing).toBe(trace.ops.length - 3);
    expect(tracker.isComplete()).toBe(false);
    // Warm-up writes still count as missing or held, but give no latency.
    const warm = tracker.latencies(writtenAt, trace.ops.length, seqs[1] as number);
    expect(warm.values).toEqual([5]);
    expect(warm.missing).toBe(trace.ops.length - 3);
  });

  it('is complete once every key is held or removed', () => {
    const tracker = new ArrivalTracker(byKey, trace.ops.length, 0);
    for (const [key, seqs] of byKey) {
      if (key.startsWith('CMP')) tracker.observe(key, seqs[seqs.length - 1] as number, 1);
      else tracker.observeRemoval(key, 1);
    }
    expect(tracker.isComplete()).toBe(true);
  });
});

describe('bench options', () => {
  it('defaults to the quick mode without the soak', () => {
    const options = parseOptions([]);
    expect(options.mode).toBe('quick');
    expect(options.only.has('soak')).toBe(false);
    expect(parseOptions(['--soak', '30']).soakMinutes).toBe(30);
  });

  it('runs the on-screen measurement by default, and alone with --only screen', () => {
    expect(parseOptions([]).only.has('screen')).toBe(true);
    expect([...parseOptions(['--only', 'screen']).only]).toEqual(['screen']);
  });

  it.each([
    [['--soak'], /--soak needs a value/],
    [['--soak', '0'], /--soak must be an integer >= 1/],
    [['--contenders', 'baseline,nope'], /unknown contender "nope"/],
    [['--only', 'soak'], /needs --soak MINUTES/],
    [['--fast'], /unknown option "--fast"/],
  ])('%j is refused: %s', async (argv, message) => {
    expect(() => parseOptions(argv)).toThrow(message);
  });
});
