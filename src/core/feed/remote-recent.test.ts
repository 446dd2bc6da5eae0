import { afterEach, describe, expect, it } from 'vitest';
import { parseCall, type Call } from '../../shared/domain/schemas';
import { createLogger, type LogRecord } from '../../shared/log';
import { until } from '../../shared/until.test-support';
import { createRecentSession, type RecentSession } from '../monitor/recent-session';
import type { Feed } from './feed';
import { RECENT_UNAVAILABLE } from './recent-port';
import {
  recentContractServer,
  type RecentContractServer,
} from './recent-contract-server.test-support';
import { createRemoteFeed } from './remote-feed';

// Against a small server written with plain socket.io from the `recent` contract
// (./recent-contract-server.test-support.ts): the client under test is the real remote feed
// and the monitor core's recent session over it.

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const close of cleanup.splice(0).reverse()) await close();
});

async function open(server: RecentContractServer) {
  const records: LogRecord[] = [];
  const logger = createLogger({ sink: (r) => records.push(r), level: 'warn' });
  const feed: Feed = createRemoteFeed({
    url: server.url,
    ackTimeoutMs: 300,
    backoff: { initialMs: 20, maxMs: 50 },
    logger,
  });
  cleanup.push(() => server.close());
  cleanup.push(() => feed.stop());
  feed.start();
  let changes = 0;
  const session: RecentSession = createRecentSession({
    port: feed.recent,
    logger,
    changed: () => void changes++,
  });
  cleanup.push(() => session.close());
  const problems = () =>
    records.filter((r) => r.msg === 'the recent window got bad input').map((r) => r.problem);
  return { feed, session, problems, changes: () => changes };
}

const ended = (callSid: string, extra: Record<string, unknown> = {}) =>
  ({ callSid, status: 'completed', agentId: 'agent-a', ...extra }) as unknown as Call;

/** The window on the client holds exactly the server's documents, as the shared parser reads them. */
const matches = (session: RecentSession, server: RecentContractServer) => {
  const held = session.state().calls;
  if (held.size !== server.window.size) return false;
  for (const [key, call] of server.window) {
    const parsed = parseCall(call);
    if (!parsed.ok || JSON.stringify(held.get(key)?.call) !== JSON.stringify(parsed.value)) {
      return false;
    }
  }
  return session.status().status === 'live';
};

