import type { Socket } from 'socket.io-client';
import { describeZodError } from '../../shared/domain/schemas';
import type { TranscriptCursor } from '../../shared/feed/transcript-state';
import type { Logger } from '../../shared/log';
import { hasScope, type GrantedScopes } from '../../shared/privacy/granted';
import type { ClientToServerEvents, ServerToClientEvents } from '../../shared/protocol/events';
import {
  CALL_KEY_PATTERN,
  MAX_TRANSCRIPT_SUBSCRIPTIONS,
  transcriptSnapshotPayloadSchema,
  transcriptTurnsPayloadSchema,
  type TranscriptSnapshotPayload,
  type TranscriptSubscribeAck,
  type TranscriptSubscribeOptions,
  type TranscriptTurnsPayload,
} from '../../shared/protocol/transcript';
import {
  TRANSCRIPTS_FORBIDDEN,
  TRANSCRIPTS_UNAVAILABLE,
  type TranscriptPort,
  type TranscriptPortEvent,
} from './transcript-port';

type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/**
 * Transcripts over the remote feed's socket (docs/protocol.md, "Transcripts"). The feed owns
 * the socket and its reconnects and tells this channel about them; the channel sends
 * `subscribe:transcript` (with `since` when asked) and routes `transcript_snapshot` and
 * `transcript_turns` to the subscription of their call, after checking them with the
 * contract's schemas: a malformed payload is dropped and reported, never applied. A server
 * that does not ack (seed protocol) or refuses says so through an `error` event. A token
 * whose scopes (the feed's last subscribe ack) leave out `transcripts` never sends
 * `subscribe:transcript` (the server would refuse it and audit the refusal); a refusal the
 * server words as `forbidden` is told as such, so the screen says why rather than retrying.
 */
export interface RemoteTranscripts {
  readonly port: TranscriptPort;
  /** The feed made a socket: listen on it. */
  attach(socket: ClientSocket): void;
  /** The socket connected (again): pending subscriptions go out, live ones are told. */
  connected(): void;
  disconnected(reason: string): void;
  /** The feed stopped: every subscription ends. */
  close(): void;
}

interface Subscription {
  callSid: string;
  since: TranscriptCursor | undefined;
  listener: (event: TranscriptPortEvent) => void;
  /** Sent on the current connection. */
  sent: boolean;
  /** The server's `forbidden` error event came for this request (before or after its ack). */
  forbidden: boolean;
}

