import { Server, type Socket as ServerSocket } from 'socket.io';
import { TranscriptServerModel } from '../../shared/feed/transcript-model.test-support';
import {
  parseTranscriptSubscribe,
  parseTranscriptUnsubscribe,
} from '../../shared/protocol/transcript';

/**
 * Test-only: a small server written with plain socket.io from the transcript contract
 * (src/shared/protocol/transcript.ts), as the server side behaves: a room per open call, a
 * snapshot or a replay `since` on subscribe, every change broadcast as a batch. Tests drive
 * its model and choose when a batch goes out or is lost. `onConnection` adds other behaviour
 * (the e2e suite serves seed-protocol calls next to it).
 */
export interface ContractServer {
  url: string;
  model: TranscriptServerModel;
  /** subscribe:transcript requests received, as parsed. */
  subscribes: { callSid: string; since?: { epoch: string; seq: number } }[];
  unsubscribes: string[];
  /** Broadcasts what changed since the last broadcast to the call's room. */
  broadcast(): void;
  /** Forgets to send what changed (a batch lost between server and client). */
  lose(): void;
  emitRaw(event: string, payload: unknown): void;
  sockets(): ServerSocket[];
  close(): Promise<void>;
}

export async function contractServer(
  callSid = 'CA-live-1',
  options: {
    onConnection?: (socket: ServerSocket) => void;
    /** Share a listening HTTP server (one that serves the dashboard) instead of a new one. */
    httpServer?: Exclude<Parameters<Server['attach']>[0], number>;
  } = {},
): Promise<ContractServer> {
  const io = options.httpServer
    ? new Server(options.httpServer, { serveClient: false })
    : new Server(0, { serveClient: false });
  if (options.onConnection) io.on('connection', options.onConnection);
  const model = new TranscriptServerModel(callSid);
  const subscribes: ContractServer['subscribes'] = [];
  const unsubscribes: string[] = [];
  let broadcastUpTo = 0;
  let broadcastEpoch = model.epoch;
  const room = (sid: string) => `transcript:${sid}`;
  io.on('connection', (socket) => {
    socket.on('subscribe:transcript', (options: unknown, ack?: (a: unknown) => void) => {
      const parsed = parseTranscriptSubscribe(options);
      if (!parsed.ok) return ack?.({ ok: false, error: parsed.error });
      subscribes.push(parsed.value);
      if (parsed.value.callSid !== model.callSid) {
        return ack?.({ ok: false, error: `no call ${parsed.value.callSid}` });
      }
      void socket.join(room(parsed.value.callSid));
      const answer = model.answer(parsed.value.since);
      ack?.({
        ok: true,
        callSid: model.callSid,
        mode: answer.type === 'snapshot' ? 'snapshot' : 'replay',
        epoch: model.epoch,
        seq: model.seq,
      });
      if (answer.type === 'snapshot') socket.emit('transcript_snapshot', answer.payload);
      else if (answer.payload) socket.emit('transcript_turns', answer.payload);
    });
    socket.on('unsubscribe:transcript', (options: unknown) => {
      const parsed = parseTranscriptUnsubscribe(options);
      if (!parsed.ok) return;
      unsubscribes.push(parsed.value.callSid);
      void socket.leave(room(parsed.value.callSid));
    });
  });
  const http = io.httpServer!;
  if (!http.listening) await new Promise((resolve) => http.once('listening', resolve));
  const { port } = http.address() as { port: number };
  const catchUp = () => {
    if (broadcastEpoch !== model.epoch) {
      broadcastEpoch = model.epoch;
      broadcastUpTo = 0;
    }
  };
  return {
    url: `http://127.0.0.1:${port}`,
    model,
    subscribes,
    unsubscribes,
    broadcast() {
      catchUp();
      const batch = model.turnsSince(broadcastUpTo);
      broadcastUpTo = model.seq;
      if (batch) io.to(room(model.callSid)).emit('transcript_turns', batch);
    },
    lose() {
      catchUp();
      broadcastUpTo = model.seq;
    },
    emitRaw(event, payload) {
      io.to(room(model.callSid)).emit(event as 'transcript_turns', payload as never);
    },
    sockets: () => [...io.sockets.sockets.values()],
    close: () => new Promise<void>((resolve) => void io.close(() => resolve())),
  };
}
