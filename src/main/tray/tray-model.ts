import type { MonitorSnapshot } from '../../shared/monitor';
import { isCallEnded, isCampaignEnded } from '../../shared/domain/lifecycle';
import { formatTime } from '../../shared/time-format';

/**
 * What the tray shows, computed from the monitor snapshot with no Electron in sight, so
 * the wording and the icon rules are tested in Node (tray-model.test.ts); ./tray.ts only
 * paints it.
 */
export type TrayIconState = 'live' | 'alerting' | 'disconnected';

export type TrayMenuItem =
  | { kind: 'action'; id: TrayAction; label: string; enabled?: boolean }
  | { kind: 'info'; label: string }
  | { kind: 'separator' };

export type TrayAction = 'show-window' | 'pause-15' | 'pause-60' | 'resume-alerts' | 'quit';

export interface TrayModel {
  icon: TrayIconState;
  tooltip: string;
  menu: TrayMenuItem[];
}

const MODE_LABEL = { demo: 'Demo data', remote: 'Remote server', embedded: 'Embedded (MongoDB)' };

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

function describeConnection(snapshot: MonitorSnapshot, now: number): string {
  const c = snapshot.connection;
  switch (c.status) {
    case 'live':
      return 'Live';
    case 'connecting':
      return 'Connecting…';
    case 'resyncing':
      return 'Resyncing…';
    case 'reconnecting': {
      const wait = c.nextRetryAt ? Math.max(0, Math.ceil((c.nextRetryAt - now) / 1000)) : null;
      return `Reconnecting (attempt ${c.attempt ?? 1}${wait !== null ? `, next try in ${wait} s` : ''})`;
    }
    case 'failed':
      return `Failed: ${c.error ?? 'unknown error'}`;
    case 'stopped':
      return 'Stopped';
  }
}

export function trayModel(snapshot: MonitorSnapshot, now: number): TrayModel {
  const activeCalls = snapshot.calls.filter((e) => !isCallEnded(e.call.status)).length;
  const campaigns = snapshot.campaigns.filter((e) => !isCampaignEnded(e.campaign.status)).length;
  const openAlerts = snapshot.alerts.filter(
    (a) =>
      a.acknowledgedAt === undefined &&
      a.resolvedAt === undefined &&
      !(a.snoozedUntil !== undefined && a.snoozedUntil > now),
  ).length;
  const live = snapshot.connection.status === 'live';
  const icon: TrayIconState = !live ? 'disconnected' : openAlerts > 0 ? 'alerting' : 'live';
  const counts = `${plural(activeCalls, 'active call', 'active calls')}, ${plural(campaigns, 'campaign', 'campaigns')}`;
  const connection = describeConnection(snapshot, now);
  const paused = snapshot.alertsPausedUntil !== null && snapshot.alertsPausedUntil > now;
  const tooltipParts = [`Callboard: ${counts}`];
  if (openAlerts > 0) tooltipParts.push(plural(openAlerts, 'alert', 'alerts'));
  if (!live) tooltipParts.push(connection);
  if (paused) tooltipParts.push('alerts paused');
  const menu: TrayMenuItem[] = [
    { kind: 'action', id: 'show-window', label: 'Show Callboard' },
    { kind: 'separator' },
    paused
      ? {
          kind: 'action',
          id: 'resume-alerts',
          label: `Alerts paused until ${formatTime(snapshot.alertsPausedUntil!)}: resume`,
        }
      : { kind: 'action', id: 'pause-15', label: 'Pause alerts for 15 minutes' },
    ...(paused
      ? []
      : [{ kind: 'action' as const, id: 'pause-60' as const, label: 'Pause alerts for 1 hour' }]),
    { kind: 'separator' },
    {
      kind: 'info',
      label: `Mode: ${MODE_LABEL[snapshot.connection.mode]} (${snapshot.connection.target})`,
    },
    { kind: 'info', label: `Connection: ${connection}` },
    { kind: 'separator' },
    { kind: 'action', id: 'quit', label: 'Quit Callboard' },
  ];
  return { icon, tooltip: tooltipParts.join(' · '), menu };
}
