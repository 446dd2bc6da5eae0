/**
 * The deployment of docs/operations.md, "Several instances behind a load balancer", on
 * loopback: one database (the emulator in a process of its own, as mongod would be, or
 * MONGODB_URI), N `callboard serve` instances, a balancer in front, and clients, each from a
 * local address of its own so that the balancer's address hashing spreads them: the real
 * RemoteFeed (websocket, v2) and seed-protocol clients (default transports: polling first).
 * `close()` stops all of it, clients first, the balancer gracefully.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { CLI_BUILT, spawnCli, type CliProcess } from '../../reliability/support/cli-process';
import { clientAddress, type ClientRoute } from '../../reliability/support/client-route';
import type { FeedClient } from '../../reliability/support/feed-client';
import { openHarness, until, type Harness } from '../../reliability/support/harness';
import {
  mongoHostOf,
  proxiedUri,
  startTcpProxy,
  type TcpProxy,
} from '../../reliability/support/tcp-proxy';
import { startInstances, type Instance } from './instances';
import { startSeedClient, type SeedClient } from './seed-client';
import type { FeedState } from '../../../src/shared/feed/types';
import type { FaultRow } from '../../reliability/support/results';
import { startFeedClient } from '../../reliability/support/feed-client';

/** The long form (`CALLBOARD_SCALE_LONG=1`): three instances, more clients, longer faults. */
export const LONG = process.env.CALLBOARD_SCALE_LONG === '1';
export { CLI_BUILT };

/** A fault's row in test/reliability/results/scale-out-*.json (docs/reliability.md). */
export interface ScaleFaultRow extends FaultRow {
  instances: number;
  clients: number;
  /** kill -> live again (SIGKILL), or the time each client was not live (rolling restart). */
  clientMs: { p50: number; max: number };
  clientsAffected: number;
}

/** One client of either kind, as the fault tests look at it. */
export interface AnyClient {
  name: string;
  kind: 'feed' | 'seed';
  state(): FeedState;
  live(): boolean;
  /** Every change of live with its time, oldest first. */
  liveChanges(): { live: boolean; at: number }[];
  /** The server epoch its streams hold (feed clients; seed clients get none). */
  epoch(): string | null;
  problems(): string[];
}

export interface Cluster {
  h: Harness;
  token: string;
  instances: Instance[];
  /** The MongoDB proxy of each instance started `viaProxy`, by index. */
  proxies: Map<number, TcpProxy>;
  clients: AnyClient[];
  feeds: FeedClient[];
  seeds: SeedClient[];
  /** Adds `feeds` RemoteFeed and `seeds` seed clients to `url`, each from its own address. */
  addClients(url: string, counts: { feeds: number; seeds: number }, ca?: string): void;
  /** Stops the clients (before a balancer's graceful stop, which waits for open connections). */
  stopClients(): Promise<void>;
  /** Stops everything: clients, instances, the harness, then the emulator. */
  close(): Promise<void>;
  /** Each instance's epoch now, by instance name (GET /healthz). */
  epochs(): Promise<Map<string, string>>;
}

function fromFeed(c: FeedClient): AnyClient {
  return {
    name: c.name,
    kind: 'feed',
    state: c.state,
    live: () => c.status() === 'live',
    liveChanges: () => c.statusLog.map((s) => ({ live: s.status === 'live', at: s.at })),
    epoch: () => c.state().cursors.calls.epoch,
    problems: () => c.stats.problems,
  };
}

function fromSeed(c: SeedClient): AnyClient {
  return {
    name: c.name,
    kind: 'seed',
    state: c.state,
    live: c.live,
    liveChanges: () => c.liveLog,
    epoch: () => null,
    problems: () => c.problems,
  };
}

/** The emulator as a process of its own, or MONGODB_URI; then a harness on a fresh database. */
export async function openDatabase(): Promise<{ h: Harness; emulator?: CliProcess }> {
  let uri = process.env.MONGODB_URI;
  let emulator: CliProcess | undefined;
  if (!uri) {
    emulator = spawnCli(['emulator', '--port', '0']);
    uri = (await emulator.waitForOut(/(mongodb:\/\/\S+)/))[1]!;
  }
  try {
    return { h: await openHarness({}, { MONGODB_URI: uri }), ...(emulator ? { emulator } : {}) };
  } catch (error) {
    await emulator?.close();
    throw error;
  }
}

