import {
  applyTranscriptPayload,
  cursorOf,
  type CallTranscript,
} from '../../shared/feed/transcript-state';
import type { Logger } from '../../shared/log';
import type { TranscriptDelta, TranscriptPhase, TranscriptView } from '../../shared/monitor';
import type { TranscriptTurn } from '../../shared/protocol/transcript';
import {
  TRANSCRIPTS_UNAVAILABLE,
  type TranscriptPort,
  type TranscriptPortEvent,
} from '../feed/transcript-port';
import type { MonitorClock, TimerHandle } from './clock';

/**
 * One open call transcript in the monitor core: subscribes through the feed's TranscriptPort,
 * applies what comes with the shared reducer, subscribes again `since` its cursor after a
 * hole, a reconnect or a dropped bad payload, and hands out batched TranscriptDeltas (at most
 * one per `batchMs`). Unlike the call deltas, whose window is nearly always open under load, a
 * turn that comes after a quiet window goes out at once: turns come seconds apart, and waiting
 * out a full window for each put every turn ~50 ms late on screen (docs/performance.md, "On
 * screen"). Without a port (a source with no transcripts) it says so
 * in an error phase rather than showing an empty transcript.
 */
export interface TranscriptSession {
  readonly callSid: string;
  view(): TranscriptView;
  close(): void;
}

/** Bad payloads in a row, each answered by subscribing again, before the session gives up. */
const MAX_PROBLEM_RETRIES = 3;

export function createTranscriptSession(options: {
  callSid: string;
  port: TranscriptPort | undefined;
  clock: MonitorClock;
  batchMs: number;
  logger: Logger;
  emit(delta: TranscriptDelta): void;
}): TranscriptSession {
  const { callSid, clock } = options;
  const log = options.logger.child('transcript');
  let held: CallTranscript | null = null;
  let phase: TranscriptPhase = 'loading';
  let error: string | undefined;
  let dispose: (() => void) | null = null;
  let problemsInARow = 0;
  let closed = false;
  // What changed since the last delta.
  let changed = false;
  let reset = false;
  const upserted = new Map<string, TranscriptTurn>();
  const removed = new Set<string>();
  let timer: TimerHandle | null = null;
  let lastFlushAt = Number.NEGATIVE_INFINITY;

  const flush = () => {
    timer = null;
    if (closed || !changed) return;
    lastFlushAt = clock.monotonic();
    const delta: TranscriptDelta = {
      callSid,
      phase,
      ...(error !== undefined ? { error } : {}),
      at: clock.now(),
    };
    if (reset) {
      delta.reset = {
        turns: [...(held?.turns ?? [])],
        source: held?.source ?? 'none',
        truncated: held?.truncated ?? 0,
      };
    } else {
      if (upserted.size > 0) delta.upserted = [...upserted.values()];
      if (removed.size > 0) delta.removed = [...removed];
    }
    changed = reset = false;
    upserted.clear();
    removed.clear();
    options.emit(delta);
  };
  const markChanged = () => {
    changed = true;
    if (timer !== null || closed) return;
    // The window runs from the last delta: a change after a quiet spell waits for nothing.
    const wait = Math.max(0, lastFlushAt + options.batchMs - clock.monotonic());
    timer = clock.setTimeout(flush, wait);
  };
  const setPhase = (next: TranscriptPhase, why?: string) => {
    if (next === phase && why === error) return;
    phase = next;
    error = why;
    markChanged();
  };

  const subscribe = (reason: string) => {
    dispose?.();
    dispose = null;
    if (closed) return;
    const port = options.port;
    if (!port) {
      setPhase('error', TRANSCRIPTS_UNAVAILABLE);
      return;
    }
    const since = held ? cursorOf(held) : undefined;
    log.debug('subscribing', { callSid, reason, since });
    let mine = true;
    const off = port.subscribe(callSid, since, (event) => {
      if (mine && !closed) onEvent(event);
    });
    dispose = () => {
      mine = false;
      off();
    };
  };

  const onEvent = (event: TranscriptPortEvent) => {
    switch (event.type) {
      case 'snapshot':
      case 'turns': {
        if (event.payload.callSid !== callSid) return;
        const step = applyTranscriptPayload(held, event);
        if (step.kind === 'ignored') return;
        if (step.kind === 'resubscribe') {
          // Turns racing the first snapshot: that snapshot is on its way.
          if (!held) return;
          log.info('subscribing to the transcript again', { callSid, reason: step.reason });
          subscribe(step.reason);
          return;
        }
        held = step.transcript;
        problemsInARow = 0;
        if (step.reset) {
          reset = true;
          upserted.clear();
          removed.clear();
        } else if (!reset) {
          for (const id of step.removed) {
            upserted.delete(id);
            removed.add(id);
          }
          for (const turn of step.upserted) {
            removed.delete(turn.id);
            upserted.set(turn.id, turn);
          }
        }
        markChanged();
        setPhase('live');
        return;
      }
      case 'subscribed':
        // A replay with nothing missed sends no payload: what is held is current again.
        if (held) setPhase('live');
        return;
      case 'disconnected':
        setPhase('reconnecting', `the connection dropped (${event.reason}); reconnecting`);
        return;
      case 'reconnected':
        subscribe('reconnected');
        return;
      case 'problem':
        problemsInARow += 1;
        log.warn('a transcript payload was dropped', { callSid, problem: event.message });
        if (problemsInARow > MAX_PROBLEM_RETRIES) {
          setPhase('error', `the server keeps sending bad transcript data: ${event.message}`);
          dispose?.();
          dispose = null;
          return;
        }
        subscribe(event.message);
        return;
      case 'error':
        setPhase(event.forbidden ? 'forbidden' : 'error', event.message);
        return;
    }
  };

  subscribe('opened');

  return {
    callSid,
    view: () => ({
      callSid,
      phase,
      ...(error !== undefined ? { error } : {}),
      source: held?.source ?? 'none',
      truncated: held?.truncated ?? 0,
      turns: [...(held?.turns ?? [])],
      at: clock.now(),
    }),
    close() {
      if (closed) return;
      closed = true;
      if (timer !== null) clock.clearTimeout(timer);
      timer = null;
      dispose?.();
      dispose = null;
    },
  };
}
