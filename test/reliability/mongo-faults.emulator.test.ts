/**
 * Faults between the server and MongoDB, with the simulator writing all along. Every test
 * ends by comparing every client's state with the database, field by field, after the
 * writer stopped; the figures go to results/mongo-faults.json (docs/reliability.md).
 * Runs against the emulator, or a real replica set when MONGODB_URI is set (fail points need
 * `enableTestCommands`; without them those tests say so and record nothing).
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { lostKeys, waitForConvergence } from './support/db-state';
import { failPoint, openHarness, startSimulator, until, type Harness } from './support/harness';
import { writeResults, type FaultRow } from './support/results';
import { mongoHostOf, proxiedUri, startTcpProxy } from './support/tcp-proxy';

const rows: FaultRow[] = [];
let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});
afterAll(() => writeResults('mongo-faults', rows));

async function setUp(clients = 3) {
  h = await openHarness();
  const started = await h.startServer();
  for (let i = 0; i < clients; i++) h.addClient(`client-${i}`, started.url);
  await until(() => h!.clients.every((c) => c.status() === 'live'), 'every client to be live');
  return started;
}

/** Stops the writer, waits for every client to match MongoDB, records the row, asserts no loss. */
/** `clearedAt`: when the fault ended; time to converge counts from there. */
async function finish(fault: string, writesDuringFault: number, notes: string, clearedAt: number) {
  const waitFrom = Date.now();
  const converged = await waitForConvergence(h!.db, h!.clients, 20_000);
  const row: FaultRow = {
    fault,
    writesDuringFault,
    updatesLost: lostKeys(converged.mismatches),
    convergeMs: converged.ms + (waitFrom - clearedAt),
    notes: `${notes}; ${converged.activeInDb} active documents compared on ${h!.clients.length} clients`,
  };
  rows.push(row);
  expect(converged.mismatches).toEqual([]);
  for (const c of h!.clients) expect(c.stats.problems).toEqual([]);
}

