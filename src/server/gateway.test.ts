import { afterEach, describe, expect, it } from 'vitest';
import type {
  ActiveCallsPayload,
  CallUpdatePayload,
  CallsBatchPayload,
  ErrorPayload,
  SubscribeAck,
} from '../shared/protocol/events';
import { scrape } from './scrape.test-support';
import { nextEvent, startTestServer, until, type TestServer } from './test-support';

const call = (callSid: string, status: string) => ({ _id: `id-${callSid}`, callSid, status });

let current: TestServer | null = null;
afterEach(async () => {
  await current?.close();
  current = null;
});

async function start(config: Parameters<typeof startTestServer>[0] = {}) {
  current = await startTestServer(config);
  return current;
}

describe('gateway: seed protocol', () => {
  it('serves a plain socket.io-client that knows only the seed events', async () => {
    const t = await start();
    t.server.hub.load('calls', [call('a', 'ringing'), call('old', 'completed')]);
    const client = t.client();
    await nextEvent(client, 'connect');
    const snapshot = nextEvent<ActiveCallsPayload>(client, 'active_calls');
    client.emit('subscribe:calls');
    const snap = await snapshot;
    expect(snap.count).toBe(1);
    expect(snap.calls.map((c) => c.callSid)).toEqual(['a']);
    expect(Object.keys(snap).sort()).toEqual(['calls', 'count', 'timestamp']);

    const update = nextEvent<CallUpdatePayload>(client, 'call_update');
    t.server.hub.ingest('calls', [{ doc: call('a', 'in-progress') }]);
    expect(await update).toEqual({ call: call('a', 'in-progress'), timestamp: expect.any(String) });

    const batch = nextEvent<CallsBatchPayload>(client, 'calls_batch_update');
    t.server.hub.ingest('calls', [{ doc: call('b', 'queued') }, { doc: call('a', 'completed') }]);
    const b = await batch;
    expect(Object.keys(b).sort()).toEqual(['calls', 'timestamp']);
    expect(b.calls.map((c) => [c.callSid, c.status])).toEqual([
      ['b', 'queued'],
      ['a', 'completed'],
    ]);

    // A deletion has no seed event: a fresh snapshot follows.
    const after = nextEvent<ActiveCallsPayload>(client, 'active_calls');
    t.server.hub.ingest('calls', [{ id: 'id-b', doc: null }]);
    expect((await after).count).toBe(0);

    const answer = nextEvent<ActiveCallsPayload>(client, 'active_calls');
    client.emit('get:active_calls');
    expect((await answer).calls).toEqual([]);
  });
});

