import { describe, expect, it } from 'vitest';
import { FailPoints } from './fail-points';
import { RetryableWriteLog } from './retryable-writes';

const write = (txnNumber: number) => ({ insert: 'c', lsid: { id: 'session' }, txnNumber });

describe('RetryableWriteLog', () => {
  it('runs each statement of a retryable write once, a plain write every time', () => {
    const log = new RetryableWriteLog();
    const points = new FailPoints();
    let runs = 0;
    const run = () => ({ n: ++runs });
    const first = log.runner('insert', write(1), points, undefined);
    expect([first.statement(0, run), first.statement(1, run)]).toEqual([{ n: 1 }, { n: 2 }]);
    const retry = log.runner('insert', write(1), points, undefined);
    expect([retry.statement(0, run), retry.statement(1, run), retry.statement(2, run)]).toEqual([
      { n: 1 },
      { n: 2 },
      { n: 3 },
    ]);
    const plain = log.runner('insert', { insert: 'c' }, points, undefined);
    expect(plain.statement(0, run)).toEqual({ n: 4 });
    expect(plain.statement(0, run)).toEqual({ n: 5 });
  });

  it('forgets the oldest writes past its bounds on writes and on statements', () => {
    const log = new RetryableWriteLog(2, 3);
    const points = new FailPoints();
    const result = () => ({ n: 1 });
    for (const txn of [1, 2, 3])
      log.runner('insert', write(txn), points, undefined).statement(0, result);
    expect(log.size).toEqual({ writes: 2, statements: 2 });
    const big = log.runner('insert', write(4), points, undefined);
    for (const index of [0, 1, 2]) big.statement(index, result);
    // The write being recorded is never the one forgotten, even past the statement bound.
    expect(log.size).toEqual({ writes: 1, statements: 3 });
    let ran = false;
    log.runner('insert', write(1), points, undefined).statement(0, () => {
      ran = true;
      return { n: 1 };
    });
    expect(ran).toBe(true);
  });
});
