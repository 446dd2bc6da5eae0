import { describe, expect, it } from 'vitest';
import type { Hub } from './hub';
import type { HubEvent } from './hub-types';
import { watchedServerTests } from './emulator-test-support';
import { until } from './test-support';

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
});
