import { describe, expect, it } from 'vitest';
import type { Alert } from '../alerts-types';
import { DEFAULT_SETTINGS } from '../settings';
import { alertsToNotify } from './notify-filter';

const alert = (kind: Alert['kind']): Alert => ({
  id: `${kind}:feed`,
  kind,
  severity: 'warning',
  title: kind,
  message: kind,
  target: { type: 'feed' },
  raisedAt: 0,
  lastSeenAt: 0,
  count: 1,
});

describe('alertsToNotify', () => {
  const all = [alert('call-failed'), alert('call-waiting'), alert('feed-down')];

  it('follows the per-kind preferences (call-failed is off by default)', () => {
    expect(alertsToNotify(all, DEFAULT_SETTINGS.notifications).map((a) => a.kind)).toEqual([
      'call-waiting',
      'feed-down',
    ]);
  });

  it('notifies nothing when notifications are off', () => {
    expect(alertsToNotify(all, { ...DEFAULT_SETTINGS.notifications, enabled: false })).toEqual([]);
  });
});
