import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  spokenOrder,
  TranscriptServerModel,
} from '../../shared/feed/transcript-model.test-support';
import { applyTranscriptDelta } from '../../shared/feed/transcript-state';
import type {
  TranscriptSnapshotPayload,
  TranscriptTurnsPayload,
} from '../../shared/protocol/transcript';
import { silentLogger } from '../../shared/log';
import type { TranscriptDelta, TranscriptView } from '../../shared/monitor';
import { DEFAULT_SETTINGS } from '../../shared/settings';
import { createStoreTranscriptPort, type TranscriptStoreApi } from '../embedded/store-transcripts';
import { createFakeFeed } from '../feed/fake-feed.test-support';
import type { Feed } from '../feed/feed';
import { TRANSCRIPTS_UNAVAILABLE } from '../feed/transcript-port';
import { manualClock } from './clock';
import { createMonitorCore, type MonitorCore } from './monitor-core';
import { createAlertsPort } from './shared-alerts';

/**
 * The core's open transcript (issue 15: "one operation to open a call's transcript, one to
 * close it; main pushes turns only for the open call"), over embedded mode's store adapter
 * with a store that keeps the contract (a model per call, payloads emitted synchronously).
 */
type TranscriptPayloadOnWire = TranscriptSnapshotPayload | TranscriptTurnsPayload;

function contractStore(callSids: string[]) {
  const models = new Map(callSids.map((sid) => [sid, new TranscriptServerModel(sid)]));
  const listeners = new Map<string, Set<(p: never) => void>>();
  const sent = new Map<string, number>();
  const opened: string[] = [];
  // As the server's store does: the first payload before the promise settles.
  const store: TranscriptStoreApi = {
    subscribe(callSid, since, listener) {
      const model = models.get(callSid);
      if (!model) return Promise.reject(new Error(`no call ${callSid}`));
      opened.push(callSid);
      const set = listeners.get(callSid) ?? new Set();
      listeners.set(callSid, set);
      const deliver = (payload: TranscriptPayloadOnWire) =>
        listener(
          'fromSeq' in payload
            ? { event: 'transcript_turns', payload }
            : { event: 'transcript_snapshot', payload },
        );
      set.add(deliver as never);
      const answer = model.answer(since);
      if (answer.payload) deliver(answer.payload);
      sent.set(callSid, model.seq);
      const unsubscribe = () => void set.delete(deliver as never);
      return Promise.resolve(
        Object.assign(unsubscribe, { callSid, mode: 'snapshot' as const, epoch: 'e', seq: 0 }),
      );
    },
  };
  return {
    store,
    opened,
    model: (sid: string) => models.get(sid)!,
    listening: (sid: string) => listeners.get(sid)?.size ?? 0,
    broadcast(sid: string) {
      const batch = models.get(sid)!.turnsSince(sent.get(sid) ?? 0);
      sent.set(sid, models.get(sid)!.seq);
      if (batch) for (const l of [...(listeners.get(sid) ?? [])]) l(batch as never);
    },
  };
}

let core: MonitorCore | undefined;
afterEach(async () => {
  await core?.dispose();
  core = undefined;
});

function setup(feed: Feed) {
  const clock = manualClock();
  core = createMonitorCore({
    feed,
    mode: 'embedded',
    target: 'db:27017/callcentre',
    alerts: createAlertsPort(DEFAULT_SETTINGS.alerts),
    clock,
    logger: silentLogger,
    batchMs: 50,
  });
  const deltas: TranscriptDelta[] = [];
  core.onDidChangeTranscript((d) => deltas.push(d));
  return { clock, core, deltas };
}

const withStore = (store: TranscriptStoreApi): Feed => ({
  ...createFakeFeed(),
  transcripts: createStoreTranscriptPort(() => store),
});

