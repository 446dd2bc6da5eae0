import type { Logger } from '../shared/log';
import {
  MAX_TRANSCRIPT_SUBSCRIPTIONS,
  parseTranscriptSubscribe,
  parseTranscriptUnsubscribe,
  type TranscriptSubscribeAck,
} from '../shared/protocol/transcript';
import type { GatewayServer, GatewaySocket } from './gateway-types';
import type {
  TranscriptMessage,
  TranscriptRoom,
  TranscriptStore,
} from './transcripts/transcript-store';

/**
 * `subscribe:transcript` / `unsubscribe:transcript` (docs/protocol.md, "Transcripts"): a room
 * per open call, fed by one store listener; only the sockets that opened the call are in it.
 * A joining socket takes its catch-up (snapshot or replay) and joins in the same tick, so it
 * sees every later change once. Auth, origin, payload size and the rate limit are the
 * gateway's, applied to these events like to every other.
 */
export interface TranscriptGatewayOptions {
  io: GatewayServer;
  /** undefined: this server reads no transcripts (every subscribe is refused, clearly). */
  store: TranscriptStore | undefined;
  logger: Logger;
  /** Counts a refused request in the gateway's `badRequests`. */
  onBadRequest: () => void;
  /**
   * Whether this socket may open this call's transcript (its token's scopes): null if so,
   * else the refusal's message (the gateway has told the client and counted it).
   */
  allowed?: (socket: GatewaySocket, callSid: string) => string | null;
  /** A transcript was opened (for the audit log). */
  onOpened?: (socket: GatewaySocket, callSid: string) => void;
}

export interface TranscriptGateway {
  onConnection(socket: GatewaySocket): void;
  close(): void;
}

interface Room {
  ready: Promise<TranscriptRoom>;
  members: Set<string>;
}

export const transcriptRoom = (callSid: string) => `transcript:${callSid}`;

export function createTranscriptGateway(options: TranscriptGatewayOptions): TranscriptGateway {
  const { io, store, logger } = options;
  const rooms = new Map<string, Room>();

  const emitTo = (
    target: Pick<GatewaySocket, 'emit'> | Pick<ReturnType<GatewayServer['to']>, 'emit'>,
    message: TranscriptMessage,
  ) => {
    if (message.event === 'transcript_turns') target.emit(message.event, message.payload);
    else target.emit(message.event, message.payload);
  };

  /** A member's place in the call's room; the room's store listener opens with its first. */
  const enter = (callSid: string, socketId: string): Room => {
    let room = rooms.get(callSid);
    if (!room) {
      const name = transcriptRoom(callSid);
      const created: Room = {
        members: new Set(),
        ready: store!.openRoom(
          callSid,
          // `local`: this process's store, epoch and seqs; never another server's clients.
          (message) => emitTo(io.local.to(name), message),
          () => io.sockets.adapter.rooms.get(name)?.size ?? 0,
        ),
      };
      created.ready.catch(() => {
        if (rooms.get(callSid) === created) rooms.delete(callSid);
      });
      rooms.set(callSid, created);
      room = created;
    }
    room.members.add(socketId);
    return room;
  };

  const leave = (callSid: string, socketId: string) => {
    const room = rooms.get(callSid);
    if (!room?.members.delete(socketId) || room.members.size > 0) return;
    rooms.delete(callSid);
    room.ready.then((r) => r.close()).catch(() => {});
  };

  function onConnection(socket: GatewaySocket): void {
    /** The calls this socket opened (or is opening), each with its attempt's token. */
    const open = new Map<string, object>();

    const refuse = (
      message: string,
      reply: ((r: TranscriptSubscribeAck) => void) | undefined,
      event: string,
      type: 'bad_request' | 'transcript' = 'bad_request',
      callSid?: string,
    ) => {
      if (type === 'bad_request') options.onBadRequest();
      socket.emit('error', {
        type,
        message,
        details: { event, ...(callSid !== undefined ? { callSid } : {}) },
      });
      reply?.({ ok: false, ...(callSid !== undefined ? { callSid } : {}), error: message });
    };

    const close = (callSid: string) => {
      if (!open.delete(callSid)) return;
      void socket.leave(transcriptRoom(callSid));
      leave(callSid, socket.id);
    };

    const subscribe = async (args: unknown[]) => {
      const last = args.at(-1);
      const reply =
        typeof last === 'function'
          ? (args.pop() as (r: TranscriptSubscribeAck) => void)
          : undefined;
      const event = 'subscribe:transcript';
      const parsed =
        args.length > 1
          ? {
              ok: false as const,
              error: `${event} takes one options object, got ${args.length} arguments`,
            }
          : parseTranscriptSubscribe(args[0]);
      if (!parsed.ok) return refuse(parsed.error, reply, event);
      const { callSid, since } = parsed.value;
      const denied = options.allowed?.(socket, callSid) ?? null;
      if (denied !== null) {
        reply?.({ ok: false, callSid, error: denied });
        return;
      }
      if (!store) {
        return refuse(
          'this server serves no transcripts (it reads no MongoDB)',
          reply,
          event,
          'transcript',
          callSid,
        );
      }
      if (!open.has(callSid) && open.size >= MAX_TRANSCRIPT_SUBSCRIPTIONS) {
        return refuse(
          `at most ${MAX_TRANSCRIPT_SUBSCRIPTIONS} transcripts may be open at once on one connection: ` +
            'send unsubscribe:transcript for one first',
          reply,
          event,
          'bad_request',
          callSid,
        );
      }
      const attempt = {};
      const already = open.has(callSid);
      open.set(callSid, attempt);
      let room: TranscriptRoom;
      try {
        room = await (already ? rooms.get(callSid)! : enter(callSid, socket.id)).ready;
      } catch (error) {
        if (open.get(callSid) === attempt) {
          open.delete(callSid);
          leave(callSid, socket.id);
        }
        logger.warn('could not open a transcript', { callSid, error: (error as Error).message });
        return refuse((error as Error).message, reply, event, 'transcript', callSid);
      }
      if (open.get(callSid) !== attempt || !socket.connected) {
        const error = open.has(callSid)
          ? 'replaced by a later subscribe:transcript for the same call'
          : 'unsubscribed before the transcript was read';
        reply?.({ ok: false, callSid, error });
        return;
      }
      // Synchronous from here: the catch-up, then the room (memory adapter: join is sync).
      const first = room.catchUp(since);
      if (first.message) emitTo(socket, first.message);
      void socket.join(transcriptRoom(callSid));
      if (!already) options.onOpened?.(socket, callSid);
      reply?.({ ok: true, callSid, mode: first.mode, epoch: first.epoch, seq: first.seq });
    };

    const rawOn = socket.on.bind(socket) as (e: string, l: (...a: unknown[]) => void) => void;
    rawOn('subscribe:transcript', (...args) => void subscribe(args));
    rawOn('unsubscribe:transcript', (...args) => {
      const parsed =
        args.length > 1
          ? { ok: false as const, error: `unsubscribe:transcript takes one options object` }
          : parseTranscriptUnsubscribe(args[0]);
      if (!parsed.ok) return refuse(parsed.error, undefined, 'unsubscribe:transcript');
      close(parsed.value.callSid);
    });
    socket.on('disconnect', () => {
      for (const callSid of [...open.keys()]) close(callSid);
    });
  }

  return {
    onConnection,
    close() {
      for (const room of rooms.values()) room.ready.then((r) => r.close()).catch(() => {});
      rooms.clear();
    },
  };
}
