import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MongoClient, type ChangeStream, type Document } from 'mongodb';
import { Server } from 'socket.io';
import {
  ACTIVE_CALL_STATUSES,
  changeStreamOpened,
  type BenchServer,
  type ServerConfig,
} from './types';

/**
 * The design most teams write first (the seed backend's shape), kept deliberately ordinary:
 * a change stream per collection with `fullDocument: 'updateLookup'`, one `call_update` per
 * change event to the whole room, and a `findOne` of the call's campaign on every status
 * change, emitted as a `campaign_update`. No batching, no coalescing, no sequence numbers.
 */
export async function startBaselineServer(config: ServerConfig): Promise<BenchServer> {
  const mongo = await MongoClient.connect(config.mongoUri);
  const db = mongo.db(config.dbName);
  const calls = db.collection('calls');
  const campaigns = db.collection('campaigns');
  const http = createServer();
  const io = new Server(http, { cors: { origin: '*' } });

  const sendActiveCalls = async (socket: { emit: (e: string, p: unknown) => void }) => {
    const list = await calls.find({ status: { $in: ACTIVE_CALL_STATUSES } }).toArray();
    socket.emit('active_calls', {
      calls: list,
      count: list.length,
      timestamp: new Date().toISOString(),
    });
  };
  const sendActiveCampaigns = async (socket: { emit: (e: string, p: unknown) => void }) => {
    const list = await campaigns.find({}).toArray();
    socket.emit('active_campaigns', {
      campaigns: list,
      count: list.length,
      timestamp: new Date().toISOString(),
    });
  };
  io.on('connection', (socket) => {
    socket.on('subscribe:calls', async () => {
      await socket.join('calls_room');
      await sendActiveCalls(socket);
    });
    socket.on('subscribe:campaigns', async () => {
      await socket.join('campaigns_room');
      await sendActiveCampaigns(socket);
    });
  });

  const streams: ChangeStream[] = [];
  const callStream = calls.watch([], { fullDocument: 'updateLookup' });
  callStream.on('change', async (change: Document) => {
    const call = change.fullDocument as Document | undefined;
    if (!call) return;
    io.to('calls_room').emit('call_update', { call, timestamp: new Date().toISOString() });
    const statusChanged =
      change.operationType === 'insert' ||
      change.updateDescription?.updatedFields?.status !== undefined;
    if (statusChanged && call.campaignId) {
      // The usual code awaits here with no error handling; the catch only keeps a lookup that
      // was in flight at shutdown from crashing the benchmark's server process.
      const campaign = await campaigns.findOne({ campaignId: call.campaignId }).catch(() => null);
      if (campaign) {
        io.to('campaigns_room').emit('campaign_update', {
          campaign,
          timestamp: new Date().toISOString(),
        });
      }
    }
  });
  const campaignStream = campaigns.watch([], { fullDocument: 'updateLookup' });
  campaignStream.on('change', (change: Document) => {
    const campaign = change.fullDocument as Document | undefined;
    if (!campaign) return;
    io.to('campaigns_room').emit('campaign_update', {
      campaign,
      timestamp: new Date().toISOString(),
    });
  });
  streams.push(callStream, campaignStream);
  for (const stream of streams) stream.on('error', () => undefined);
  await Promise.all(streams.map((s) => changeStreamOpened(s)));

  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    counts: () => ({
      connections: io.engine.clientsCount,
      changeStreams: streams.filter((s) => !s.closed).length,
    }),
    async close() {
      await Promise.all(streams.map((s) => s.close().catch(() => undefined)));
      await new Promise<void>((resolve) => io.close(() => resolve()));
      await mongo.close();
    },
  };
}
