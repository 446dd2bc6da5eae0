import { describe, expect, it } from 'vitest';
import { DEFAULT_ALERT_THRESHOLDS } from '../../../shared/alerts-types';
import { connectionLevel, failureLevel, levelFor, talkLevel, waitLevel } from './kpis';

describe('threshold colouring', () => {
  it.each([
    [null, 60, 'ok'],
    [10, 60, 'ok'],
    [30, 60, 'warn'],
    [59, 60, 'warn'],
    [60, 60, 'bad'],
  ] as const)('%s against threshold %s is %s', (value, threshold, level) => {
    expect(levelFor(value, threshold)).toBe(level);
  });

  it('colours from the configured thresholds and the connection by status', () => {
    expect(waitLevel(61, DEFAULT_ALERT_THRESHOLDS)).toBe('bad');
    expect(talkLevel(8 * 60, DEFAULT_ALERT_THRESHOLDS)).toBe('warn');
    expect(failureLevel(0.31, DEFAULT_ALERT_THRESHOLDS)).toBe('bad');
    expect(failureLevel(null, DEFAULT_ALERT_THRESHOLDS)).toBe('ok');
    expect(connectionLevel('live')).toBe('ok');
    expect(connectionLevel('reconnecting')).toBe('warn');
    expect(connectionLevel('resyncing')).toBe('warn');
    expect(connectionLevel('failed')).toBe('bad');
  });
});