describe('monitor core: the open transcript', () => {
  it('opens with what is held, then pushes batched deltas the screen can apply', () => {
    const s = contractStore(['CA1']);
    s.model('CA1').add('agent', 'Hello', 1);
    const { core, clock, deltas } = setup(withStore(s.store));
    let view: TranscriptView = core.openTranscript('CA1');
    expect(view).toMatchObject({ callSid: 'CA1', phase: 'live', source: 'live' });
    expect(view.turns.map((t) => t.message)).toEqual(['Hello']);

    s.model('CA1').add('caller', 'Hi, who is this?', 4);
    s.broadcast('CA1');
    const first = s.model('CA1').turns.values().next().value!;
    s.model('CA1').correct(first.id, 'Hello, this is Ada');
    s.broadcast('CA1');
    expect(deltas).toHaveLength(0); // batched: nothing before the flush window ends
    clock.advance(50);
    expect(deltas).toHaveLength(1);
    for (const d of deltas) view = applyTranscriptDelta(view, d);
    expect(view.turns).toEqual(spokenOrder(s.model('CA1').turns.values()));
  });

  it('pushes a turn after a quiet window at once, and holds the next ones to the window', () => {
    const s = contractStore(['CA1']);
    const { core, clock, deltas } = setup(withStore(s.store));
    core.openTranscript('CA1');
    clock.advance(1_000); // quiet: what opening produced is out
    const before = deltas.length;
    s.model('CA1').add('agent', 'Hello', 1);
    s.broadcast('CA1');
    clock.advance(0);
    expect(deltas).toHaveLength(before + 1); // a lone turn waits for no window
    s.model('CA1').add('caller', 'Hi', 2);
    s.broadcast('CA1');
    clock.advance(49);
    expect(deltas).toHaveLength(before + 1); // 49 ms after the last delta: still held
    clock.advance(1);
    expect(deltas).toHaveLength(before + 2);
    expect(deltas.at(-1)?.upserted?.map((t) => t.message)).toEqual(['Hi']);
  });

  it('pushes only the open call; opening another closes the first', async () => {
    const s = contractStore(['CA1', 'CA2']);
    const { core, clock, deltas } = setup(withStore(s.store));
    core.openTranscript('CA1');
    core.openTranscript('CA2');
    // Still registered with the store until its subscribe settles: nothing of it shows.
    s.model('CA1').add('agent', 'not shown', 1);
    s.broadcast('CA1');
    s.model('CA2').add('agent', 'shown', 1);
    s.broadcast('CA2');
    clock.advance(50);
    expect(deltas.map((d) => d.callSid)).toEqual(['CA2']);
    await vi.waitFor(() => expect(s.listening('CA1')).toBe(0));
    core.closeTranscript('CA1'); // not the open one: nothing happens
    expect(s.listening('CA2')).toBe(1);
    core.closeTranscript('CA2');
    expect(s.listening('CA2')).toBe(0);
    s.model('CA2').add('caller', 'after close', 2);
    s.broadcast('CA2');
    clock.advance(50);
    expect(deltas).toHaveLength(1);
  });

  it('a source without transcripts says so instead of showing an empty transcript', () => {
    const { core } = setup(createFakeFeed());
    expect(core.openTranscript('CA1')).toMatchObject({
      phase: 'error',
      error: TRANSCRIPTS_UNAVAILABLE,
      turns: [],
    });
  });

  it('a store that refuses shows its reason', async () => {
    const s = contractStore([]);
    const { core, clock, deltas } = setup(withStore(s.store));
    core.openTranscript('CA9');
    await Promise.resolve();
    clock.advance(50);
    expect(deltas.at(-1)).toMatchObject({ callSid: 'CA9', phase: 'error', error: 'no call CA9' });
  });

  it('switching the feed keeps the call open, from the new source, starting again', async () => {
    const a = contractStore(['CA1']);
    a.model('CA1').add('agent', 'from A', 1);
    const { core, deltas } = setup(withStore(a.store));
    core.openTranscript('CA1');
    const b = contractStore(['CA1']);
    b.model('CA1').add('agent', 'from B', 1);
    await core.switchFeed({ feed: withStore(b.store), mode: 'demo', target: 'demo' });
    expect(a.listening('CA1')).toBe(0);
    expect(deltas.at(-1)?.reset?.turns.map((t) => t.message)).toEqual(['from B']);
    await core.dispose();
    expect(b.listening('CA1')).toBe(0);
  });
});
