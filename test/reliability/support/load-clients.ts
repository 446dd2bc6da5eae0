/**
 * Entry point of the load test's client process (built by support/load-process.ts with vite,
 * run with child_process.fork): N feed clients (the real RemoteFeed + shared reducer), each
 * reporting a digest of what it shows so the test can compare it with MongoDB without
 * shipping every state over IPC. Messages: start -> ready, digest -> digest, view -> view,
 * stop -> stopped (then the process exits).
 */
import { createHash } from 'node:crypto';
import { clientView } from './db-state';
import { startFeedClient, type FeedClient } from './feed-client';
import { clientAddress } from './client-route';

/** How the load clients reach a balancer: distinct client addresses, a CA to trust. */
export interface LoadRouting {
  distinctAddresses?: boolean;
  ca?: string;
}

export type LoadRequest =
  | {
      type: 'start';
      url: string;
      clients: number;
      token?: string;
      /** Each client from an address of its own (client-route.ts) and/or trusting `ca`. */
      routing?: LoadRouting;
    }
  | { type: 'digest' }
  | { type: 'view'; index: number }
  | { type: 'stop' };

export interface ClientDigest {
  name: string;
  status: string;
  digest: string;
  calls: number;
  campaigns: number;
  messages: number;
  /** Messages applied after merging the messages of each turn (FeedMessageQueue). */
  applied: number;
  snapshots: number;
  resyncs: number;
  problems: string[];
}

/** sha1 over the sorted `key=JSON` lines of each stream: equal digests, equal states. */
export function digestOf(calls: Map<string, unknown>, campaigns: Map<string, unknown>): string {
  const hash = createHash('sha1');
  for (const [name, map] of [
    ['calls', calls],
    ['campaigns', campaigns],
  ] as const) {
    for (const key of [...map.keys()].sort())
      hash.update(`${name}/${key}=${JSON.stringify(map.get(key))}\n`);
  }
  return hash.digest('hex');
}

let clients: FeedClient[] = [];
const send = (message: unknown) => process.send!(message);

process.on('message', (raw) => {
  const request = raw as LoadRequest;
  if (request.type === 'start') {
    const routing = request.routing;
    clients = Array.from({ length: request.clients }, (_, i) =>
      startFeedClient(
        `load-${i}`,
        request.url,
        request.token,
        routing
          ? {
              ...(routing.distinctAddresses ? { localAddress: clientAddress(i) } : {}),
              ...(routing.ca !== undefined ? { ca: routing.ca } : {}),
            }
          : undefined,
      ),
    );
    let ticks = 0;
    const check = setInterval(() => {
      if (clients.every((c) => c.status() === 'live')) {
        clearInterval(check);
        send({ type: 'ready' });
        return;
      }
      ticks += 1;
      if (ticks % 40 === 0) {
        const statuses: Record<string, number> = {};
        for (const c of clients) statuses[c.status()] = (statuses[c.status()] ?? 0) + 1;
        send({ type: 'progress', statuses });
      }
    }, 50);
  } else if (request.type === 'digest') {
    const digests: ClientDigest[] = clients.map((c) => {
      const view = clientView(c.state());
      return {
        name: c.name,
        status: c.status(),
        digest: digestOf(view.calls, view.campaigns),
        calls: view.calls.size,
        campaigns: view.campaigns.size,
        messages: c.stats.messages,
        applied: c.stats.applied,
        snapshots: c.stats.snapshots,
        resyncs: c.stats.resyncs,
        problems: c.stats.problems.slice(0, 5),
      };
    });
    send({ type: 'digest', digests, memory: process.memoryUsage() });
  } else if (request.type === 'view') {
    const view = clientView(clients[request.index]!.state());
    send({ type: 'view', calls: [...view.calls], campaigns: [...view.campaigns] });
  } else if (request.type === 'stop') {
    void Promise.all(clients.map((c) => c.stop())).then(async () => {
      // Sockets finish closing on the next turns of the event loop: give them a moment.
      const active = () =>
        (process as unknown as { _getActiveHandles(): object[] })._getActiveHandles();
      const deadline = Date.now() + 5000;
      while (active().length > 2 && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 20));
      const names = active().map((x) => x.constructor?.name ?? typeof x);
      send({ type: 'stopped', handles: names.length, names });
      process.disconnect();
    });
  }
});
send({ type: 'hello' });
