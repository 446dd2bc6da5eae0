import type { Call, Campaign } from '../../shared/domain/schemas';
import { parseCall, parseCampaign, type DocumentParse } from '../../shared/domain/schemas';
import type { FeedMessage } from '../../shared/feed/types';
import type { Logger } from '../../shared/log';
import type { FeedMode } from '../../shared/monitor';
import { STREAMS, type SinceCursor, type StreamName } from '../../shared/protocol/events';
import type { Hub } from '../../server/hub';
import type { HubEvent, HubSubscription } from '../../server/hub-types';
import { coalesceEntries, toEmissions } from '../../server/protocol-output';
import { fromRecentEvent } from '../../shared/feed/recent-protocol';
import type { RecentPort, RecentPortEvent } from '../feed/recent-port';
import type { Feed, FeedStatus, Unsubscribe } from '../feed/feed';
import { Emitter } from '../../shared/emitter';
import { createStoreTranscriptPort, type TranscriptStoreApi } from './store-transcripts';

/**
 * A Feed over an in-process Hub: the embedded and demo modes. No socket in between, the
 * hub's events become FeedMessages directly (same epoch/seq rules as v2 over the wire).
 * What the hub cannot know, whether MongoDB is reachable, comes from `upstream` (the
 * watcher's status), so the supervisor sees "reconnecting to MongoDB" and not "live".
 */
export interface UpstreamStatus {
  status: FeedStatus['status'];
  error?: string;
  attempt?: number;
  nextRetryAt?: number;
}

export interface HubFeedOptions {
  hub: Hub;
  mode: FeedMode;
  target: string;
  now: () => number;
  logger: Logger;
  /** The watcher's state; absent = always live (a hub fed by hand, tests). */
  upstream?: {
    current(): UpstreamStatus;
    onChange(listener: (status: UpstreamStatus) => void): Unsubscribe;
  };
  /** The server's in-process transcript store, when its source has one (issue 15). */
  transcripts?: () => TranscriptStoreApi | undefined;
  /** Called by stop() after unsubscribing: stops the watcher, hub, gateway it owns. */
  close?: () => Promise<void>;
}

