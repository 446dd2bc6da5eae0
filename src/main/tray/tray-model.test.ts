import { describe, expect, it } from 'vitest';
import type { Alert } from '../../shared/alerts-types';
import type { Call, Campaign } from '../../shared/domain/schemas';
import type { MonitorSnapshot } from '../../shared/monitor';
import { trayModel } from './tray-model';

const NOW = 1_000_000;
const calls = (statuses: Call['status'][]) =>
  statuses.map((status, i) => ({ call: { callSid: `c${i}`, status } as Call, receivedAt: NOW }));
const campaigns = (statuses: string[]) =>
  statuses.map((status, i) => ({
    campaign: { campaignId: `k${i}`, status } as Campaign,
    receivedAt: NOW,
  }));
const alert = (extra: Partial<Alert> = {}): Alert => ({
  id: 'a',
  kind: 'call-waiting',
  severity: 'warning',
  title: 't',
  message: 'm',
  target: { type: 'feed' },
  raisedAt: NOW,
  lastSeenAt: NOW,
  count: 1,
  ...extra,
});

function snapshot(extra: Partial<MonitorSnapshot> = {}): MonitorSnapshot {
  return {
    calls: calls([...Array<Call['status']>(12).fill('in-progress'), 'completed']),
    campaigns: campaigns(['running', 'running', 'paused', 'completed']),
    recent: [],
    recentStatus: { status: 'waiting' },
    connection: {
      status: 'live',
      mode: 'remote',
      target: 'http://srv:7070',
      since: NOW,
      staleSince: null,
      lastEventAt: NOW,
    },
    alerts: [],
    alertsPausedUntil: null,
    at: NOW,
    ...extra,
  };
}

describe('tray model', () => {
  it('counts active calls and campaigns in the tooltip, terminal and ended ones left out', () => {
    const model = trayModel(snapshot(), NOW);
    expect(model.icon).toBe('live');
    expect(model.tooltip).toBe('Callboard: 12 active calls, 3 campaigns');
  });

  it('shows alerting while an alert is open, not when it is acknowledged or snoozed', () => {
    expect(trayModel(snapshot({ alerts: [alert()] }), NOW).icon).toBe('alerting');
    expect(trayModel(snapshot({ alerts: [alert()] }), NOW).tooltip).toContain('1 alert');
    expect(trayModel(snapshot({ alerts: [alert({ acknowledgedAt: NOW })] }), NOW).icon).toBe(
      'live',
    );
    expect(trayModel(snapshot({ alerts: [alert({ snoozedUntil: NOW + 1 })] }), NOW).icon).toBe(
      'live',
    );
  });

  it('shows disconnected with the reconnect attempt when the feed is down', () => {
    const model = trayModel(
      snapshot({
        alerts: [alert()],
        connection: {
          status: 'reconnecting',
          mode: 'remote',
          target: 'http://srv:7070',
          since: NOW,
          staleSince: NOW,
          lastEventAt: NOW,
          attempt: 3,
          nextRetryAt: NOW + 4_000,
        },
      }),
      NOW,
    );
    expect(model.icon).toBe('disconnected');
    expect(model.menu).toContainEqual({
      kind: 'info',
      label: 'Connection: Reconnecting (attempt 3, next try in 4 s)',
    });
    expect(model.menu).toContainEqual({
      kind: 'info',
      label: 'Mode: Remote server (http://srv:7070)',
    });
  });

  it('offers pause for 15 min and 1 h, and resume while paused', () => {
    const ids = (m: ReturnType<typeof trayModel>) =>
      m.menu.flatMap((i) => (i.kind === 'action' ? [i.id] : []));
    expect(ids(trayModel(snapshot(), NOW))).toEqual([
      'show-window',
      'pause-15',
      'pause-60',
      'quit',
    ]);
    const paused = trayModel(snapshot({ alertsPausedUntil: NOW + 60_000 }), NOW);
    expect(ids(paused)).toEqual(['show-window', 'resume-alerts', 'quit']);
    expect(paused.tooltip).toContain('alerts paused');
  });

  it('singular wording', () => {
    const model = trayModel(
      snapshot({ calls: calls(['ringing']), campaigns: campaigns(['running']) }),
      NOW,
    );
    expect(model.tooltip).toBe('Callboard: 1 active call, 1 campaign');
  });
});
