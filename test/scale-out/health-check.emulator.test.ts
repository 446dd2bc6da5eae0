/**
 * An instance that loses MongoDB answers 503 on /healthz. HAProxy, configured from the
 * shipped example (docs/examples/haproxy-callboard.cfg: `option httpchk GET /healthz`,
 * `on-marked-down shutdown-sessions`), takes it out: its clients reconnect through HAProxy
 * to a healthy instance, resync there and converge while writes continue; once MongoDB is
 * back the instance answers 200 and HAProxy brings it back. nginx open source cannot do this
 * (passive checks only: docs/operations.md). Figures go to
 * test/reliability/results/scale-out-health.json.
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
  openCluster,
  p50max,
  waitAllLive,
  type Cluster,
  type ScaleFaultRow,
} from './support/cluster';
import { HAPROXY, startHaproxy, type Haproxy } from './support/haproxy';

const rows: ScaleFaultRow[] = [];
/**
 * How long the instances look for MongoDB before they call it lost: 2 s in the short form (so
 * CI is quick), the shipped default (10 s) in the long form. The time to 503 follows it.
 */
const MONGO_TIMEOUT = { CALLBOARD_MONGO_TIMEOUT_MS: LONG ? '10000' : '2000' };
let c: Cluster | undefined;
let haproxy: Haproxy | undefined;
afterEach(async () => {
  await c?.stopClients();
  const stopped = await haproxy?.stop().catch((e: Error) => ({ code: e.message, signal: null }));
  haproxy = undefined;
  await c?.close();
  c = undefined;
  // SIGTERM is HAProxy's immediate stop: it exits by that signal (or 0), never needing SIGKILL.
  if (stopped) expect([0, 'SIGTERM']).toContain(stopped.code ?? stopped.signal);
}, 60_000);
afterAll(() => writeResults('scale-out-health', rows, { long: LONG, loadAverage: loadAverage() }));

describe.skipIf(!HAPROXY || !CLI_BUILT)(
  `an instance without MongoDB behind HAProxy (docs/examples/haproxy-callboard.cfg)${
    !HAPROXY ? ': skipped, no haproxy binary (apt-get install haproxy)' : ''
  }${!CLI_BUILT ? ': skipped, needs out/cli (npm run build:cli)' : ''}`,
  () => {
    it('answers 503 on /healthz; the active check takes it out, its clients converge elsewhere', async () => {
      // instance-1 reaches MongoDB through a proxy the test cuts.
      c = await openCluster(2, { viaProxy: [1], env: MONGO_TIMEOUT });
      const cluster = c;
      const [healthy, sick] = cluster.instances as [
        (typeof cluster.instances)[0],
        (typeof cluster.instances)[0],
      ];
      haproxy = await startHaproxy(
        cluster.instances.map((x) => ({ name: x.name, address: x.address })),
      );
      const lb = haproxy;
      cluster.addClients(lb.url, { feeds: 6, seeds: 6 }, lb.cert.pem);
      await waitAllLive(cluster.clients, 'every client live through HAProxy');
      const served = async () =>
        Promise.all(cluster.instances.map(async (x) => (await x.health()).report.clients));
      const before = await served();
      expect(
        before.every((n) => n > 0),
        `clients per instance: ${before.join(', ')}`,
      ).toBe(true);
      for (const s of cluster.seeds) expect(s.transports.handshake[0], s.name).toBe('polling');

      const sim = startSimulator(cluster.h.db);
      cluster.h.defer(() => sim.stop());
      await until(() => sim.writes() > 40, 'the simulator to write');
      const writesBefore = sim.writes();
      const cutAt = Date.now();
      cluster.proxies.get(1)!.cut();
      await expect
        .poll(async () => (await sick.health()).status, {
          // The cut closes the connections: the driver's topology loses its server at the
          // first failed read (milliseconds). The margin is for a loaded machine.
          timeout: 20_000,
          message: `${sick.name} to answer 503 on /healthz without MongoDB`,
        })
        .toBe(503);
      const degradedAt = Date.now();
      expect((await sick.health()).report.status).toBe('degraded');
      expect((await healthy.health()).status).toBe(200);
      await lb.waitFor(new RegExp(`Server callboard/${sick.name} is DOWN`));
      const downAt = Date.now();
      // Its clients were closed by HAProxy and came back on the healthy instance.
      await expect
        .poll(served, { timeout: 20_000, message: 'the healthy instance to serve every client' })
        .toEqual([cluster.clients.length, 0]);
      await waitAllLive(cluster.clients, 'every client live on the healthy instance');
      const moved = cluster.clients.filter((x) => backLiveAt(x, cutAt) !== undefined);
      expect(moved.some((x) => x.kind === 'feed') && moved.some((x) => x.kind === 'seed')).toBe(
        true,
      );
      const mark = sim.writes();
      await until(() => sim.writes() > mark + 40, 'writes after the move');
      const during = sim.writes() - writesBefore;
      const clearedAt = Date.now();
      await sim.stop();
      const converged = await waitForConvergence(cluster.h.db, cluster.clients, 20_000);
      const times = p50max(moved.map((x) => backLiveAt(x, cutAt)! - cutAt));
      rows.push({
        fault: 'one of 2 instances loses MongoDB behind HAProxy (active check on /healthz)',
        instances: 2,
        clients: cluster.clients.length,
        writesDuringFault: during,
        updatesLost: lostKeys(converged.mismatches),
        convergeMs: Date.now() - clearedAt,
        clientMs: times,
        clientsAffected: moved.length,
        notes: `CALLBOARD_MONGO_TIMEOUT_MS=${MONGO_TIMEOUT.CALLBOARD_MONGO_TIMEOUT_MS}; 503 on /healthz ${degradedAt - cutAt} ms after the cut, HAProxy marked it DOWN after ${
          downAt - cutAt
        } ms; its ${moved.length} clients live again on the healthy instance p50 ${times.p50} ms, max ${
          times.max
        } ms after the cut; ${converged.activeInDb} active documents compared on ${cluster.clients.length} clients`,
      });
      expect(converged.mismatches).toEqual([]);
      for (const x of cluster.clients) expect(x.problems(), x.name).toEqual([]);

      // MongoDB back: 200 again, and HAProxy brings it back.
      cluster.proxies.get(1)!.restore();
      await expect.poll(async () => (await sick.health()).status, { timeout: 20_000 }).toBe(200);
      await lb.waitFor(new RegExp(`Server callboard/${sick.name} is UP`));
    }, 150_000);
  },
);
