import type { Alert, AlertKind, AlertThresholds } from '../../shared/alerts-types';
import { applyFeedMessage, initialFeedState } from '../../shared/feed/reducer';
import { initialRecentState } from '../../shared/feed/recent-state';
import { FeedMessageQueue } from '../feed/message-queue';
import {
  DEFAULT_FEED_OPTIONS,
  type FeedMessage,
  type FeedOptions,
  type FeedState,
  type FeedTransition,
} from '../../shared/feed/types';
import { Emitter } from '../../shared/emitter';
import type { Logger } from '../../shared/log';
import type {
  ConnectionState,
  FeedMode,
  MonitorDelta,
  MonitorSnapshot,
  TranscriptDelta,
  TranscriptView,
} from '../../shared/monitor';
import { STREAMS, type StreamName } from '../../shared/protocol/events';
import type { Settings } from '../../shared/settings';
import type { ExportRecord } from '../../shared/ipc';
import type { Feed, FeedStatus, Unsubscribe } from '../feed/feed';
import type { AlertObservation, AlertsPort } from './alerts-port';
import type { MonitorClock, TimerHandle } from './clock';
import { initialConnection, nextConnection, sameConnection } from './connection';
import { DeltaBatcher } from './delta-batcher';
import { createRecentSession, type RecentSession } from './recent-session';
import { createTranscriptSession, type TranscriptSession } from './transcript-session';

/**
 * The monitor core: one per window of truth (the Electron main process, a web dashboard
 * page, the e2e harness). It applies a Feed's messages with the shared reducer, asks the
 * feed to resync when the reducer finds a hole, ticks time with one timer (lingering
 * terminal calls leave, duration alerts fire, staleness shows), runs the alert engine, and
 * hands out batched MonitorDeltas: everything that changed inside `batchMs` goes out as one.
 */

export type NotificationPrefs = Settings['notifications'];

export interface FeedSource {
  feed: Feed;
  mode: FeedMode;
  /** For display until the feed reports its own status. */
  target: string;
}

export interface MonitorCoreOptions extends FeedSource {
  alerts: AlertsPort;
  clock: MonitorClock;
  logger: Logger;
  feedOptions?: FeedOptions;
  notifications?: NotificationPrefs;
  /** Flush window for deltas (ms). */
  batchMs?: number;
  /** Time tick (ms): linger, duration alerts, staleness. */
  tickMs?: number;
}

export interface MonitorCore {
  getSnapshot(): MonitorSnapshot;
  onDidChange(listener: (delta: MonitorDelta) => void): Unsubscribe;
  /** New alerts a user should be told about (notification preferences and pause applied). */
  onDidRaiseAlert(listener: (alert: Alert) => void): Unsubscribe;
  acknowledgeAlert(alertId: string): boolean;
  acknowledgeAllAlerts(): void;
  snoozeAlert(alertId: string, minutes: number): boolean;
  pauseAlerts(minutes: number): void;
  resumeAlerts(): void;
  setThresholds(thresholds: AlertThresholds): void;
  setNotifications(prefs: NotificationPrefs): void;
  retryConnection(): void;
  /** The user exported a table: the source's audit hears of it (Feed.recordExport). */
  recordExport(record: ExportRecord): void;
  /**
   * Opens a call's transcript (closing the one open before: a screen shows one) and returns
   * what is held now; changes follow as TranscriptDeltas for that call only.
   */
  openTranscript(callSid: string): TranscriptView;
  /** Closes the call's transcript if it is the open one. */
  closeTranscript(callSid: string): void;
  onDidChangeTranscript(listener: (delta: TranscriptDelta) => void): Unsubscribe;
  /** Stops the old feed (awaited), resets the state, starts the new one. */
  switchFeed(source: FeedSource): Promise<void>;
  /** Stops the feed and every timer; the core is done after. */
  dispose(): Promise<void>;
}

const emptyRecent: Pick<RecentSession, 'state' | 'status'> = {
  state: initialRecentState,
  status: () => ({ status: 'waiting' }),
};

export const DEFAULT_BATCH_MS = 50;
export const DEFAULT_TICK_MS = 1_000;

