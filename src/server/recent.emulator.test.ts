import { describe, expect, it } from 'vitest';
import type { Hub } from './hub';
import type { HubEvent } from './hub-types';
import type { RecentCallsBatchPayload, RecentCallsPayload } from '../shared/protocol/events';
import { stateClient, watchedServerTests } from './emulator-test-support';
import { nextEvent, until } from './test-support';

// The `recent` window over MongoDB (issue 14): what a restarted server holds, and the
// post-call analysis that lands minutes after the call ended.

const ctx = watchedServerTests('recent');
const calls = () => ctx.target.client.db(ctx.target.dbName).collection('calls');

/** key -> the document a `recent` subscriber holds. */
function follow(hub: Hub) {
  const held = new Map<string, Record<string, unknown>>();
  const off = hub.subscribe('recent', {}, (event: HubEvent) => {
    if (event.type === 'snapshot') {
      held.clear();
      for (const doc of event.docs) held.set(String(doc.callSid), doc);
      return;
    }
    for (const entry of event.entries) {
      if (entry.doc) held.set(entry.key, entry.doc);
      else held.delete(entry.key);
    }
  });
  ctx.defer(off);
  return held;
}

describe('recent calls over MongoDB', () => {
  it('starts with the calls that ended within the window, by their updatedAt', async () => {
    const now = Date.now();
    await calls().insertMany([
      { callSid: 'fresh', status: 'completed', updatedAt: new Date(now - 5 * 60_000) },
      { callSid: 'text', status: 'Failed', updatedAt: new Date(now - 9 * 60_000).toISOString() },
      { callSid: 'stale', status: 'completed', updatedAt: new Date(now - 3 * 3_600_000) },
      { callSid: 'talking', status: 'in-progress', updatedAt: new Date(now) },
    ]);
    const { server } = await ctx.serve();
    const held = follow(server.hub);
    expect([...held.keys()].sort()).toEqual(['fresh', 'text']);
  });

  it('delivers the analysis written after the call ended, and the active list does not', async () => {
    const { server } = await ctx.serve();
    const held = follow(server.hub);
    const active: HubEvent[] = [];
    ctx.defer(server.hub.subscribe('calls', {}, (e) => active.push(e)));
    await calls().insertOne({ callSid: 'CA1', status: 'in-progress', updatedAt: new Date() });
    await calls().updateOne(
      { callSid: 'CA1' },
      { $set: { status: 'completed', updatedAt: new Date() } },
    );
    await until(() => held.get('CA1')?.status === 'completed', 'the end in recent');
    const activeBefore = active.length;
    await calls().updateOne(
      { callSid: 'CA1' },
      { $set: { 'analysis.call_successful': 'success', updatedAt: new Date() } },
    );
    await until(
      () =>
        (held.get('CA1')?.analysis as { call_successful?: string })?.call_successful === 'success',
      'the analysis in recent',
    );
    expect(active.length).toBe(activeBefore);
  });

  it('serves v2 clients over the socket, and refuses a seed subscription by name', async () => {
    await calls().insertOne({ callSid: 'CA0', status: 'failed', updatedAt: new Date() });
    const { url } = await ctx.serve();
    const c = stateClient(url);
    ctx.defer(() => c.close());
    const refused = await c.socket.emitWithAck('subscribe:recent');
    expect(refused).toMatchObject({ ok: false, error: expect.stringMatching(/v2 only/) });

    const snapshot = nextEvent<RecentCallsPayload>(c.socket, 'recent_calls');
    const ack = await c.socket.emitWithAck('subscribe:recent', { v: 2 });
    expect(ack).toMatchObject({ ok: true, mode: 'snapshot' });
    expect((await snapshot).calls.map((call) => call.callSid)).toEqual(['CA0']);

    const batch = nextEvent<RecentCallsBatchPayload>(c.socket, 'recent_calls_batch_update');
    await calls().updateOne(
      { callSid: 'CA0' },
      { $set: { 'analysis.call_successful': 'failure', transcript: [{ role: 'agent' }] } },
    );
    const update = await batch;
    expect(update.calls[0]).toMatchObject({
      callSid: 'CA0',
      analysis: { call_successful: 'failure' },
    });
    // Like the v2 list streams, the window never carries a transcript.
    expect(update.calls[0]).not.toHaveProperty('transcript');
    expect(update.fromSeq).toBe(ack.seq! + 1);
  });
});
