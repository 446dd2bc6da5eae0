import { Server, type Socket as ServerSocket } from 'socket.io';
import type { Call } from '../../shared/domain/schemas';
import type { RecentRemovalReason, SinceCursor } from '../../shared/protocol/events';
import { parseSubscribeOptions } from '../../shared/protocol/schemas';

/**
 * Test-only: a small server written with plain socket.io from the `recent` contract
 * (docs/protocol.md, "Recent calls"; src/shared/protocol/events.ts), as the server side
 * behaves: on `subscribe:recent` with `{ v: 2, since? }` an ack, then a replay of the batches
 * after `since` when it still holds them (same epoch), else a `recent_calls` snapshot; each
 * change goes out as a `recent_calls_batch_update`. Tests choose when a batch goes out, is
 * lost, or the epoch changes. `answer: false` makes a seed server: it never answers.
 */
type Change = { doc: Call } | { callSid: string; reason: RecentRemovalReason };
interface Batch {
  fromSeq: number;
  seq: number;
  changes: Change[];
}

export interface RecentContractServer {
  url: string;
  /** The window as the server holds it. */
  window: Map<string, Call>;
  epoch: string;
  seq: number;
  subscribes: { since?: SinceCursor }[];
  /** An ended call, or a later version of one (its analysis), queued for the next batch. */
  put(call: Call): void;
  remove(callSid: string, reason: RecentRemovalReason): void;
  /** Sends what was queued as one batch to every subscriber. */
  broadcast(): void;
  /** Numbers what was queued as a batch but never sends it (lost between server and client). */
  lose(): void;
  /** The server restarted: a new epoch, its replay ring is gone. */
  newEpoch(): void;
  emitRaw(event: string, payload: unknown): void;
  sockets(): ServerSocket[];
  close(): Promise<void>;
}

const timestamp = () => new Date().toISOString();

export async function recentContractServer(
  options: {
    answer?: boolean;
    onConnection?: (socket: ServerSocket) => void;
    /** Share a listening HTTP server (one that serves the dashboard) instead of a new one. */
    httpServer?: Exclude<Parameters<Server['attach']>[0], number>;
  } = {},
): Promise<RecentContractServer> {
  const io = options.httpServer
    ? new Server(options.httpServer, { serveClient: false })
    : new Server(0, { serveClient: false });
  if (options.onConnection) io.on('connection', options.onConnection);
  const room = 'recent';
  let queued: Change[] = [];
  let ring: Batch[] = [];
  const server: RecentContractServer = {
    url: '',
    window: new Map(),
    epoch: 'epoch-1',
    seq: 0,
    subscribes: [],
    put(call) {
      server.window.set(call.callSid, call);
      queued.push({ doc: call });
    },
    remove(callSid, reason) {
      server.window.delete(callSid);
      queued.push({ callSid, reason });
    },
    broadcast() {
      const batch = numbered();
      if (batch) io.to(room).emit('recent_calls_batch_update', payloadOf(batch));
    },
    lose() {
      numbered();
    },
    newEpoch() {
      server.epoch = `epoch-${Number(server.epoch.split('-')[1]) + 1}`;
      server.seq = 0;
      ring = [];
    },
    emitRaw(event, payload) {
      io.to(room).emit(event as 'recent_calls', payload as never);
    },
    sockets: () => [...io.sockets.sockets.values()],
    close: () => new Promise<void>((resolve) => void io.close(() => resolve())),
  };
  const numbered = (): Batch | null => {
    if (queued.length === 0) return null;
    const batch = { fromSeq: server.seq + 1, seq: server.seq + queued.length, changes: queued };
    server.seq = batch.seq;
    queued = [];
    ring.push(batch);
    return batch;
  };
  const payloadOf = (batch: Batch) => ({
    v: 2 as const,
    epoch: server.epoch,
    fromSeq: batch.fromSeq,
    seq: batch.seq,
    calls: batch.changes.flatMap((c) => ('doc' in c ? [c.doc] : [])),
    removed: batch.changes.flatMap((c) => ('doc' in c ? [] : [c])),
    timestamp: timestamp(),
  });
  io.on('connection', (socket) => {
    socket.on('subscribe:recent', (raw: unknown, ack?: (a: unknown) => void) => {
      if (options.answer === false) return;
      const parsed = parseSubscribeOptions(raw);
      if (!parsed.ok || parsed.value === undefined) {
        return ack?.({ ok: false, error: parsed.ok ? 'recent is v2 only' : parsed.error });
      }
      const since = parsed.value.since;
      server.subscribes.push(since ? { since } : {});
      void socket.join(room);
      const first = ring[0];
      const replayable =
        since &&
        since.epoch === server.epoch &&
        since.seq <= server.seq &&
        (since.seq === server.seq || (first !== undefined && first.fromSeq <= since.seq + 1));
      ack?.({
        ok: true,
        mode: replayable ? 'replay' : 'snapshot',
        epoch: server.epoch,
        seq: server.seq,
      });
      if (replayable) {
        for (const batch of ring) {
          if (batch.seq > since.seq) socket.emit('recent_calls_batch_update', payloadOf(batch));
        }
        return;
      }
      const calls = [...server.window.values()];
      socket.emit('recent_calls', {
        v: 2,
        epoch: server.epoch,
        seq: server.seq,
        calls,
        count: calls.length,
        timestamp: timestamp(),
      });
    });
    socket.on('unsubscribe:recent', () => void socket.leave(room));
  });
  const http = io.httpServer!;
  if (!http.listening) await new Promise((resolve) => http.once('listening', resolve));
  server.url = `http://127.0.0.1:${(http.address() as { port: number }).port}`;
  return server;
}