describe('the recent window against a server that speaks the contract', () => {
  it('opens with the window, then follows a late analysis and calls leaving', async () => {
    const server = await recentContractServer();
    server.put(ended('CA1'));
    server.put(ended('CA2'));
    server.lose(); // numbered before anyone subscribed: the snapshot holds them
    const { session } = await open(server);
    await until(() => matches(session, server), 'the snapshot');
    expect(server.subscribes).toEqual([{}]);

    server.put(ended('CA1', { analysis: { call_successful: 'success' } }));
    server.remove('CA2', 'expired');
    server.broadcast();
    await until(() => matches(session, server), 'the analysis and the removal');
    expect(session.state().calls.get('CA1')?.call).toMatchObject({ callSuccessful: 'success' });
    expect(session.state().calls.has('CA2')).toBe(false);
  });

  it('a lost batch is found by the next one and replayed since the held seq', async () => {
    const server = await recentContractServer();
    const { session } = await open(server);
    await until(() => session.status().status === 'live', 'the empty snapshot');
    server.put(ended('CA1'));
    server.broadcast();
    await until(() => matches(session, server), 'the first batch');
    const held = { epoch: server.epoch, seq: server.seq };
    server.put(ended('CA2'));
    server.lose();
    server.put(ended('CA3'));
    server.broadcast();
    await until(() => matches(session, server), 'the replay after the gap');
    expect(server.subscribes).toEqual([{}, { since: held }]);
    expect(session.state().resyncNeeded).toBeNull();
  });

  it('after an epoch change it takes a fresh snapshot', async () => {
    const server = await recentContractServer();
    server.put(ended('CA1'));
    server.lose();
    const { session } = await open(server);
    await until(() => matches(session, server), 'the snapshot');
    server.newEpoch();
    server.window.delete('CA1'); // the restarted server loaded a different window
    server.put(ended('CA9'));
    server.broadcast();
    await until(() => matches(session, server), 'the new epoch snapshot');
    expect(server.subscribes).toEqual([{}, {}]);
    expect(session.state().cursor.epoch).toBe('epoch-2');
  });

  it('reconnects and subscribes again since the held cursor', async () => {
    const server = await recentContractServer();
    const { session } = await open(server);
    server.put(ended('CA1'));
    server.broadcast();
    await until(() => session.state().calls.has('CA1'), 'the first batch');
    const held = { epoch: server.epoch, seq: server.seq };
    for (const socket of server.sockets()) socket.disconnect(true);
    server.put(ended('CA2'));
    server.lose(); // sent while the client was away
    await until(() => matches(session, server), 'the replay after reconnecting');
    expect(server.subscribes.at(-1)).toEqual({ since: held });
  });

  it('drops bad payloads, naming what was wrong, and keeps what it holds', async () => {
    const server = await recentContractServer();
    server.put(ended('CA1'));
    server.lose();
    const { session, problems } = await open(server);
    await until(() => matches(session, server), 'the snapshot');
    const before = session.state();
    server.emitRaw('recent_calls_batch_update', { v: 2, epoch: server.epoch, calls: [] });
    server.emitRaw('recent_calls', { v: 1, epoch: server.epoch, seq: 99, calls: [] });
    server.emitRaw('recent_calls_batch_update', {
      v: 2,
      epoch: server.epoch,
      fromSeq: server.seq + 1,
      seq: server.seq + 1,
      calls: [{ callSid: 'CA-live', status: 'in-progress' }, { status: 'completed' }],
      removed: [],
      timestamp: new Date().toISOString(),
    });
    await until(() => problems().length >= 4, 'four problems');
    expect(problems()[0]).toMatch(/^recent_calls_batch_update: malformed payload/);
    expect(problems()[1]).toMatch(/^recent_calls: malformed payload.*v/);
    expect(problems()[2]).toMatch(/^recent_calls_batch_update: calls\[1\]: .*callSid/);
    expect(problems()[3]).toBe(
      'recent: CA-live has the active status "in-progress"; the window holds ended calls only',
    );
    expect([...session.state().calls.keys()]).toEqual([...before.calls.keys()]);
  });

  it('a server resync of the window is followed by its snapshot, and the list is not resynced', async () => {
    const server = await recentContractServer();
    server.put(ended('CA1'));
    server.lose();
    const { session, feed } = await open(server);
    const statuses: string[] = [];
    feed.onStatus((s) => statuses.push(s.status));
    await until(() => matches(session, server), 'the snapshot');
    server.newEpoch();
    server.window.clear();
    server.put(ended('CA7'));
    server.lose();
    const stamp = new Date().toISOString();
    server.emitRaw('resync', {
      v: 2,
      stream: 'recent',
      epoch: server.epoch,
      reason: 'history lost',
      timestamp: stamp,
    });
    server.emitRaw('recent_calls', {
      v: 2,
      epoch: server.epoch,
      seq: server.seq,
      calls: [...server.window.values()],
      count: 1,
      timestamp: stamp,
    });
    await until(() => matches(session, server), 'the snapshot after the resync');
    expect(statuses).not.toContain('resyncing');
  });

  it('a server that never answers subscribe:recent gives "unavailable", not an endless wait', async () => {
    const server = await recentContractServer({ answer: false });
    const { session } = await open(server);
    expect(session.status().status).toBe('waiting');
    await until(() => session.status().status === 'unavailable', 'the unavailable status');
    expect(session.status().message).toBe(`${RECENT_UNAVAILABLE} (no answer to subscribe:recent)`);
    expect(session.state().calls.size).toBe(0);
  });
});
