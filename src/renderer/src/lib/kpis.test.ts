import { describe, expect, it } from 'vitest';
import { DEFAULT_ALERT_THRESHOLDS } from '../../../shared/alerts-types';
import { callEntry, NOW } from '../test-support/memory-api';
import {
  connectionLevel,
  countCalls,
  levelFor,
  longestWaitStart,
  recentOutcomes,
  waitLevel,
} from './kpis';

describe('header KPIs', () => {
  const calls = {
    a: callEntry({ callSid: 'a', status: 'initiated' }),
    b: callEntry({
      callSid: 'b',
      status: 'queued',
      startTime: new Date(NOW - 50_000).toISOString(),
    }),
    c: callEntry({
      callSid: 'c',
      status: 'ringing',
      startTime: new Date(NOW - 70_000).toISOString(),
    }),
    d: callEntry({
      callSid: 'd',
      status: 'in-progress',
      startTime: new Date(NOW - 900_000).toISOString(),
    }),
    e: callEntry({ callSid: 'e', status: 'completed' }),
  };

  it('counts active calls by status, leaving ended ones out', () => {
    expect(countCalls(calls)).toEqual({ active: 4, queued: 2, ringing: 1, inProgress: 1 });
  });

  it('finds the longest-waiting call among queued and ringing ones', () => {
    expect(longestWaitStart(calls)).toBe(NOW - 70_000);
    expect(longestWaitStart({ d: calls.d })).toBeNull();
  });

  it('sums outcomes of the last 15 minutes only', () => {
    const outcomes = recentOutcomes(
      [
        { callSid: '1', status: 'completed', at: NOW - 60_000, duration: 60 },
        { callSid: '2', status: 'completed', at: NOW - 120_000, duration: 120 },
        { callSid: '3', status: 'no-answer', at: NOW - 60_000 },
        { callSid: '4', status: 'failed', at: NOW - 20 * 60_000 },
        { callSid: '5', status: 'canceled', at: NOW - 60_000 },
      ],
      NOW,
    );
    expect(outcomes).toEqual({
      completed: 2,
      failed: 1,
      averageTalkSeconds: 90,
      failureRate: 1 / 3,
    });
  });

  it.each([
    [null, 60, 'ok'],
    [10, 60, 'ok'],
    [30, 60, 'warn'],
    [59, 60, 'warn'],
    [60, 60, 'bad'],
  ] as const)('%s against threshold %s is %s', (value, threshold, level) => {
    expect(levelFor(value, threshold)).toBe(level);
  });

  it('colours waits from the configured threshold and the connection by status', () => {
    expect(waitLevel(61, DEFAULT_ALERT_THRESHOLDS)).toBe('bad');
    expect(connectionLevel('live')).toBe('ok');
    expect(connectionLevel('reconnecting')).toBe('warn');
    expect(connectionLevel('failed')).toBe('bad');
  });
});
