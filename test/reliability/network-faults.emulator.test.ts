/**
 * Faults between a client and the server: a client's network cut then restored, and a slow
 * client whose reads are paused while the others stay fast. The cut client reaches the server
 * through a TCP proxy (support/tcp-proxy.ts); the others connect directly as a control.
 *
 * Cut lengths are scaled, not waited for: the hub's replay ring is set to 400 entries (1/25
 * of the default 10 000) and a cut "of T seconds" lasts while the hub produces T entries (at
 * the 25 entries/s a busy floor produces, the default ring holds 400 s). So "5 s" and "60 s"
 * come back inside the ring (exact replay) and "10 min" (600 entries) falls out of it (a fresh
 * snapshot), as they would in production, in a few seconds of test time.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { lostKeys, waitForConvergence } from './support/db-state';
import { openHarness, startSimulator, until, type Harness } from './support/harness';
import { writeResults, type FaultRow } from './support/results';
import { startTcpProxy } from './support/tcp-proxy';

const RING = 400;
const rows: FaultRow[] = [];
let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});
afterAll(() => writeResults('network-faults', rows));

/** `clearedAt`: when the fault ended; time to converge counts from there. */
async function finish(fault: string, writesDuringFault: number, notes: string, clearedAt: number) {
  const waitFrom = Date.now();
  const converged = await waitForConvergence(h!.db, h!.clients, 20_000);
  rows.push({
    fault,
    writesDuringFault,
    updatesLost: lostKeys(converged.mismatches),
    convergeMs: converged.ms + (waitFrom - clearedAt),
    notes: `${notes}; ${converged.activeInDb} active documents compared on ${h!.clients.length} clients`,
  });
  expect(converged.mismatches).toEqual([]);
  for (const c of h!.clients) expect(c.stats.problems).toEqual([]);
}

describe("a client's network cut, then restored", () => {
  for (const [label, entries, expected] of [
    ['5 s', 5, 'replay'],
    ['60 s', 60, 'replay'],
    ['10 min (past the replay window)', 600, 'snapshot'],
  ] as const) {
    it(`${label}: the client comes back by ${expected} and matches MongoDB`, async () => {
      h = await openHarness();
      const { server, port } = await h.startServer({ hub: { ringCapacity: RING } });
      const proxy = await startTcpProxy({ host: '127.0.0.1', port });
      h.defer(() => proxy.close());
      const cut = h.addClient('cut-client', `http://127.0.0.1:${proxy.port}`);
      h.addClient('direct-client', `http://127.0.0.1:${port}`);
      await until(() => h!.clients.every((c) => c.status() === 'live'), 'every client to be live');
      const sim = startSimulator(h.db, entries > RING ? 60 : 15);
      await until(() => sim.writes() > 20, 'the simulator to write');

      const counters = server.hub.counters();
      const before = {
        writes: sim.writes(),
        seq: server.hub.seq('calls'),
        snapshots: cut.stats.snapshots,
      };
      proxy.cut();
      await until(() => cut.status() !== 'live', 'the cut client to notice');
      await until(
        () => server.hub.seq('calls') >= before.seq + entries,
        `${entries} hub entries during the cut`,
        60_000,
      );
      const during = sim.writes() - before.writes;
      proxy.restore();
      const clearedAt = Date.now();
      await until(() => cut.status() === 'live', 'the cut client to be live again', 15_000);
      await sim.stop();
      await finish(
        `client network cut ${label}`,
        during,
        `came back by ${expected}; ring ${RING} entries`,
        clearedAt,
      );
      const after = server.hub.counters();
      if (expected === 'replay') {
        expect(after.replaysSent).toBeGreaterThan(counters.replaysSent);
        expect(cut.stats.snapshots).toBe(before.snapshots);
      } else {
        expect(cut.stats.snapshots).toBeGreaterThan(before.snapshots);
      }
    });
  }
});

describe('a slow client', () => {
  it('is held back (reads paused) while the others stay current, then catches up', async () => {
    h = await openHarness();
    const { server, port } = await h.startServer({
      hub: { ringCapacity: RING },
      maxQueuedPackets: 8,
    });
    const proxy = await startTcpProxy({ host: '127.0.0.1', port });
    h.defer(() => proxy.close());
    h.addClient('slow-client', `http://127.0.0.1:${proxy.port}`);
    const fast = [
      h.addClient('fast-1', `http://127.0.0.1:${port}`),
      h.addClient('fast-2', `http://127.0.0.1:${port}`),
    ];
    await until(() => h!.clients.every((c) => c.status() === 'live'), 'every client to be live');

    // Large documents fill the socket buffers between the server and the paused reader fast.
    const calls = h.db.collection('calls');
    const notes = 'n'.repeat(8 * 1024);
    const sids = Array.from({ length: 40 }, (_, i) => `SLOW${String(i).padStart(3, '0')}`);
    await calls.insertMany(sids.map((callSid) => ({ callSid, status: 'queued', notes, round: 0 })));
    await until(
      () => fast.every((c) => c.state().calls.get(sids[39]!) !== undefined),
      'the fast clients to see the calls',
    );

    proxy.pauseReads();
    let writes = 0;
    let round = 0;
    while (server.hub.counters().slowConsumerHolds === 0 && round < 400) {
      round += 1;
      await calls.updateMany(
        { callSid: { $in: sids } },
        { $set: { round, status: round % 2 ? 'ringing' : 'in-progress' } },
      );
      writes += sids.length;
    }
    expect(server.hub.counters().slowConsumerHolds).toBeGreaterThan(0);
    // The others are not held back by the slow one: they match MongoDB while it is paused.
    const whilePaused = await waitForConvergence(h.db, fast, 20_000);
    expect(whilePaused.mismatches).toEqual([]);
    await calls.updateMany(
      { callSid: { $in: sids.slice(0, 10) } },
      { $set: { status: 'completed' } },
    );
    writes += 10;
    proxy.resumeReads();
    const clearedAt = Date.now();
    await finish(
      'slow client (reads paused) while others stay fast',
      writes,
      `holds ${server.hub.counters().slowConsumerHolds}, slow-consumer resyncs ${server.hub.counters().slowConsumerResyncs}; fast clients matched MongoDB in ${whilePaused.ms} ms while it was paused`,
      clearedAt,
    );
  });
});