export async function openCluster(
  count: number,
  /** Instances (by index) that reach MongoDB through a TCP proxy the test can cut. */
  options: { viaProxy?: readonly number[]; env?: NodeJS.ProcessEnv } = {},
): Promise<Cluster> {
  const { h, emulator } = await openDatabase();
  const proxies = new Map<number, TcpProxy>();
  for (const index of options.viaProxy ?? []) {
    const proxy = await startTcpProxy(mongoHostOf(h.target.uri));
    proxies.set(index, proxy);
    h.defer(() => proxy.close());
  }
  const token = randomBytes(16).toString('hex');
  const feeds: FeedClient[] = [];
  const seeds: SeedClient[] = [];
  const clients: AnyClient[] = [];
  let instances: Instance[] = [];
  try {
    instances = await startInstances(count, {
      uri: h.target.uri,
      dbName: h.target.dbName,
      token,
      ...(options.env ? { env: options.env } : {}),
      uriFor: (index) => {
        const proxy = proxies.get(index);
        return proxy ? proxiedUri(h.target.uri, proxy.port) : h.target.uri;
      },
    });
  } catch (error) {
    await h.close();
    await emulator?.close();
    throw error;
  }
  for (const x of instances) h.defer(() => x.close());
  const cluster: Cluster = {
    h,
    token,
    proxies,
    instances,
    clients,
    feeds,
    seeds,
    addClients(url, counts, ca) {
      for (let i = 0; i < counts.feeds + counts.seeds; i++) {
        const route: ClientRoute = {
          localAddress: clientAddress(clients.length),
          ...(ca ? { ca } : {}),
        };
        if (i < counts.feeds) {
          const feed = startFeedClient(`feed-${clients.length}`, url, token, route);
          feeds.push(feed);
          clients.push(fromFeed(feed));
          h.defer(() => feed.stop());
        } else {
          const seed = startSeedClient(`seed-${clients.length}`, url, token, route);
          seeds.push(seed);
          clients.push(fromSeed(seed));
          h.defer(() => seed.stop());
        }
      }
    },
    async stopClients() {
      await Promise.all([...feeds.map((x) => x.stop()), ...seeds.map((x) => x.stop())]);
    },
    async close() {
      try {
        await h.close();
      } finally {
        await emulator?.close();
      }
    },
    async epochs() {
      const out = new Map<string, string>();
      for (const x of instances) out.set(x.name, (await x.health()).report.epoch);
      return out;
    },
  };
  return cluster;
}

/** Waits until every client is live; the failure names those that are not and their last change. */
export async function waitAllLive(
  clients: readonly AnyClient[],
  what: string,
  ms = 20_000,
): Promise<void> {
  try {
    await until(() => clients.every((x) => x.live()), what, ms);
  } catch (error) {
    const late = clients
      .filter((x) => !x.live())
      .map(
        (x) =>
          `${x.name} (${JSON.stringify(x.liveChanges().at(-1))}; ${x.problems().slice(0, 2).join('; ')})`,
      );
    throw new Error(`${(error as Error).message}; not live: ${late.join(', ')}`, { cause: error });
  }
}

/** The machine's load average (1, 5, 15 min), as `uptime` shows it: the figures' context. */
export function loadAverage(): string {
  return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
}

/** Median and maximum of a list of durations (ms), rounded. */
export function p50max(values: readonly number[]): { p50: number; max: number } {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return { p50: NaN, max: NaN };
  return {
    p50: Math.round(sorted[Math.floor((sorted.length - 1) / 2)]!),
    max: Math.round(sorted.at(-1)!),
  };
}

/** How long a client was not live between `from` and `to` (ms), from its changes. */
export function notLiveMs(client: AnyClient, from: number, to: number): number {
  let live = true;
  let since = from;
  let total = 0;
  for (const change of client.liveChanges()) {
    if (change.at <= from) {
      live = change.live;
      continue;
    }
    if (change.at > to) break;
    if (!change.live && live) since = change.at;
    if (change.live && !live) total += change.at - since;
    live = change.live;
  }
  if (!live) total += to - since;
  return total;
}

/** The first time after `from` the client became live again after leaving live. */
export function backLiveAt(client: AnyClient, from: number): number | undefined {
  let left = false;
  for (const change of client.liveChanges()) {
    if (change.at < from) continue;
    if (!change.live) left = true;
    else if (left) return change.at;
  }
  return undefined;
}
