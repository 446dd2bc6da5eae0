import { describe, expect, it } from 'vitest';
import { until } from './until.test-support';

describe('until', () => {
  it('resolves with the value once the condition holds', async () => {
    let n = 0;
    const timer = setInterval(() => (n += 1), 2);
    try {
      expect(await until(() => (n >= 3 ? n : false), 'three ticks')).toBeGreaterThanOrEqual(3);
    } finally {
      clearInterval(timer);
    }
  });

  it('fails, naming what it waited for, when the condition never holds', async () => {
    await expect(until(() => false, 'something that never happens', 50)).rejects.toThrow(
      'timed out after 50 ms waiting for something that never happens',
    );
  });
});
