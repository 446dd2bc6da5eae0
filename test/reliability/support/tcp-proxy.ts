/**
 * A TCP proxy for network faults: between a client and the server, or between the server and
 * MongoDB. `cut()` drops every connection and refuses new ones until `restore()` (what a cable
 * pulled or a Wi-Fi drop looks like once the peer notices); `pauseReads()` stops reading from
 * the upstream, so the upstream's writes pile up in its socket buffers (a slow client).
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

export interface TcpProxy {
  port: number;
  /** Connections accepted, and refused while cut. */
  counters(): { accepted: number; refused: number; open: number };
  cut(): void;
  restore(): void;
  pauseReads(): void;
  resumeReads(): void;
  close(): Promise<void>;
}

export async function startTcpProxy(
  target: { host: string; port: number },
  options: { port?: number; startCut?: boolean } = {},
): Promise<TcpProxy> {
  let isCut = options.startCut ?? false;
  let paused = false;
  const pairs = new Set<[Socket, Socket]>();
  const counters = { accepted: 0, refused: 0 };
  const server: Server = createServer((downstream) => {
    if (isCut) {
      counters.refused += 1;
      downstream.destroy();
      return;
    }
    counters.accepted += 1;
    const upstream = connect(target.port, target.host);
    const pair: [Socket, Socket] = [downstream, upstream];
    pairs.add(pair);
    const end = () => {
      pairs.delete(pair);
      downstream.destroy();
      upstream.destroy();
    };
    downstream.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
    downstream.pipe(upstream);
    upstream.pipe(downstream);
    if (paused) upstream.pause();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    counters: () => ({ ...counters, open: pairs.size }),
    cut() {
      isCut = true;
      for (const [a, b] of [...pairs]) {
        a.destroy();
        b.destroy();
      }
      pairs.clear();
    },
    restore() {
      isCut = false;
    },
    pauseReads() {
      paused = true;
      for (const [down, up] of pairs) {
        up.unpipe(down);
        up.pause();
      }
    },
    resumeReads() {
      paused = false;
      for (const [down, up] of pairs) {
        up.pipe(down);
        up.resume();
      }
    },
    close() {
      isCut = true;
      for (const [a, b] of [...pairs]) {
        a.destroy();
        b.destroy();
      }
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** A free TCP port on 127.0.0.1 (to restart a server on the same port). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** The first host of a plain mongodb:// URI, as a proxy's target. */
export function mongoHostOf(uri: string): { host: string; port: number } {
  const upstream = new URL(uri.replace(/^mongodb(\+srv)?:\/\//, 'http://'));
  const firstHost = upstream.host.split(',')[0]!;
  return { host: firstHost.split(':')[0]!, port: Number(firstHost.split(':')[1] ?? 27017) };
}

/** The same deployment through the proxy: one host, directConnection (no topology discovery). */
export function proxiedUri(uri: string, port: number): string {
  const match = /^mongodb:\/\/([^@/]*@)?([^/?]+)(\/[^?]*)?(\?.*)?$/.exec(uri);
  if (!match) throw new Error('the MongoDB URI is not a plain mongodb:// URI');
  const params = new URLSearchParams((match[4] ?? '').slice(1));
  params.delete('replicaSet');
  params.set('directConnection', 'true');
  return `mongodb://${match[1] ?? ''}127.0.0.1:${port}${match[3] ?? '/'}?${params.toString()}`;
}
