/**
 * Several `callboard serve` instances behind nginx, configured from the shipped example
 * (docs/examples/nginx-callboard.conf), TLS with a throwaway certificate, one database.
 * Clients: the real RemoteFeed (websocket, v2) and seed-protocol clients with socket.io's
 * default transports (polling first: only the example's sticky `ip_hash` makes that work with
 * several upstreams), each from a client address of its own. Faults, under writes:
 * - one instance SIGKILLed: its clients come back through nginx on another instance, resync;
 * - a rolling restart (SIGTERM, start again, next) of every instance.
 * Each ends with every client compared with MongoDB field by field. The short form (CI) runs
 * two instances and 12 clients; `CALLBOARD_SCALE_LONG=1` three instances, 60 clients, longer
 * faults. Figures go to test/reliability/results/scale-out-faults.json.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { lostKeys, waitForConvergence } from '../reliability/support/db-state';
import { startSimulator, until } from '../reliability/support/harness';
import { writeResults } from '../reliability/support/results';
import {
  backLiveAt,
  CLI_BUILT,
  loadAverage,
  LONG,
  notLiveMs,
  openCluster,
  p50max,
  waitAllLive,
  type Cluster,
  type ScaleFaultRow,
} from './support/cluster';
import { NGINX, startNginx, type Nginx } from './support/nginx';

const INSTANCES = LONG ? 3 : 2;
const FEEDS = LONG ? 30 : 6;
const SEEDS = LONG ? 30 : 6;
/** Writes the simulator must store while a fault is on (more in the long form). */
const WRITES_DURING = LONG ? 400 : 40;

const rows: ScaleFaultRow[] = [];
let c: Cluster | undefined;
let nginx: Nginx | undefined;
afterEach(async () => {
  await c?.stopClients();
  const stopped = await nginx?.stop().catch((e: Error) => ({ code: e.message, signal: null }));
  nginx = undefined;
  await c?.close();
  c = undefined;
  // Stopped last, but checked: nginx must leave cleanly on SIGQUIT.
  if (stopped) expect(stopped.code).toBe(0);
}, 60_000);
afterAll(() => writeResults('scale-out-faults', rows, { long: LONG, loadAverage: loadAverage() }));

async function setUp(): Promise<{ cluster: Cluster; nginx: Nginx }> {
  c = await openCluster(INSTANCES);
  nginx = await startNginx(c.instances.map((x) => x.address));
  c.addClients(nginx.url, { feeds: FEEDS, seeds: SEEDS }, nginx.cert.pem);
  await waitAllLive(c.clients, 'every client to be live through nginx');
  // The balancer spreads them: every instance serves some (ip_hash on distinct addresses).
  const served = await Promise.all(c.instances.map(async (x) => (await x.health()).report.clients));
  expect(
    served.every((n) => n > 0),
    `clients per instance: ${served.join(', ')}`,
  ).toBe(true);
  expect(served.reduce((a, b) => a + b, 0)).toBe(FEEDS + SEEDS);
  // Seed clients went through long-polling first, through nginx, to several upstreams.
  for (const s of c.seeds) expect(s.transports.handshake[0], s.name).toBe('polling');
  return { cluster: c, nginx };
}

async function finish(
  cluster: Cluster,
  fault: string,
  writesDuring: number,
  clearedAt: number,
  extra: Pick<ScaleFaultRow, 'clientMs' | 'clientsAffected'>,
  notes: string,
) {
  const converged = await waitForConvergence(cluster.h.db, cluster.clients, 20_000);
  rows.push({
    fault,
    instances: cluster.instances.length,
    clients: cluster.clients.length,
    writesDuringFault: writesDuring,
    updatesLost: lostKeys(converged.mismatches),
    convergeMs: converged.ms + (Date.now() - converged.ms - clearedAt),
    ...extra,
    notes: `${notes}; ${converged.activeInDb} active documents compared on ${cluster.clients.length} clients`,
  });
  expect(converged.mismatches).toEqual([]);
  for (const x of cluster.clients) expect(x.problems(), x.name).toEqual([]);
}