export function createRemoteTranscripts(options: {
  logger: Logger;
  ackTimeoutMs: number;
  /** Reports bad input that belongs to no subscription (the feed's onProblem). */
  problem(text: string): void;
  /** The token's scopes as the server last said (undefined: not said, every scope). */
  scopes(): GrantedScopes;
}): RemoteTranscripts {
  const log = options.logger.child('transcripts');
  const subscriptions = new Map<string, Subscription>();
  let socket: ClientSocket | null = null;
  let closed = false;

  const tell = (sub: Subscription, event: TranscriptPortEvent) => {
    if (subscriptions.get(sub.callSid) !== sub) return;
    try {
      sub.listener(event);
    } catch (error) {
      log.error('a transcript listener threw', { error });
    }
  };

  const send = (sub: Subscription) => {
    const s = socket;
    if (!s?.connected) return;
    sub.sent = true;
    sub.forbidden = false;
    const request: TranscriptSubscribeOptions = {
      v: 2,
      callSid: sub.callSid,
      ...(sub.since ? { since: sub.since } : {}),
    };
    s.timeout(options.ackTimeoutMs)
      .emitWithAck('subscribe:transcript', request)
      .then(
        (ack: TranscriptSubscribeAck) => {
          if (s !== socket) return;
          if (ack?.ok === true) {
            tell(sub, { type: 'subscribed' });
            return;
          }
          const reason =
            typeof ack?.error === 'string' ? ack.error.slice(0, 300) : 'no reason given';
          const message = `the server refused the transcript: ${reason}`;
          // The scopes may have been learnt (or changed) after this request went out.
          const forbidden = sub.forbidden || !hasScope(options.scopes(), 'transcripts');
          tell(sub, forbidden ? { type: 'error', message, forbidden } : { type: 'error', message });
        },
        () => {
          // No ack: a seed-protocol server, or one without transcripts.
          if (s === socket && s.connected) {
            tell(sub, {
              type: 'error',
              message: `${TRANSCRIPTS_UNAVAILABLE} (no answer to subscribe:transcript)`,
            });
          }
        },
      );
  };

  const inbound = (event: 'transcript_snapshot' | 'transcript_turns', payload: unknown) => {
    const schema =
      event === 'transcript_snapshot'
        ? transcriptSnapshotPayloadSchema
        : transcriptTurnsPayloadSchema;
    const parsed = schema.safeParse(payload);
    const claimed = (payload as { callSid?: unknown } | null)?.callSid;
    const sub = typeof claimed === 'string' ? subscriptions.get(claimed) : undefined;
    if (!parsed.success) {
      const message = describeZodError(`invalid ${event} from the server`, parsed.error);
      log.warn('dropped a bad transcript payload', { event, error: message });
      if (sub) tell(sub, { type: 'problem', message });
      else options.problem(message);
      return;
    }
    if (!sub) return; // a call closed a moment ago
    if (event === 'transcript_snapshot') {
      tell(sub, { type: 'snapshot', payload: parsed.data as TranscriptSnapshotPayload });
    } else {
      tell(sub, { type: 'turns', payload: parsed.data as TranscriptTurnsPayload });
    }
  };

  /**
   * The server's `error` event for a refused request (`{ type: 'forbidden', details: { event,
   * scope } }`) names no call: a token without `transcripts` is refused every call, so every
   * subscription sent is told (its ack may come before or after this event).
   */
  const onServerError = (payload: unknown) => {
    const p = payload as { type?: unknown; message?: unknown; details?: unknown } | null;
    if (p?.type !== 'forbidden') return;
    const details = p.details as { event?: unknown; scope?: unknown } | null | undefined;
    if (details?.event !== 'subscribe:transcript' && details?.scope !== 'transcripts') return;
    const reason = typeof p.message === 'string' ? p.message.slice(0, 300) : TRANSCRIPTS_FORBIDDEN;
    for (const sub of [...subscriptions.values()]) {
      if (sub.sent) {
        sub.forbidden = true;
        tell(sub, {
          type: 'error',
          message: `the server refused the transcript: ${reason}`,
          forbidden: true,
        });
      }
    }
  };

  const port: TranscriptPort = {
    subscribe(callSid, since, listener) {
      const reject = (message: string) => {
        queueMicrotask(() => listener({ type: 'error', message }));
        return () => {};
      };
      if (closed) return reject('the connection is closed');
      if (!CALL_KEY_PATTERN.test(callSid))
        return reject(`not a call key: ${JSON.stringify(callSid.slice(0, 140))}`);
      if (!hasScope(options.scopes(), 'transcripts')) {
        queueMicrotask(() =>
          listener({ type: 'error', message: TRANSCRIPTS_FORBIDDEN, forbidden: true }),
        );
        return () => {};
      }
      if (!subscriptions.has(callSid) && subscriptions.size >= MAX_TRANSCRIPT_SUBSCRIPTIONS) {
        return reject(`at most ${MAX_TRANSCRIPT_SUBSCRIPTIONS} transcripts can be open at once`);
      }
      // One subscription per call: a second one for the same call replaces the first.
      const sub: Subscription = { callSid, since, listener, sent: false, forbidden: false };
      subscriptions.set(callSid, sub);
      send(sub);
      return () => {
        if (subscriptions.get(callSid) !== sub) return;
        subscriptions.delete(callSid);
        if (sub.sent && socket?.connected) socket.emit('unsubscribe:transcript', { v: 2, callSid });
      };
    },
  };

  return {
    port,
    attach(s) {
      socket = s;
      s.on('transcript_snapshot', (payload: unknown) => inbound('transcript_snapshot', payload));
      s.on('transcript_turns', (payload: unknown) => inbound('transcript_turns', payload));
      s.on('error', onServerError);
    },
    connected() {
      for (const sub of [...subscriptions.values()]) {
        if (sub.sent) {
          sub.sent = false;
          tell(sub, { type: 'reconnected' });
        } else {
          send(sub);
        }
      }
    },
    disconnected(reason) {
      for (const sub of [...subscriptions.values()]) {
        if (sub.sent) tell(sub, { type: 'disconnected', reason });
      }
    },
    close() {
      closed = true;
      subscriptions.clear();
      socket = null;
    },
  };
}