export function createMonitorCore(options: MonitorCoreOptions): MonitorCore {
  const { clock, alerts } = options;
  const log = options.logger.child('monitor');
  const feedOptions = options.feedOptions ?? DEFAULT_FEED_OPTIONS;
  const batchMs = options.batchMs ?? DEFAULT_BATCH_MS;
  const tickMs = options.tickMs ?? DEFAULT_TICK_MS;
  let notifications: NotificationPrefs | undefined = options.notifications;

  let source: FeedSource = { feed: options.feed, mode: options.mode, target: options.target };
  let state: FeedState = initialFeedState();
  let connection: ConnectionState = initialConnection(source.mode, source.target, clock.now());
  let feedStatus: FeedStatus | null = null;
  let alertsPausedUntil: number | null = null;
  const resyncAsked = new Set<StreamName>();
  const batcher = new DeltaBatcher();
  const changeListeners = new Emitter<MonitorDelta>((error) =>
    log.error('a change listener threw', { error }),
  );
  const alertListeners = new Emitter<Alert>((error) =>
    log.error('an alert listener threw', { error }),
  );
  const transcriptListeners = new Emitter<TranscriptDelta>((error) =>
    log.error('a transcript listener threw', { error }),
  );
  let transcript: TranscriptSession | null = null;
  const openSession = (callSid: string) =>
    createTranscriptSession({
      callSid,
      port: source.feed.transcripts,
      clock,
      batchMs,
      logger: log,
      emit: (delta) => transcriptListeners.emit(delta),
    });
  let recent: RecentSession | null = null;
  const openRecent = (feed: Feed) =>
    createRecentSession({
      port: feed.recent,
      logger: log,
      changed(changes, statusChanged) {
        if (disposed || recent === null) return;
        if (changes) batcher.addRecentChanges(changes);
        if (statusChanged) batcher.markRecentStatus();
        scheduleFlush();
      },
    });
  let feedSubscriptions: Unsubscribe[] = [];
  let flushTimer: TimerHandle | null = null;
  let tickTimer: TimerHandle | null = null;
  let disposed = false;

  const snapshot = (): MonitorSnapshot => {
    queue.drain();
    return {
      calls: [...state.calls.values()],
      campaigns: [...state.campaigns.values()],
      recent: recent ? [...recent.state().calls.values()] : [],
      recentStatus: recent?.status() ?? { status: 'waiting' },
      connection,
      alerts: alerts.list(),
      alertsPausedUntil,
      at: clock.now(),
    };
  };

  const flush = () => {
    flushTimer = null;
    queue.drain();
    const delta = batcher.flush(state, {
      connection,
      alerts: alerts.list(),
      alertsPausedUntil,
      recent: (recent ?? emptyRecent).state().calls,
      recentStatus: (recent ?? emptyRecent).status(),
      snapshot,
      at: clock.now(),
    });
    if (delta) changeListeners.emit(delta);
  };

  const scheduleFlush = () => {
    if (disposed || flushTimer !== null || batcher.isEmpty) return;
    flushTimer = clock.setTimeout(flush, batchMs);
  };

  const notifies = (alert: Alert, now: number): boolean => {
    if (alertsPausedUntil !== null && now < alertsPausedUntil) return false;
    if (alert.snoozedUntil !== undefined && now < alert.snoozedUntil) return false;
    if (!notifications) return true;
    return notifications.enabled && notifications.kinds[alert.kind as AlertKind] === true;
  };

  const runAlerts = (
    cause: AlertObservation['cause'],
    before: FeedState,
    transition: FeedTransition | null,
  ) => {
    const now = clock.now();
    let result: ReturnType<AlertsPort['observe']>;
    try {
      const recentCalls = recent ? [...recent.state().calls.values()] : [];
      result = alerts.observe({ cause, before, transition, connection, recent: recentCalls, now });
    } catch (error) {
      log.error('the alert engine failed; alerts are not evaluated for this change', { error });
      return;
    }
    if (result.changed) batcher.markAlerts();
    for (const alert of result.raised) {
      if (notifies(alert, now)) alertListeners.emit(alert);
    }
  };

  const awaitingSnapshot = () =>
    resyncAsked.size > 0 || STREAMS.some((s) => !state.cursors[s].synced);

  const refreshConnection = () => {
    const next = nextConnection(connection, {
      feed: feedStatus,
      awaitingSnapshot: awaitingSnapshot(),
      lastEventAt: state.lastEventAt,
      now: clock.now(),
    });
    if (sameConnection(next, connection)) return false;
    connection = next;
    batcher.markConnection();
    return true;
  };

  const apply = (message: FeedMessage) => {
    if (disposed) return;
    const before = state;
    let transition: FeedTransition;
    try {
      transition = applyFeedMessage(state, message, feedOptions);
    } catch (error) {
      log.error('the reducer rejected a message; it was not applied', {
        error,
        kind: message.kind,
      });
      return;
    }
    state = transition.state;
    batcher.addChanges(transition.changes);
    for (const stream of STREAMS) {
      const reason = state.resyncNeeded[stream];
      if (reason === undefined) {
        if (state.cursors[stream].synced) resyncAsked.delete(stream);
      } else if (!resyncAsked.has(stream)) {
        resyncAsked.add(stream);
        log.warn('asking the feed for a fresh snapshot', { stream, reason });
        source.feed.resync(stream, reason);
      }
    }
    refreshConnection();
    if (transition.state !== before || message.kind === 'tick') {
      runAlerts(message.kind === 'tick' ? 'tick' : 'feed', before, transition);
    }
    scheduleFlush();
  };

  // Messages that arrive close together are applied merged, paced by what applying costs.
  const queue = new FeedMessageQueue(() => state.cursors, apply, {
    timers: clock,
    monotonic: () => clock.monotonic(),
    maxWaitMs: batchMs,
  });

  const tick = () => {
    tickTimer = null;
    if (disposed) return;
    queue.drain();
    apply({ kind: 'tick', now: clock.now() });
    scheduleFlush();
    tickTimer = clock.setTimeout(tick, tickMs);
  };

  const attach = (next: FeedSource) => {
    const { feed } = next;
    feedSubscriptions = [
      feed.onMessage((message) => {
        if (!disposed && source.feed === feed) queue.push(message);
      }),
      feed.onStatus((status) => {
        if (disposed || source.feed !== feed) return;
        queue.drain(); // the status is judged against the data that came before it
        feedStatus = status;
        if (refreshConnection()) {
          runAlerts('connection', state, null);
          scheduleFlush();
        }
      }),
      feed.onProblem((problem) => log.warn('the feed reported bad input', { problem })),
    ];
    feed.start();
    recent = openRecent(feed);
  };

  const detach = async () => {
    for (const unsubscribe of feedSubscriptions.splice(0)) unsubscribe();
    recent?.close();
    recent = null;
    try {
      await source.feed.stop();
    } catch (error) {
      log.error('the feed did not stop cleanly', { error });
    }
  };

  attach(source);
  tickTimer = clock.setTimeout(tick, tickMs);

  return {
    getSnapshot: snapshot,
    onDidChange: changeListeners.on,
    onDidRaiseAlert: alertListeners.on,
    acknowledgeAlert(alertId) {
      const found = alerts.acknowledge(alertId, clock.now());
      if (found) {
        batcher.markAlerts();
        scheduleFlush();
      }
      return found;
    },
    acknowledgeAllAlerts() {
      if (alerts.acknowledgeAll(clock.now())) {
        batcher.markAlerts();
        scheduleFlush();
      }
    },
    snoozeAlert(alertId, minutes) {
      const now = clock.now();
      const found = alerts.snooze(alertId, now + minutes * 60_000, now);
      if (found) {
        batcher.markAlerts();
        scheduleFlush();
      }
      return found;
    },
    pauseAlerts(minutes) {
      alertsPausedUntil = clock.now() + minutes * 60_000;
      batcher.markPaused();
      scheduleFlush();
    },
    resumeAlerts() {
      alertsPausedUntil = null;
      batcher.markPaused();
      scheduleFlush();
    },
    setThresholds(thresholds) {
      alerts.setThresholds(thresholds);
      runAlerts('settings', state, null);
      scheduleFlush();
    },
    setNotifications(prefs) {
      notifications = prefs;
    },
    retryConnection() {
      source.feed.retryNow();
    },
    recordExport(record) {
      source.feed.recordExport?.(record);
    },
    openTranscript(callSid) {
      if (disposed) throw new Error('the monitor core is disposed');
      if (transcript?.callSid !== callSid) {
        transcript?.close();
        transcript = openSession(callSid);
      }
      return transcript.view();
    },
    closeTranscript(callSid) {
      if (transcript?.callSid !== callSid) return;
      transcript.close();
      transcript = null;
    },
    onDidChangeTranscript: transcriptListeners.on,
    async switchFeed(next) {
      if (disposed) throw new Error('the monitor core is disposed');
      log.info('switching feed', { from: source.mode, to: next.mode, target: next.target });
      await detach();
      queue.clear();
      source = next;
      state = initialFeedState();
      resyncAsked.clear();
      feedStatus = null;
      connection = initialConnection(next.mode, next.target, clock.now());
      batcher.markReset();
      attach(next);
      if (transcript) {
        // The open call stays open, now from the new source: the screen starts it again.
        const callSid = transcript.callSid;
        transcript.close();
        transcript = openSession(callSid);
        const view = transcript.view();
        transcriptListeners.emit({
          callSid,
          phase: view.phase,
          ...(view.error !== undefined ? { error: view.error } : {}),
          reset: { turns: view.turns, source: view.source, truncated: view.truncated },
          at: view.at,
        });
      }
      runAlerts('connection', initialFeedState(), null);
      scheduleFlush();
    },
    async dispose() {
      if (disposed) return;
      disposed = true;
      if (flushTimer !== null) clock.clearTimeout(flushTimer);
      if (tickTimer !== null) clock.clearTimeout(tickTimer);
      flushTimer = tickTimer = null;
      changeListeners.clear();
      alertListeners.clear();
      transcript?.close();
      transcript = null;
      transcriptListeners.clear();
      queue.clear();
      await detach();
      const now = clock.now();
      connection = {
        ...connection,
        status: 'stopped',
        since: now,
        staleSince: connection.staleSince ?? now,
      };
    },
  };
}
