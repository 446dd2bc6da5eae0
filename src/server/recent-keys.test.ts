import { describe, expect, it } from 'vitest';
import { RecentKeys } from './recent-keys';

describe('RecentKeys', () => {
  it('forgets the oldest past its capacity; adding again makes a key the newest', () => {
    const keys = new RecentKeys(3);
    for (const k of ['a', 'b', 'c']) keys.add(k);
    keys.add('a');
    keys.add('d');
    expect(['a', 'b', 'c', 'd'].filter((k) => keys.has(k))).toEqual(['a', 'c', 'd']);
    expect(keys.size).toBe(3);
    keys.delete('c');
    expect(keys.has('c')).toBe(false);
  });

  it('refuses a capacity that is not a positive integer', () => {
    expect(() => new RecentKeys(0)).toThrow('capacity must be an integer >= 1, got 0');
  });
});
