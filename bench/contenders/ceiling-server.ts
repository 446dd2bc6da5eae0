import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MongoClient, type ChangeStream, type Document } from 'mongodb';
import { WebSocketServer, type WebSocket } from 'ws';
import {
  ACTIVE_CALL_STATUSES,
  changeStreamOpened,
  type BenchServer,
  type ServerConfig,
} from './types';

/**
 * The transport's limit: the same change streams and the same payloads as the baseline, but
 * each event is serialised once and written to every client's raw `ws` socket. No rooms, no
 * Socket.IO framing, no campaign lookups, no acks.
 */
export async function startCeilingServer(config: ServerConfig): Promise<BenchServer> {
  const mongo = await MongoClient.connect(config.mongoUri);
  const db = mongo.db(config.dbName);
  const calls = db.collection('calls');
  const campaigns = db.collection('campaigns');
  const http = createServer();
  const wss = new WebSocketServer({ server: http });
  const clients = new Set<WebSocket>();

  wss.on('connection', (ws) => {
    clients.add(ws);
    ws.on('close', () => clients.delete(ws));
    ws.on('error', () => clients.delete(ws));
    void (async () => {
      const [callList, campaignList] = await Promise.all([
        calls.find({ status: { $in: ACTIVE_CALL_STATUSES } }).toArray(),
        campaigns.find({}).toArray(),
      ]);
      ws.send(JSON.stringify({ type: 'snapshot', calls: callList, campaigns: campaignList }));
    })();
  });

  const broadcast = (message: string) => {
    for (const ws of clients) ws.send(message);
  };
  const streams: ChangeStream[] = [
    calls.watch([], { fullDocument: 'updateLookup' }),
    campaigns.watch([], { fullDocument: 'updateLookup' }),
  ];
  const [callStream, campaignStream] = streams as [ChangeStream, ChangeStream];
  callStream.on('change', (change: Document) => {
    if (change.fullDocument) {
      broadcast(
        JSON.stringify({
          type: 'call',
          call: change.fullDocument,
          timestamp: new Date().toISOString(),
        }),
      );
    }
  });
  campaignStream.on('change', (change: Document) => {
    if (change.fullDocument) {
      broadcast(
        JSON.stringify({
          type: 'campaign',
          campaign: change.fullDocument,
          timestamp: new Date().toISOString(),
        }),
      );
    }
  });
  for (const stream of streams) stream.on('error', () => undefined);
  await Promise.all(streams.map((s) => changeStreamOpened(s)));

  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  return {
    url: `ws://127.0.0.1:${port}`,
    counts: () => ({
      connections: clients.size,
      changeStreams: streams.filter((s) => !s.closed).length,
    }),
    async close() {
      await Promise.all(streams.map((s) => s.close().catch(() => undefined)));
      for (const ws of clients) ws.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await new Promise<void>((resolve) => http.close(() => resolve()));
      await mongo.close();
    },
  };
}
