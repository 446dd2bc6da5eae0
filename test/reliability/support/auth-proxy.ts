/**
 * A MongoDB wire proxy that accepts PLAIN authentication itself (the emulator has none) and
 * forwards everything else: lets a test run the real driver with a real password in its URI
 * against the emulator. It records the credentials it saw, so the test knows the password
 * really went through the driver. OP_MSG only (what drivers speak), no compression.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { BSON } from 'mongodb';

const OP_MSG = 2013;

export interface AuthProxy {
  port: number;
  /** `user:password` pairs the driver authenticated with. */
  credentials(): string[];
  /** Drops every connection (the server sees MongoDB vanish) and accepts again after. */
  dropConnections(): void;
  close(): Promise<void>;
}

function reply(requestId: number, doc: Record<string, unknown>): Buffer {
  const body = Buffer.from(BSON.serialize(doc));
  const header = Buffer.alloc(21);
  header.writeInt32LE(21 + body.length, 0);
  header.writeInt32LE(0x7a11, 4);
  header.writeInt32LE(requestId, 8);
  header.writeInt32LE(OP_MSG, 12);
  header.writeUInt32LE(0, 16);
  header.writeUInt8(0, 20);
  return Buffer.concat([header.subarray(0, 21), body]);
}

export async function startAuthProxy(target: { host: string; port: number }): Promise<AuthProxy> {
  const seen: string[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(target.port, target.host);
    sockets.add(client).add(upstream);
    const end = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
    upstream.pipe(client);
    let pending = Buffer.alloc(0);
    client.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 4) {
        const length = pending.readInt32LE(0);
        if (pending.length < length) break;
        const message = pending.subarray(0, length);
        pending = pending.subarray(length);
        const requestId = message.readInt32LE(4);
        if (message.readInt32LE(12) === OP_MSG && message.readUInt8(20) === 0) {
          const docLength = message.readInt32LE(21);
          const doc = BSON.deserialize(message.subarray(21, 21 + docLength));
          if ('saslStart' in doc || 'saslContinue' in doc) {
            const payload = Buffer.from((doc.payload as { buffer: Uint8Array }).buffer ?? []);
            const [, user, password] = payload.toString('utf8').split('\u0000');
            if (user !== undefined) seen.push(`${user}:${password}`);
            client.write(
              reply(requestId, {
                conversationId: 1,
                done: true,
                payload: new BSON.Binary(Buffer.alloc(0)),
                ok: 1,
              }),
            );
            continue;
          }
        }
        upstream.write(message);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    port: (server.address() as AddressInfo).port,
    credentials: () => [...seen],
    dropConnections() {
      for (const s of [...sockets]) s.destroy();
    },
    close() {
      for (const s of [...sockets]) s.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
