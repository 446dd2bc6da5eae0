import { Timestamp } from 'bson';
import { describe, expect, it } from 'vitest';
import { ChangeHistory, LogicalClock, decodeToken, encodeToken } from './history';

function fill(history: ChangeHistory, clock: LogicalClock, count: number) {
  for (let i = 0; i < count; i++) {
    history.append({
      kind: 'insert',
      clusterTime: clock.tick(),
      wallTime: new Date(),
      db: 'd',
      coll: 'c',
    });
  }
}

describe('ChangeHistory', () => {
  it('keeps the last `limit` changes and reports 286 for older resume points', () => {
    const history = new ChangeHistory(3);
    const clock = new LogicalClock();
    fill(history, clock, 5);
    expect(history.lastSeq).toBe(5);
    expect(history.firstSeq).toBe(3);
    expect(history.get(2)).toBeUndefined();
    expect(history.get(4)?.seq).toBe(4);
    expect(() => history.assertAvailableAfter(2)).not.toThrow();
    expect(() => history.assertAvailableAfter(1)).toThrow(expect.objectContaining({ code: 286 }));
  });

  it('compacts its storage without losing order', () => {
    const history = new ChangeHistory(10);
    fill(history, new LogicalClock(), 5000);
    expect(history.firstSeq).toBe(4991);
    expect([...Array(10).keys()].map((i) => history.get(4991 + i)?.seq)).toEqual(
      [...Array(10).keys()].map((i) => 4991 + i),
    );
  });

  it('finds where a stream starting at a cluster time begins', () => {
    const history = new ChangeHistory(100);
    const clock = new LogicalClock();
    fill(history, clock, 3);
    const second = history.get(2)!.clusterTime;
    expect(history.seqBefore(second)).toBe(1);
    expect(history.seqBefore(new Timestamp({ t: 0, i: 1 }))).toBe(0);
    const small = new ChangeHistory(1);
    fill(small, clock, 3);
    expect(() => small.seqBefore(new Timestamp({ t: 0, i: 1 }))).toThrow(
      expect.objectContaining({ code: 286 }),
    );
  });

  it('rejects a bad limit', () => {
    expect(() => new ChangeHistory(0)).toThrow(/historySize/);
  });
});

describe('resume tokens and the clock', () => {
  it('round-trip and refuse garbage with 260', () => {
    expect(decodeToken(encodeToken(42))).toEqual({
      seq: 42,
      fromInvalidate: false,
      history: '00000000',
    });
    expect(decodeToken(encodeToken(7, true, 'abcdef01'))).toEqual({
      seq: 7,
      fromInvalidate: true,
      history: 'abcdef01',
    });
    expect(() => decodeToken({ _data: 'zz' })).toThrow(expect.objectContaining({ code: 260 }));
    expect(() => decodeToken('nope')).toThrow(expect.objectContaining({ code: 260 }));
  });

  it('issues strictly increasing cluster times', () => {
    const clock = new LogicalClock();
    const times = Array.from({ length: 100 }, () => clock.tick().toBigInt());
    expect(times.every((t, i) => i === 0 || t > times[i - 1]!)).toBe(true);
  });
});
