import { readFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import type { WatcherHealth } from './metrics';
import { scrape } from './scrape.test-support';
import { silentLogger } from '../shared/log';
import { TranscriptStore } from './transcripts/transcript-store';
import { nextEvent, startTestServer, type TestServer } from './test-support';

const call = (callSid: string, status: string) => ({ _id: `id-${callSid}`, callSid, status });

const servers: TestServer[] = [];
afterEach(async () => {
  for (const t of servers.splice(0)) await t.close();
});

async function start(config: Parameters<typeof startTestServer>[0] = {}) {
  const t = await startTestServer(config);
  servers.push(t);
  return t;
}

/** A stand-in for the MongoDB watcher whose health the test sets. */
function fakeSource(health: WatcherHealth) {
  // A transcript store over no database (nothing is opened here): its metrics exist.
  const transcripts = new TranscriptStore({
    reader: {
      readTurns: async () => ({ docs: [], total: 0 }),
      readCall: async () => null,
    },
    logger: silentLogger,
    isCallEnded: () => true,
  });
  return { start: async () => {}, stop: async () => {}, health: () => health, transcripts };
}

describe('/metrics', () => {
  it('after known deliveries, a scrape shows their counts and latencies in seconds', async () => {
    let clock = 1_000_000;
    const t = await start({ hub: { now: () => clock } });
    const hub = t.server.hub;
    const clients = [t.client(), t.client(), t.client()];
    for (const c of clients) await c.emitWithAck('subscribe:calls', { v: 2 }); // 3 snapshots

    // Round 1: five new calls wait 30 ms before the flush; round 2: two wait 200 ms.
    const rounds = [
      { calls: ['a', 'b', 'c', 'd', 'e'], waitMs: 30 },
      { calls: ['f', 'g'], waitMs: 200 },
    ];
    for (const round of rounds) {
      const received = clients.map((c) => nextEvent(c, 'calls_batch_update'));
      hub.ingest(
        'calls',
        round.calls.map((sid) => ({ doc: call(sid, 'queued') })),
      );
      clock += round.waitMs;
      hub.flush();
      await Promise.all(received);
      clock += 1000;
    }

    const m = await scrape(t.url);
    const changes = 5 + 2;
    expect(m.value('callboard_hub_events_in_total')).toBe(changes);
    expect(m.value('callboard_hub_entries_out_total')).toBe(changes);
    expect(m.value('callboard_hub_batches_out_total')).toBe(rounds.length);
    // Each client: its snapshot, then one change set per round.
    expect(m.value('callboard_hub_snapshots_total')).toBe(clients.length);
    expect(m.value('callboard_hub_deliveries_total')).toBe(clients.length * (1 + rounds.length));
    expect(m.value('callboard_hub_subscribers')).toBe(clients.length);
    expect(m.value('callboard_clients')).toBe(clients.length);
    expect(m.value('callboard_connections_total')).toBe(clients.length);
    expect(m.value('callboard_hub_pending')).toBe(0);

    // One flush lag per round (the campaigns stream had nothing to flush): 0.03 s and 0.2 s.
    expect(m.type('callboard_hub_flush_lag_seconds')).toBe('histogram');
    expect(m.value('callboard_hub_flush_lag_seconds_count')).toBe(2);
    expect(m.value('callboard_hub_flush_lag_seconds_sum')).toBeCloseTo(0.23);
    expect(m.value('callboard_hub_flush_lag_seconds_bucket{le="0.025"}')).toBe(0);
    expect(m.value('callboard_hub_flush_lag_seconds_bucket{le="0.05"}')).toBe(1);
    expect(m.value('callboard_hub_flush_lag_seconds_bucket{le="0.25"}')).toBe(2);
    expect(m.value('callboard_hub_flush_lag_seconds_bucket{le="+Inf"}')).toBe(2);
    // Each round's last client had its change set as soon as it was flushed.
    expect(m.type('callboard_hub_delivery_latency_seconds')).toBe('histogram');
    expect(m.value('callboard_hub_delivery_latency_seconds_count')).toBe(rounds.length);
    expect(m.value('callboard_hub_delivery_latency_seconds_sum')).toBeCloseTo(0.03 + 0.2);
    expect(m.value('callboard_hub_delivery_latency_seconds_bucket{le="0.025"}')).toBe(0);
    expect(m.value('callboard_hub_delivery_latency_seconds_bucket{le="0.05"}')).toBe(1);
    expect(m.value('callboard_hub_flush_window_seconds')).toBeLessThanOrEqual(0.016);
  });

  it('counts the documents with each status no mapping knows, labelled by value', async () => {
    const t = await start();
    t.server.hub.load('calls', [call('a', 'transferring'), call('b', 'ringing')]);
    t.server.hub.ingest('calls', [
      { doc: call('c', 'Transferring ') },
      { doc: call('d', 'say "hi"') },
    ]);
    t.server.hub.flush();
    const m = await scrape(t.url);
    expect(m.type('callboard_unknown_status_documents_total')).toBe('counter');
    expect(
      m.value('callboard_unknown_status_documents_total{stream="calls",value="transferring"}'),
    ).toBe(1);
    expect(
      m.value('callboard_unknown_status_documents_total{stream="calls",value="Transferring"}'),
    ).toBe(1);
    expect(
      m.value('callboard_unknown_status_documents_total{stream="calls",value="say \\"hi\\""}'),
    ).toBe(1);
    expect(m.series().filter((s) => s.startsWith('callboard_unknown_status'))).toHaveLength(3);
  });

  it('counts gateway refusals as a scrape sees them', async () => {
    const t = await start({ token: 's3cret' });
    const refused = [t.client({ auth: {} }), t.client({ auth: { token: 'wrong' } })];
    await Promise.all(refused.map((c) => nextEvent(c, 'connect_error')));
    const good = t.client({ auth: { token: 's3cret' } });
    await nextEvent(good, 'connect');
    const errors = [1, 2, 3].map(() => nextEvent(good, 'error'));
    for (const since of ['yesterday', 'today', 'tomorrow'])
      good.emit('subscribe:calls', { v: 2, since });
    await Promise.all(errors);

    const m = await scrape(t.url);
    expect(m.value('callboard_rejected_unauthorized_total')).toBe(2);
    expect(m.value('callboard_connections_total')).toBe(1);
    expect(m.value('callboard_bad_requests_total')).toBe(3);
    expect(m.value('callboard_rejected_origin_total')).toBe(0);
    expect(m.value('callboard_hub_subscribers')).toBe(0);
  });

  it("reports the MongoDB watcher's health", async () => {
    const health: WatcherHealth = {
      mongo: 'disconnected',
      streams: { calls: 'retrying', campaigns: 'retrying' },
      changesIn: 17,
      restarts: 2,
    };
    const t = await start({ source: () => fakeSource(health) });
    let m = await scrape(t.url);
    expect(m.value('callboard_up')).toBe(0);
    expect(m.value('callboard_mongo_connected')).toBe(0);
    expect(m.value('callboard_change_events_total')).toBe(17);
    expect(m.value('callboard_change_stream_restarts_total')).toBe(2);

    Object.assign(health, { mongo: 'connected', streams: { calls: 'open', campaigns: 'open' } });
    health.changesIn = 20;
    m = await scrape(t.url);
    expect(m.value('callboard_up')).toBe(1);
    expect(m.value('callboard_mongo_connected')).toBe(1);
    expect(m.value('callboard_change_events_total')).toBe(20);
  });

  it('gives each server of a process its own registry, with the process metrics in each', async () => {
    const busy = await start();
    const idle = await start();
    busy.server.hub.ingest('calls', [{ doc: call('a', 'queued') }, { doc: call('b', 'queued') }]);
    busy.server.hub.flush();
    const [b, i] = await Promise.all([scrape(busy.url), scrape(idle.url)]);
    expect(b.value('callboard_hub_events_in_total')).toBe(2);
    expect(i.value('callboard_hub_events_in_total')).toBe(0);
    for (const m of [b, i]) {
      expect(m.type('process_cpu_user_seconds_total')).toBe('counter');
      expect(m.value('process_resident_memory_bytes')).toBeGreaterThan(0);
      expect(m.type('nodejs_eventloop_lag_seconds')).toBe('gauge');
      expect(m.type('nodejs_eventloop_lag_p99_seconds')).toBe('gauge');
      expect(m.type('nodejs_gc_duration_seconds')).toBe('histogram');
      expect(m.value('nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
    }
  });

  it('exposes every metric docs/operations.md tells admins to alert on, in base units', async () => {
    const t = await start({
      source: () =>
        fakeSource({ mongo: 'connected', streams: { calls: 'open' }, changesIn: 0, restarts: 0 }),
    });
    const m = await scrape(t.url);
    const doc = await readFile(new URL('../../docs/operations.md', import.meta.url), 'utf8');
    const from = doc.indexOf('| metric | alert when |');
    const alertTable = doc.slice(from, doc.indexOf('\n\n', from));
    const documented = [...alertTable.matchAll(/^\| `(\w+)`/gm)].map((match) => match[1]!);
    expect(documented.length).toBeGreaterThan(5);
    for (const name of documented) expect(m.type(name), name).toBeDefined();
    const ours = m.series().filter((s) => s.startsWith('callboard_'));
    expect(ours.filter((s) => /_ms\b|_max\b/.test(s))).toEqual([]);
  });
});
