// Helpers for this folder's tests (not shipped in the server's API).
import {
  io as connect,
  type Socket as ClientSocket,
  type ManagerOptions,
  type SocketOptions,
} from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '../shared/protocol/events';
import { silentLogger } from '../shared/log';
import {
  createRealtimeServer,
  type RealtimeServer,
  type RealtimeServerConfig,
} from './realtime-server';

export type TestClient = ClientSocket<ServerToClientEvents, ClientToServerEvents>;

type Listener = (...args: never[]) => void;
interface Emitterish {
  once(event: string, listener: Listener): unknown;
  off(event: string, listener: Listener): unknown;
}

/** Resolves with the next `event` emitted by `source`, or rejects after `ms`. */
export function nextEvent<T = unknown>(source: object, event: string, ms = 5000): Promise<T> {
  const target = source as Emitterish;
  return new Promise<T>((resolve, reject) => {
    const listener = (value: T) => {
      clearTimeout(timer);
      resolve(value);
    };
    const timer = setTimeout(() => {
      target.off(event, listener as never);
      reject(new Error(`timed out after ${ms} ms waiting for "${event}"`));
    }, ms);
    target.once(event, listener as never);
  });
}

export { until } from '../shared/until.test-support';

export interface TestServer {
  server: RealtimeServer;
  url: string;
  client(options?: Partial<ManagerOptions & SocketOptions>): TestClient;
  close(): Promise<void>;
}

/** A realtime server on a free loopback port with no MongoDB (tests feed its hub directly). */
export async function startTestServer(
  config: Partial<RealtimeServerConfig> = {},
): Promise<TestServer> {
  const server = createRealtimeServer({ logger: silentLogger, port: 0, ...config });
  const { url } = await server.start();
  const clients: TestClient[] = [];
  return {
    server,
    url,
    client(options = {}) {
      const socket: TestClient = connect(url, {
        transports: ['websocket'],
        reconnection: false,
        forceNew: true,
        ...options,
      });
      clients.push(socket);
      return socket;
    },
    async close() {
      for (const c of clients) c.disconnect();
      await server.stop();
    },
  };
}