describe('gateway: v2', () => {
  it('acks the subscription and sends batches with epoch and seq ranges', async () => {
    const t = await start();
    t.server.hub.load('calls', [call('a', 'ringing')]);
    const client = t.client();
    const snapshot = nextEvent<ActiveCallsPayload>(client, 'active_calls');
    const ack = await client.emitWithAck('subscribe:calls', { v: 2 });
    // No token on loopback: every scope, said in the ack.
    expect(ack).toEqual({
      ok: true,
      mode: 'snapshot',
      epoch: t.server.hub.epoch,
      seq: 1,
      scopes: ['calls', 'campaigns', 'outcomes', 'transcripts', 'pii'],
    });
    expect(await snapshot).toMatchObject({ v: 2, epoch: t.server.hub.epoch, seq: 1, count: 1 });
    const batch = nextEvent<CallsBatchPayload>(client, 'calls_batch_update');
    t.server.hub.ingest('calls', [{ doc: call('a', 'in-progress') }, { doc: call('b', 'queued') }]);
    expect(await batch).toMatchObject({ v: 2, fromSeq: 2, seq: 3, removed: [] });
  });

  it('says in the ack when the data is simulated (serve --demo), and only then', async () => {
    const t = await start({ simulated: true });
    const ack = await t.client().emitWithAck('subscribe:calls', { v: 2 });
    expect(ack).toMatchObject({ ok: true, simulated: true });
    expect(await (await fetch(`${t.url}/healthz`)).json()).toMatchObject({ simulated: true });
    await t.close();
    const real = await start();
    expect(await real.client().emitWithAck('subscribe:calls', { v: 2 })).not.toHaveProperty(
      'simulated',
    );
  });

  it('gives v2 clients the plan limit (serve --plan-limit) in the ack; seed acks stay as they were', async () => {
    const t = await start({ planLimit: 40 });
    const client = t.client();
    expect(await client.emitWithAck('subscribe:calls', { v: 2 })).toMatchObject({
      ok: true,
      planLimit: 40,
    });
    expect(await client.emitWithAck('subscribe:campaigns')).not.toHaveProperty('planLimit');
  });

  it('replays exactly the missed events, in order, to a client that comes back with since', async () => {
    const t = await start();
    const hub = t.server.hub;
    hub.load('calls', [call('a', 'ringing')]);
    const first = t.client();
    const ack = (await first.emitWithAck('subscribe:calls', {
      v: 2,
      batch: false,
    })) as SubscribeAck;
    first.disconnect();
    await until(() => hub.counters().subscribers === 0, 'the first client to leave');
    hub.ingest('calls', [{ doc: call('a', 'in-progress') }, { doc: call('b', 'queued') }]);
    hub.flush();
    hub.ingest('calls', [{ id: 'id-b', doc: null }]);
    hub.flush();

    const second = t.client();
    const seen: unknown[] = [];
    second.on('call_update', (p) => seen.push(['update', p.seq, p.call.callSid, p.call.status]));
    second.on('call_removed', (p) => seen.push(['removed', p.seq, p.callSid, p.reason]));
    second.on('active_calls', () => seen.push('snapshot'));
    const replay = (await second.emitWithAck('subscribe:calls', {
      v: 2,
      batch: false,
      since: { epoch: ack.epoch!, seq: ack.seq! },
    })) as SubscribeAck;
    expect(replay.mode).toBe('replay');
    await until(() => seen.length >= 3, 'the replayed events');
    expect(seen).toEqual([
      ['update', 2, 'a', 'in-progress'],
      ['update', 3, 'b', 'queued'],
      ['removed', 4, 'b', 'deleted'],
    ]);
  });

  it('answers malformed subscribe options with an error event and changes nothing', async () => {
    const t = await start();
    const client = t.client();
    const error = nextEvent<ErrorPayload>(client, 'error');
    const ack = (await client.emitWithAck('subscribe:calls', {
      v: 3,
      since: 'yesterday',
    })) as SubscribeAck;
    expect(ack.ok).toBe(false);
    const e = await error;
    expect(e.type).toBe('bad_request');
    expect(e.message).toMatch(/invalid subscribe options/);
    expect(t.server.hub.counters().subscribers).toBe(0);
    expect((await scrape(t.url)).value('callboard_bad_requests_total')).toBe(1);
  });

  it('answers a malformed audit:export with an error naming the field, and audits nothing', async () => {
    const records: unknown[] = [];
    const t = await start({ audit: { record: (r) => records.push(r), close: async () => {} } });
    const client = t.client();
    const error = nextEvent<ErrorPayload>(client, 'error');
    client.emit('audit:export', { v: 2, view: 'everything', rows: 3 });
    const e = await error;
    expect(e).toMatchObject({ type: 'bad_request', details: { event: 'audit:export' } });
    expect(e.message).toMatch(/invalid audit:export.*view/);
    client.emit('audit:export', { v: 2, view: 'recent', rows: 3 });
    await until(() => records.length === 1, 'the good one audited');
    expect(records[0]).toMatchObject({
      what: 'export',
      token: 'anonymous',
      view: 'recent',
      rows: 3,
    });
  });

  it('acks a subscribe sent with extra arguments with an error naming them', async () => {
    const t = await start();
    const client = t.client();
    const emit = client.emitWithAck as unknown as (e: string, ...a: unknown[]) => Promise<unknown>;
    const ack = (await emit.call(client, 'subscribe:calls', null, { v: 2 })) as SubscribeAck;
    expect(ack).toEqual({
      ok: false,
      error: 'subscribe:calls takes at most one options object, got 2 arguments',
    });
    expect(t.server.hub.counters().subscribers).toBe(0);
  });

  it('tells v2 clients to resync on a new epoch and sends the snapshot', async () => {
    const t = await start();
    const client = t.client();
    await client.emitWithAck('subscribe:calls', { v: 2 });
    const resync = nextEvent<{ epoch: string; reason: string }>(client, 'resync');
    const snap = nextEvent<ActiveCallsPayload>(client, 'active_calls');
    t.server.hub.reset('calls', [call('z', 'queued')], 'change stream history lost');
    const r = await resync;
    expect(r.epoch).toBe(t.server.hub.epoch);
    expect(await snap).toMatchObject({ epoch: r.epoch, seq: 0, count: 1 });
  });
});

