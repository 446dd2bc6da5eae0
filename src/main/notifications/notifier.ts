import { Notification } from 'electron';
import type { Alert, AlertTarget } from '../../shared/alerts-types';
import type { Logger } from '../../shared/log';
import type { MonitorCore } from '../../core/monitor/monitor-core';

/**
 * OS notifications for new alerts. The core already applied the user's notification
 * preferences, snoozes and the pause; clicking a notification brings the window up on the
 * call or campaign.
 */
export interface NotifierDeps {
  core: MonitorCore;
  silent(): boolean;
  reveal(target: AlertTarget): void;
  logger: Logger;
}

export function initializeNotifier(deps: NotifierDeps): () => void {
  // Keep references: a garbage-collected Notification loses its click handler.
  const shown = new Set<Notification>();
  const show = (alert: Alert) => {
    if (!Notification.isSupported()) return;
    const notification = new Notification({
      title: alert.title,
      body: alert.message,
      silent: deps.silent(),
      urgency: alert.severity === 'critical' ? 'critical' : 'normal',
    });
    shown.add(notification);
    const forget = () => shown.delete(notification);
    notification.on('click', () => {
      forget();
      deps.reveal(alert.target);
    });
    notification.on('close', forget);
    notification.on('failed', (_event, error) => {
      forget();
      deps.logger.warn('a notification could not be shown', { error });
    });
    notification.show();
  };
  const unsubscribe = deps.core.onDidRaiseAlert(show);
  return () => {
    unsubscribe();
    for (const n of shown) n.close();
    shown.clear();
  };
}