describe('MongoDB faults while the simulator writes', () => {
  it('the connection closed mid-stream, five times (failCommand closeConnection)', async () => {
    const { server } = await setUp();
    const sim = startSimulator(h!.db);
    await until(() => sim.writes() > 30, 'the simulator to write');
    const before = sim.writes();
    for (let i = 0; i < 5; i++) {
      const ok = await failPoint(
        h!.target,
        { times: 1 },
        { failCommands: ['getMore'], closeConnection: true },
      );
      if (!ok) return expect.soft(h!.target.usingEmulator).toBe(false);
      const mark = sim.writes();
      await until(() => sim.writes() > mark + 20, 'more writes after the close');
    }
    const during = sim.writes() - before;
    const clearedAt = Date.now();
    await sim.stop();
    await finish(
      'MongoDB connection closed mid-stream (x5)',
      during,
      `driver resumed; watcher restarts ${server.health().mongo?.restarts ?? 0}`,
      clearedAt,
    );
  });

  it('resumable getMore errors (HostUnreachable, three times)', async () => {
    const { server } = await setUp();
    const sim = startSimulator(h!.db);
    await until(() => sim.writes() > 30, 'the simulator to write');
    const before = sim.writes();
    // The server's own failover fail point: the getMore fails after taking its cursor, with
    // the ResumableChangeStreamError label, so the driver resumes (the watcher does not restart).
    const ok = await failPoint(
      h!.target,
      { times: 3 },
      { errorCode: 6 },
      'failGetMoreAfterCursorCheckout',
    );
    if (!ok) return expect.soft(h!.target.usingEmulator).toBe(false);
    const mark = sim.writes();
    await until(() => sim.writes() > mark + 60, 'writes through the errors');
    const during = sim.writes() - before;
    const clearedAt = Date.now();
    await sim.stop();
    await finish(
      'resumable getMore errors (x3, failGetMoreAfterCursorCheckout)',
      during,
      `driver resumed; watcher restarts ${server.health().mongo?.restarts ?? 0}; epoch bumps ${server.hub.counters().epochBumps}`,
      clearedAt,
    );
    expect(server.hub.counters().epochBumps).toBe(0);
    expect(server.health().mongo?.restarts).toBe(0);
  });

  it('a non-resumable error: the watcher restarts from its token, nothing is lost', async () => {
    const { server } = await setUp();
    const sim = startSimulator(h!.db);
    await until(() => sim.writes() > 30, 'the simulator to write');
    const before = sim.writes();
    const ok = await failPoint(
      h!.target,
      { times: 1 },
      { failCommands: ['getMore'], errorCode: 2, errorLabels: [] },
    );
    if (!ok) return expect.soft(h!.target.usingEmulator).toBe(false);
    await until(
      () => (server.health().mongo?.restarts ?? 0) >= 1,
      'the watcher to restart its stream',
    );
    const mark = sim.writes();
    await until(() => sim.writes() > mark + 40, 'writes after the restart');
    const during = sim.writes() - before;
    const clearedAt = Date.now();
    await sim.stop();
    await finish(
      'non-resumable getMore error (BadValue)',
      during,
      `watcher restarts ${server.health().mongo?.restarts}`,
      clearedAt,
    );
    expect(server.hub.counters().epochBumps).toBe(0);
  });

  it('history lost (286): a new epoch, every client resyncs from a snapshot', async () => {
    const { server } = await setUp();
    const sim = startSimulator(h!.db);
    await until(() => sim.writes() > 30, 'the simulator to write');
    const before = sim.writes();
    const ok = await failPoint(
      h!.target,
      { times: 1 },
      { failCommands: ['getMore'], errorCode: 286 },
    );
    if (!ok) return expect.soft(h!.target.usingEmulator).toBe(false);
    await until(() => server.hub.counters().epochBumps >= 1, 'the new epoch');
    const mark = sim.writes();
    await until(() => sim.writes() > mark + 40, 'writes after the reset');
    const during = sim.writes() - before;
    const clearedAt = Date.now();
    await sim.stop();
    await finish(
      'history lost (286)',
      during,
      `epoch bumps ${server.hub.counters().epochBumps}`,
      clearedAt,
    );
  });

  it('invalidate: the calls collection dropped and recreated while calls are written', async () => {
    const { server } = await setUp();
    const sim = startSimulator(h!.db);
    await until(() => sim.writes() > 30, 'the simulator to write');
    const before = sim.writes();
    await h!.db.collection('calls').drop();
    await until(() => server.hub.counters().epochBumps >= 1, 'the new epoch after the invalidate');
    const mark = sim.writes();
    // The simulator's next inserts recreate the collection.
    await until(() => sim.writes() > mark + 40, 'writes into the recreated collection');
    const during = sim.writes() - before;
    const clearedAt = Date.now();
    await sim.stop();
    await finish(
      'invalidate (calls dropped and recreated)',
      during,
      `epoch bumps ${server.hub.counters().epochBumps}`,
      clearedAt,
    );
  });

  it('MongoDB unreachable at start, then reachable: the server starts once it can, clients converge', async () => {
    h = await openHarness();
    const proxy = await startTcpProxy(mongoHostOf(h.target.uri), { startCut: true });
    h.defer(() => proxy.close());
    const viaProxy = proxiedUri(h.target.uri, proxy.port);
    const sim = startSimulator(h.db);
    const starting = h.startServer({ uri: viaProxy, serverSelectionTimeoutMS: 20_000 });
    starting.catch(() => {});
    await until(() => proxy.counters().refused >= 2, 'the server to try MongoDB and be refused');
    const before = sim.writes();
    await until(() => sim.writes() > before + 40, 'writes while MongoDB is unreachable');
    proxy.restore();
    const clearedAt = Date.now();
    const cutAt = sim.writes();
    const { url } = await starting;
    for (let i = 0; i < 3; i++) h.addClient(`client-${i}`, url);
    await until(() => h!.clients.every((c) => c.status() === 'live'), 'every client to be live');
    const during = cutAt - before;
    await sim.stop();
    await finish(
      'MongoDB unreachable at start, then reachable',
      during,
      `${proxy.counters().refused} connection attempts refused first`,
      clearedAt,
    );
  });
});
