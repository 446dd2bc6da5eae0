import { afterEach, describe, expect, it } from 'vitest';
import { io, type Socket } from 'socket.io-client';
import { silentLogger } from '../shared/log';
import { createRealtimeServer, type RealtimeServer } from './realtime-server';
import { nextEvent } from './test-support';

let servers: RealtimeServer[] = [];
let clients: Socket[] = [];
afterEach(async () => {
  for (const c of clients) c.disconnect();
  for (const s of servers) await s.stop();
  servers = [];
  clients = [];
});

async function start(port = 0) {
  const server = createRealtimeServer({ logger: silentLogger, port });
  servers.push(server);
  return server.start();
}

describe('realtime server: stop', () => {
  // A seed web client written the usual way: socket.io-client's defaults (polling first, its
  // own reconnection). A restart must not strand it.
  it.each([['polling first (default transports)'], ['websocket']])(
    'a client with socket.io defaults, %s, reconnects by itself once the server is back',
    async (mode) => {
      const first = await start();
      const client = io(first.url, {
        reconnectionDelay: 20,
        reconnectionDelayMax: 50,
        ...(mode === 'websocket' ? { transports: ['websocket'] } : {}),
      });
      clients.push(client);
      await nextEvent(client, 'connect');
      const reason = nextEvent<string>(client, 'disconnect');
      await servers.pop()!.stop();
      // Not "io server disconnect": after that one socket.io-client never tries again.
      expect(await reason).not.toBe('io server disconnect');
      await start(first.port);
      await nextEvent(client, 'connect', 10_000);
      expect(client.connected).toBe(true);
    },
  );
});
