/**
 * A revoked token on reconnect: the server restarts with a new token (rotation) on the same
 * port; a client still holding the old one reconnects by itself (the real RemoteFeed, with
 * its v2 `since` cursor) and must be refused, not resumed: no replay, no snapshot, its screen
 * says why. A client with the new token is served. (gateway.test.ts covers no token, wrong
 * token, origins, oversized payloads and floods against the gateway directly.)
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createRealtimeServer, type RealtimeServer } from '../../src/server';
import { silentLogger } from '../../src/shared/log';
import { createRemoteFeed } from '../../src/core/feed/remote-feed';
import { scrape } from '../../src/server/scrape.test-support';
import type { FeedStatus } from '../../src/core/feed/feed';
import type { FeedMessage } from '../../src/shared/feed/types';
import { until } from './support/harness';
import { freePort } from './support/tcp-proxy';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function serve(port: number, token: string): Promise<RealtimeServer> {
  const server = createRealtimeServer({ logger: silentLogger, port, token });
  await server.start();
  server.hub.load('calls', [{ _id: 'a', callSid: 'CA1', status: 'ringing' }]);
  cleanups.push(() => server.stop());
  return server;
}

describe('a revoked token on reconnect', () => {
  it('is refused after the server restarts with a new token; the new token is served', async () => {
    const port = await freePort();
    const first = await serve(port, 'old-token-123456');
    const feed = createRemoteFeed({
      url: `http://127.0.0.1:${port}`,
      token: 'old-token-123456',
      backoff: { initialMs: 20, maxMs: 100 },
    });
    cleanups.push(() => feed.stop());
    const statuses: FeedStatus[] = [];
    const messages: FeedMessage[] = [];
    feed.onStatus((s) => statuses.push(s));
    feed.onMessage((m) => messages.push(m));
    feed.start();
    await until(() => statuses.at(-1)?.status === 'live', 'the old token to be served first');

    await first.stop();
    await serve(port, 'new-token-654321');
    const before = messages.length;
    await until(() => statuses.at(-1)?.status === 'failed', 'the old token to be refused', 10_000);
    expect(statuses.at(-1)?.error).toMatch(/unauthorized/);
    expect(messages.slice(before).filter((m) => m.kind !== 'tick')).toEqual([]);
    expect(
      (await scrape(`http://127.0.0.1:${port}`)).value('callboard_rejected_unauthorized_total'),
    ).toBeGreaterThan(0);

    const fresh = createRemoteFeed({ url: `http://127.0.0.1:${port}`, token: 'new-token-654321' });
    cleanups.push(() => fresh.stop());
    let freshStatus = '';
    fresh.onStatus((s) => (freshStatus = s.status));
    fresh.start();
    await until(() => freshStatus === 'live', 'the new token to be served');
  });
});