export function createHubFeed(options: HubFeedOptions): Feed {
  const { hub, now } = options;
  const log = options.logger.child('hub-feed');
  const threw = (error: unknown) => log.error('a feed listener threw', { error });
  const messages = new Emitter<FeedMessage>(threw);
  const statuses = new Emitter<FeedStatus>(threw);
  const problems = new Emitter<string>(threw);
  const subscriptions = new Map<StreamName, HubSubscription>();
  const cursors = new Map<StreamName, SinceCursor>();
  let upstreamOff: Unsubscribe | null = null;
  let started = false;
  let stopped = false;

  const status = (): FeedStatus => {
    const up = options.upstream?.current() ?? { status: 'live' as const };
    const s: FeedStatus = {
      status: stopped ? 'stopped' : up.status,
      mode: options.mode,
      target: options.target,
      protocol: 2,
    };
    if (up.error !== undefined) s.error = up.error;
    if (up.attempt !== undefined) s.attempt = up.attempt;
    if (up.nextRetryAt !== undefined) s.nextRetryAt = up.nextRetryAt;
    return s;
  };

  const parseAll = <T>(docs: unknown[], parse: (d: unknown) => DocumentParse<T>) => {
    const out: T[] = [];
    for (const doc of docs) {
      const result = parse(doc);
      if (result.ok) out.push(result.value);
      for (const text of result.ok ? result.leftOut : [result.error]) problems.emit(text);
    }
    return out;
  };

  // The `recent` window: the hub's events go through the same emissions and parser a socket
  // client gets (src/server/protocol-output.ts, src/shared/feed/recent-protocol.ts).
  let recentListener: ((event: RecentPortEvent) => void) | null = null;
  let recentSubscription: HubSubscription | null = null;
  const tellRecent = (event: RecentPortEvent) => {
    try {
      recentListener?.(event);
    } catch (error) {
      log.error('a recent listener threw', { error });
    }
  };
  const onRecentEvent = (event: HubEvent) => {
    if (stopped || !recentListener) return;
    const timestamp = new Date(now()).toISOString();
    for (const emission of toEmissions(event, { v2: true, batch: true }, timestamp, () => [])) {
      if (emission.event !== 'recent_calls' && emission.event !== 'recent_calls_batch_update') {
        continue; // the `resync` notice: its snapshot is the next emission
      }
      const result = fromRecentEvent(emission.event, emission.payload, now(), hub.lifecycle);
      for (const message of result.problems) tellRecent({ type: 'problem', message });
      if (result.message) tellRecent({ type: 'message', message: result.message });
    }
  };
  const subscribeRecent = (since: SinceCursor | undefined) => {
    recentSubscription?.();
    recentSubscription = null;
    if (!started || stopped || !recentListener) return;
    recentSubscription = hub.subscribe('recent', since ? { since } : {}, onRecentEvent);
  };
  const recent: RecentPort = {
    subscribe(listener) {
      recentListener = listener;
      subscribeRecent(undefined);
      return () => {
        if (recentListener !== listener) return;
        recentListener = null;
        recentSubscription?.();
        recentSubscription = null;
      };
    },
    resync(since, reason) {
      log.info('resync asked', { stream: 'recent', reason });
      subscribeRecent(since);
    },
  };

  const onHubEvent = (event: HubEvent) => {
    // The list streams; `recent` has its own listener (onRecentEvent).
    if (stopped || event.stream === 'recent') return;
    const at = now();
    cursors.set(event.stream, { epoch: event.epoch, seq: event.seq });
    let message: FeedMessage;
    if (event.type === 'snapshot') {
      if (event.resync)
        log.info('the hub sent a fresh snapshot', { stream: event.stream, reason: event.resync });
      message =
        event.stream === 'calls'
          ? {
              kind: 'snapshot',
              stream: 'calls',
              calls: parseAll<Call>(event.docs, (d) => parseCall(d, hub.lifecycle)),
              epoch: event.epoch,
              seq: event.seq,
              at,
            }
          : {
              kind: 'snapshot',
              stream: 'campaigns',
              campaigns: parseAll<Campaign>(event.docs, (d) => parseCampaign(d, hub.lifecycle)),
              epoch: event.epoch,
              seq: event.seq,
              at,
            };
    } else {
      const entries = coalesceEntries(event.entries);
      const docs = entries.filter((e) => e.doc !== null).map((e) => e.doc);
      const removedKeys = entries.filter((e) => e.doc === null).map((e) => e.key);
      const range = { epoch: event.epoch, fromSeq: event.fromSeq, seq: event.seq, at };
      message =
        event.stream === 'calls'
          ? {
              kind: 'batch',
              stream: 'calls',
              calls: parseAll<Call>(docs, (d) => parseCall(d, hub.lifecycle)),
              removed: removedKeys.map((callSid) => ({ callSid, reason: 'deleted' as const })),
              ...range,
            }
          : {
              kind: 'batch',
              stream: 'campaigns',
              campaigns: parseAll<Campaign>(docs, (d) => parseCampaign(d, hub.lifecycle)),
              removed: removedKeys.map((campaignId) => ({
                campaignId,
                reason: 'deleted' as const,
              })),
              ...range,
            };
    }
    messages.emit(message);
  };

  const subscribe = (stream: StreamName, since: SinceCursor | undefined) => {
    subscriptions.get(stream)?.();
    subscriptions.set(stream, hub.subscribe(stream, since ? { since } : {}, onHubEvent));
  };

  return {
    start() {
      if (started || stopped) return;
      started = true;
      upstreamOff = options.upstream?.onChange(() => statuses.emit(status())) ?? null;
      statuses.emit(status());
      for (const stream of STREAMS) subscribe(stream, undefined);
      if (recentListener) subscribeRecent(undefined);
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      upstreamOff?.();
      for (const unsubscribe of subscriptions.values()) unsubscribe();
      subscriptions.clear();
      recentSubscription?.();
      recentSubscription = null;
      recentListener = null;
      try {
        await options.close?.();
      } finally {
        statuses.emit(status());
        messages.clear();
        statuses.clear();
        problems.clear();
      }
    },
    resync(stream, reason) {
      if (!started || stopped) return;
      log.info('resync asked', { stream, reason });
      subscribe(stream, undefined);
    },
    retryNow() {
      // The watcher owns MongoDB retries; resubscribing from the cursor is all a hub needs.
      if (!started || stopped) return;
      for (const stream of STREAMS) subscribe(stream, cursors.get(stream));
    },
    onMessage: messages.on,
    onStatus: statuses.on,
    onProblem: problems.on,
    recent,
    ...(options.transcripts ? { transcripts: createStoreTranscriptPort(options.transcripts) } : {}),
  };
}
