import {
  createRealtimeServer,
  Watcher,
  type Hub,
  type JsonDocument,
  type RealtimeServer,
} from '../../src/server';
import { silentLogger } from '../../src/shared/log';
import { generateTrace, type TraceOptions } from '../lib/trace';
import { playSchedule, type PlayResult } from '../lib/writer';
import type { BenchServer, ServerConfig } from './types';

function counts(server: RealtimeServer): { connections: number; changeStreams: number } {
  const health = server.health();
  const streams = health.mongo
    ? Object.values(health.mongo.streams).filter((s) => s === 'open').length
    : 0;
  return { connections: health.clients, changeStreams: streams };
}

/** The real server: Watcher (change streams) -> Hub -> Socket.IO gateway, default options. */
export async function startCallboardServer(config: ServerConfig): Promise<BenchServer> {
  const server = createRealtimeServer({
    logger: silentLogger,
    port: 0,
    source: (hub) =>
      new Watcher({ hub, uri: config.mongoUri, dbName: config.dbName, logger: silentLogger }),
  });
  const { url } = await server.start();
  return { url, counts: () => counts(server), close: () => server.stop() };
}

/**
 * Callboard's own limit, without MongoDB: the real Hub and Socket.IO gateway, fed the same
 * trace in-process (each op becomes the key's full document, as the Watcher would hand it
 * over). `play` runs the schedule inside this process, so send times are stamped here.
 */
export async function startHubDirectServer(
  config: ServerConfig & { trace?: TraceOptions },
): Promise<BenchServer> {
  if (!config.trace) throw new Error('hub-direct needs the trace options');
  const trace = generateTrace(config.trace);
  const server = createRealtimeServer({ logger: silentLogger, port: 0 });
  const hub: Hub = server.hub;
  const docs = new Map<string, JsonDocument>();
  for (const doc of trace.initialCalls) docs.set(doc.callSid as string, doc as JsonDocument);
  for (const doc of trace.initialCampaigns) docs.set(doc.campaignId as string, doc as JsonDocument);
  hub.load('calls', trace.initialCalls as JsonDocument[]);
  hub.load('campaigns', trace.initialCampaigns as JsonDocument[]);
  const { url } = await server.start();
  return {
    url,
    counts: () => counts(server),
    close: () => server.stop(),
    play: (rate: number): Promise<PlayResult> =>
      playSchedule(trace.ops, { rate }, async (batch, stamp) => {
        const calls: { doc: JsonDocument }[] = [];
        const campaigns: { doc: JsonDocument }[] = [];
        for (const op of batch) {
          const doc = {
            ...(docs.get(op.key) ?? {}),
            ...op.fields,
            benchWrittenAt: stamp,
          } as JsonDocument;
          docs.set(op.key, doc);
          (op.collection === 'calls' ? calls : campaigns).push({ doc });
        }
        if (calls.length > 0) hub.ingest('calls', calls);
        if (campaigns.length > 0) hub.ingest('campaigns', campaigns);
        // Let the hub's flush timer and the sockets run between batches.
        await new Promise((resolve) => setImmediate(resolve));
      }),
  };
}
