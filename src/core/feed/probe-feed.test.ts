import { describe, expect, it } from 'vitest';
import type { Call } from '../../shared/domain/schemas';
import { createFakeFeed } from './fake-feed.test-support';
import { probeFeed } from './probe-feed';

describe('probeFeed', () => {
  it('reports what it reached once the calls snapshot arrives, then stops the feed', async () => {
    const feed = createFakeFeed();
    const report = probeFeed(feed, 'Callboard server at http://srv:7070', { timeoutMs: 5_000 });
    feed.setStatus({ status: 'live', mode: 'remote', target: 'x', protocol: 2 });
    feed.push({
      kind: 'snapshot',
      stream: 'calls',
      calls: [{ callSid: 'a', status: 'ringing' } as Call],
      at: 1,
    });
    const result = await report;
    expect(result).toMatchObject({
      ok: true,
      summary: 'Callboard server at http://srv:7070, protocol v2, 1 active call',
    });
    expect(feed.stopped).toBe(1);
  });

  it('reports the failure reason', async () => {
    const feed = createFakeFeed();
    const report = probeFeed(feed, 'MongoDB at db:27017/cc', { timeoutMs: 5_000 });
    feed.setStatus({
      status: 'failed',
      mode: 'embedded',
      target: 'x',
      error: 'connection refused',
    });
    await expect(report).resolves.toMatchObject({
      ok: false,
      error: 'cannot reach MongoDB at db:27017/cc: connection refused',
    });
    expect(feed.stopped).toBe(1);
  });

  it('gives up at the timeout with the last error seen', async () => {
    const feed = createFakeFeed();
    let fire: (() => void) | undefined;
    const report = probeFeed(feed, 'srv', {
      setTimeout: (fn) => (fire = fn),
      clearTimeout: () => {},
    });
    feed.setStatus({ status: 'reconnecting', mode: 'remote', target: 'x', error: 'ECONNREFUSED' });
    fire!();
    await expect(report).resolves.toMatchObject({
      ok: false,
      error: 'cannot reach srv: ECONNREFUSED',
    });
  });
});
