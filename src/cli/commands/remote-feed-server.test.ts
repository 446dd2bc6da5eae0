import { afterEach, expect, it } from 'vitest';
import { createRemoteFeed } from '../../core/feed/remote-feed';
import type { Feed, FeedStatus } from '../../core/feed/feed';
import { createRealtimeServer, type RealtimeServer } from '../../server';
import type { FeedMessage } from '../../shared/feed/types';
import { silentLogger } from '../../shared/log';

// The remote feed (src/core) against the real server (src/server): both ends of v2. Lives in
// src/cli, the zone that may import both.

let server: RealtimeServer | null = null;
let feed: Feed | null = null;
afterEach(async () => {
  await feed?.stop();
  await server?.stop();
  feed = null;
  server = null;
});

function waitFor(what: string, condition: () => boolean, ms = 5000): Promise<void> {
  return new Promise((resolve, reject) => {
    const deadline = Date.now() + ms;
    const check = () => {
      if (condition()) return resolve();
      if (Date.now() > deadline) return reject(new Error(`timed out waiting for ${what}`));
      setTimeout(check, 5);
    };
    check();
  });
}

it('reconnects after a drop and gets exactly the missed changes replayed', async () => {
  server = createRealtimeServer({ logger: silentLogger, port: 0, token: 't' });
  const { url } = await server.start();
  const hub = server.hub;
  hub.load('calls', [{ callSid: 'A', status: 'queued' }]);
  feed = createRemoteFeed({
    url,
    token: 't',
    streams: ['calls'],
    backoff: { initialMs: 50, maxMs: 50 },
  });
  const messages: FeedMessage[] = [];
  const statuses: FeedStatus[] = [];
  feed.onMessage((m) => messages.push(m));
  feed.onStatus((s) => statuses.push(s));
  feed.start();
  await waitFor(
    'live on v2',
    () => statuses.at(-1)?.status === 'live' && statuses.at(-1)?.protocol === 2,
  );
  expect(messages[0]).toMatchObject({
    kind: 'snapshot',
    stream: 'calls',
    seq: 1,
    epoch: hub.epoch,
  });

  server.gateway()!.io.disconnectSockets(true);
  hub.ingest(
    'calls',
    [{ callSid: 'A', status: 'ringing' }].map((doc) => ({ doc })),
  );
  hub.flush();
  hub.ingest('calls', [{ doc: { callSid: 'B', status: 'initiated' } }]);
  hub.flush();
  await waitFor('reconnecting', () => statuses.some((s) => s.status === 'reconnecting'));
  await waitFor('the replay', () => messages.length >= 2);
  expect(messages.slice(1)).toEqual([
    expect.objectContaining({
      kind: 'batch',
      fromSeq: 2,
      seq: 3,
      calls: [
        expect.objectContaining({ callSid: 'A', status: 'ringing' }),
        expect.objectContaining({ callSid: 'B', status: 'initiated' }),
      ],
    }),
  ]);
  await waitFor('live again', () => statuses.at(-1)?.status === 'live');
});