describe.skipIf(!NGINX || !CLI_BUILT)(
  `${INSTANCES} instances behind nginx (docs/examples/nginx-callboard.conf)${
    !NGINX ? ': skipped, no nginx binary (apt-get install nginx)' : ''
  }${!CLI_BUILT ? ': skipped, needs out/cli (npm run build:cli)' : ''}`,
  () => {
    it('one instance SIGKILLed under writes: its clients come back on another, resync, converge', async () => {
      const { cluster, nginx } = await setUp();
      // The example's port-80 server only redirects to https.
      const redirect = await fetch(`${nginx.httpUrl}/`, { redirect: 'manual' });
      expect(redirect.status).toBe(301);
      expect(redirect.headers.get('location')).toMatch(/^https:\/\//);
      const sim = startSimulator(cluster.h.db);
      cluster.h.defer(() => sim.stop());
      await until(() => sim.writes() > 40, 'the simulator to write');
      const epochs = await cluster.epochs();
      // The instance serving the most feed clients (every instance serves some).
      const onInstance = (name: string) =>
        cluster.clients.filter((x) => x.epoch() === epochs.get(name));
      const victim = [...cluster.instances].sort(
        (a, b) => onInstance(b.name).length - onInstance(a.name).length,
      )[0]!;
      const survivors = cluster.instances.filter((x) => x !== victim);
      const before = sim.writes();
      const killedAt = Date.now();
      await victim.kill();
      // Everyone is back once the survivors serve every client and all are live.
      await waitAllLive(cluster.clients, 'every client live again', 20_000);
      await expect
        .poll(
          async () =>
            (
              await Promise.all(survivors.map(async (x) => (await x.health()).report.clients))
            ).reduce((a, b) => a + b, 0),
          { timeout: 20_000, message: 'the survivors to serve every client' },
        )
        .toBe(cluster.clients.length);
      await waitAllLive(cluster.clients, 'every client live on a survivor', 20_000);
      const moved = cluster.clients.filter((x) => backLiveAt(x, killedAt) !== undefined);
      const survivorEpochs = new Set(survivors.map((x) => epochs.get(x.name)));
      for (const x of moved.filter((m) => m.kind === 'feed')) {
        expect(survivorEpochs.has(x.epoch() ?? ''), `${x.name} resynced on a survivor`).toBe(true);
      }
      expect(moved.some((x) => x.kind === 'feed')).toBe(true);
      expect(moved.some((x) => x.kind === 'seed')).toBe(true);
      // Writes go on after the move, then stop so the database holds still for the comparison.
      const mark = sim.writes();
      await until(() => sim.writes() > mark + WRITES_DURING, 'writes after the move', 30_000);
      const during = sim.writes() - before;
      const clearedAt = Date.now();
      await sim.stop();
      const times = moved.map((x) => backLiveAt(x, killedAt)! - killedAt);
      await finish(
        cluster,
        `one of ${cluster.instances.length} instances SIGKILLed behind nginx`,
        during,
        clearedAt,
        { clientMs: p50max(times), clientsAffected: moved.length },
        `${moved.filter((x) => x.kind === 'feed').length} RemoteFeed + ${
          moved.filter((x) => x.kind === 'seed').length
        } seed clients moved; kill to live again on a survivor p50 ${p50max(times).p50} ms, max ${
          p50max(times).max
        } ms`,
      );
    }, 90_000);

    it('a rolling restart of every instance under writes: each client back live, converged', async () => {
      const { cluster } = await setUp();
      const sim = startSimulator(cluster.h.db);
      cluster.h.defer(() => sim.stop());
      await until(() => sim.writes() > 40, 'the simulator to write');
      const before = sim.writes();
      const startedAt = Date.now();
      const stopMs: number[] = [];
      for (const instance of cluster.instances) {
        stopMs.push(await instance.stop());
        await instance.start();
        await expect
          .poll(async () => (await instance.health()).status, {
            timeout: 20_000,
            message: `${instance.name} healthy after its restart`,
          })
          .toBe(200);
        await waitAllLive(cluster.clients, `every client live after ${instance.name}`, 20_000);
        const mark = sim.writes();
        await until(() => sim.writes() > mark + WRITES_DURING / 4, 'writes between restarts');
      }
      const endedAt = Date.now();
      const during = sim.writes() - before;
      const clearedAt = Date.now();
      await sim.stop();
      const outages = cluster.clients.map((x) => notLiveMs(x, startedAt, endedAt));
      const affected = outages.filter((ms) => ms > 0);
      // Every client was served by a restarted instance at some point, so each was cut once at least.
      expect(affected.length).toBe(cluster.clients.length);
      await finish(
        cluster,
        `rolling restart of ${cluster.instances.length} instances behind nginx (SIGTERM, start, next)`,
        during,
        clearedAt,
        { clientMs: p50max(outages), clientsAffected: affected.length },
        `time not live per client p50 ${p50max(outages).p50} ms, max ${
          p50max(outages).max
        } ms; SIGTERM to exit ${stopMs.join(', ')} ms`,
      );
    }, 120_000);
  },
);