describe('gateway: security', () => {
  it('refuses a missing or wrong token, and checks it again on every reconnection', async () => {
    const t = await start({ token: 's3cret' });
    for (const auth of [{}, { token: 'wrong' }]) {
      const bad = t.client({ auth });
      const error = await nextEvent<Error & { data?: { type: string } }>(bad, 'connect_error');
      expect(error.message).toBe('unauthorized');
      expect(error.data?.type).toBe('unauthorized');
    }
    const good = t.client({ auth: { token: 's3cret' } });
    await nextEvent(good, 'connect');
    // The same client reconnecting with a token that is no longer right is refused.
    good.disconnect();
    good.auth = { token: 'rotated-away' };
    good.connect();
    const error = await nextEvent<Error>(good, 'connect_error');
    expect(error.message).toBe('unauthorized');
    expect((await scrape(t.url)).value('callboard_rejected_unauthorized_total')).toBe(3);
  });

  it('refuses a foreign origin and accepts an allowed one and the same origin', async () => {
    const t = await start({ allowedOrigins: ['https://dash.example.com'] });
    const foreign = t.client({ extraHeaders: { Origin: 'https://evil.example' } });
    await nextEvent(foreign, 'connect_error');
    expect(foreign.connected).toBe(false);
    const allowed = t.client({ extraHeaders: { Origin: 'https://dash.example.com' } });
    await nextEvent(allowed, 'connect');
    const same = t.client({ extraHeaders: { Origin: t.url } });
    await nextEvent(same, 'connect');
    expect((await scrape(t.url)).value('callboard_rejected_origin_total')).toBe(1);
  });

  it('drops a client that sends more than maxHttpBufferSize, with no state change', async () => {
    const t = await start({ gateway: { maxHttpBufferSize: 1024 } });
    const client = t.client();
    await nextEvent(client, 'connect');
    const gone = nextEvent<string>(client, 'disconnect');
    client.emit('subscribe:calls', { v: 2, padding: 'x'.repeat(4096) });
    expect(await gone).toBe('transport close');
    expect(t.server.hub.counters().subscribers).toBe(0);
  });

  it('rate-limits a flood of requests with an error event', async () => {
    const t = await start({ gateway: { rateLimit: { perSecond: 1, burst: 5 } } });
    const client = t.client();
    await nextEvent(client, 'connect');
    let answers = 0;
    client.on('active_calls', () => answers++);
    const error = nextEvent<ErrorPayload>(client, 'error');
    for (let i = 0; i < 20; i++) client.emit('get:active_calls');
    expect((await error).type).toBe('rate_limited');
    await until(() => answers >= 5, 'the allowed answers');
    expect(answers).toBeLessThan(20);
  });

  it('refuses to listen on a non-loopback address without a token', async () => {
    const { createRealtimeServer } = await import('./realtime-server');
    const { silentLogger } = await import('../shared/log');
    const server = createRealtimeServer({ logger: silentLogger, host: '0.0.0.0', port: 0 });
    await expect(server.start()).rejects.toMatchObject({ code: 'insecure_bind' });
    await server.stop();
  });
});

describe('http endpoints', () => {
  it('serves /healthz, /metrics and the dashboard files, never outside its folder', async () => {
    const { mkdtemp, writeFile, rm } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = await mkdtemp(join(tmpdir(), 'callboard-static-'));
    try {
      await writeFile(join(dir, 'index.html'), '<!doctype html><title>dash</title>');
      const t = await start({ staticDir: dir });
      const health = await fetch(`${t.url}/healthz`);
      expect(health.status).toBe(200);
      expect(await health.json()).toMatchObject({ status: 'ok', clients: 0 });
      const metrics = await fetch(`${t.url}/metrics`);
      expect(metrics.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
      expect(metrics.headers.get('cache-control')).toBe('no-store');
      expect(await metrics.text()).toMatch(/^callboard_hub_events_in_total 0$/m);
      const index = await fetch(`${t.url}/`);
      expect(index.headers.get('content-type')).toMatch(/text\/html/);
      expect(await index.text()).toContain('<title>dash</title>');
      expect((await fetch(`${t.url}/..%2f..%2fetc%2fpasswd`)).status).toBe(404);
      expect((await fetch(`${t.url}/missing.js`)).status).toBe(404);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('names the port when it is already in use', async () => {
    const t = await start();
    const port = Number(new URL(t.url).port);
    const { createRealtimeServer } = await import('./realtime-server');
    const { silentLogger } = await import('../shared/log');
    const second = createRealtimeServer({ logger: silentLogger, port });
    await expect(second.start()).rejects.toThrow(`port ${port} on 127.0.0.1 is already in use`);
    await second.stop();
  });
});
