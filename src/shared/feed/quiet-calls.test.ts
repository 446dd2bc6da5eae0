import { describe, expect, it } from 'vitest';
import { quietSince } from './quiet-calls';
import { call } from './test-helpers';
import type { CallEntry } from './types';

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 11, 3, 9, 0, 0);

describe('quiet calls', () => {
  const entry = (extra: Partial<CallEntry>, updatedAt?: string): CallEntry => ({
    call: call('CA1', 'in-progress', updatedAt ? { updatedAt } : {}),
    receivedAt: T0,
    ...extra,
  });

  it('marks an active call once it has had no update for the threshold', () => {
    expect(quietSince(entry({}), T0 + 3 * HOUR - 1, 3 * HOUR)).toBeNull();
    expect(quietSince(entry({}), T0 + 3 * HOUR, 3 * HOUR)).toBe(T0);
  });

  it("counts from the document's own updatedAt when it has one", () => {
    const written = new Date(T0 - 2 * HOUR).toISOString();
    expect(quietSince(entry({}, written), T0 + HOUR, 3 * HOUR)).toBe(T0 - 2 * HOUR);
    expect(quietSince(entry({}, 'not a date'), T0 + HOUR, 3 * HOUR)).toBeNull();
  });

  it('never marks an ended call', () => {
    expect(quietSince(entry({ endedAt: T0 }), T0 + 10 * HOUR, 3 * HOUR)).toBeNull();
  });
});
