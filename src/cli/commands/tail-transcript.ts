import { io as connect, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '../../shared/protocol/events';
import {
  transcriptSnapshotPayloadSchema,
  transcriptTurnsPayloadSchema,
  type TranscriptRole,
  type TranscriptSubscribeAck,
  type TranscriptTurn,
} from '../../shared/protocol/transcript';
import { formatClock, formatTime } from '../../shared/time-format';
import type { CliIo } from '../command';

/**
 * `callboard tail --transcript CALLSID`: one call's turns, live (docs/protocol.md,
 * "Transcripts"). Prints the turns so far, then each new turn, correction and removal. After
 * a reconnect it asks `since` what it holds, so nothing is printed twice or missed; a gap or
 * a new epoch brings a fresh snapshot, printed whole.
 */

const ROLE_LABEL: Record<TranscriptRole, string> = {
  agent: 'Agent',
  caller: 'Caller',
  other: 'Other',
};

/** One turn, for people: "  0:42  Caller  Yes, go ahead.  [tool: lookup_order]". */
export function formatTurn(turn: TranscriptTurn, corrected = false): string {
  const at = turn.timeInCallSecs !== undefined ? formatClock(turn.timeInCallSecs) : '-';
  const chips = (turn.actions ?? []).map(
    (a) => `[${a.kind === 'transfer' ? 'transfer' : 'tool'}: ${a.label}]`,
  );
  const parts = [
    at.padStart(7),
    ROLE_LABEL[turn.role].padEnd(6),
    `${corrected ? '(corrected) ' : ''}${turn.message}`,
    ...chips,
  ];
  return parts.join('  ').trimEnd();
}

export interface TranscriptTailOptions {
  url: string;
  token?: string;
  callSid: string;
  json: boolean;
  io: CliIo;
  verbose: boolean;
}

type TailSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export async function tailTranscript(o: TranscriptTailOptions): Promise<number> {
  const { io } = o;
  const out = (line: string) => io.stdout(`${line}\n`);
  const now = () => formatTime(Date.now());
  let held: { epoch: string; seq: number; ids: Set<string> } | null = null;
  const socket: TailSocket = connect(o.url, {
    transports: ['websocket'],
    reconnectionDelayMax: 10_000,
    ...(o.token !== undefined ? { auth: { token: o.token } } : {}),
  });

  let offStop = () => {};
  const exitCode = await new Promise<number>((resolve) => {
    let live = false;
    const subscribe = () => {
      socket.emit(
        'subscribe:transcript',
        {
          v: 2,
          callSid: o.callSid,
          ...(held ? { since: { epoch: held.epoch, seq: held.seq } } : {}),
        },
        (ack: TranscriptSubscribeAck) => {
          if (ack.ok) {
            live = true;
            return;
          }
          io.stderr(
            `callboard tail: the server refused the transcript: ${ack.error ?? 'no reason given'}\n`,
          );
          resolve(1);
        },
      );
    };
    socket.on('connect', subscribe);
    socket.on('connect_error', (error: Error & { data?: { message?: string } }) => {
      const reason = error.data?.message ?? error.message;
      if (!live) {
        io.stderr(`callboard tail: cannot connect to ${o.url}: ${reason}\n`);
        resolve(1);
      } else if (o.verbose) {
        io.stderr(`callboard tail: ${reason}; retrying\n`);
      }
    });
    socket.on('disconnect', (reason) => {
      // `io client disconnect`: we are stopping, nothing to say.
      if (live && reason !== 'io client disconnect') {
        io.stderr(`callboard tail: disconnected (${reason}); reconnecting\n`);
      }
    });
    /** The payload if it is a valid one for this call; else says so and gives null. */
    const valid = <T extends { callSid: string }>(
      event: string,
      schema: { safeParse(x: unknown): { success: true; data: T } | { success: false } },
      payload: unknown,
    ): T | null => {
      const p = schema.safeParse(payload);
      if (p.success && p.data.callSid === o.callSid) return p.data;
      io.stderr(`callboard tail: bad data from the server: ${event}\n`);
      return null;
    };
    socket.on('transcript_snapshot', (payload) => {
      const s = valid('transcript_snapshot', transcriptSnapshotPayloadSchema, payload);
      if (!s) return;
      held = { epoch: s.epoch, seq: s.seq, ids: new Set(s.turns.map((t) => t.id)) };
      if (o.json) return out(JSON.stringify({ type: 'snapshot', ...s }));
      const left = s.truncated ? `, ${s.truncated} older left out` : '';
      out(
        `${now()} transcript ${s.callSid}: ${s.turns.length} turns (${s.source}${left}; epoch ${s.epoch}, seq ${s.seq})`,
      );
      for (const turn of s.turns) out(formatTurn(turn as TranscriptTurn));
    });
    socket.on('transcript_turns', (payload) => {
      const t = valid('transcript_turns', transcriptTurnsPayloadSchema, payload);
      if (!t) return;
      if (!held || held.epoch !== t.epoch || t.fromSeq !== held.seq + 1) {
        // Missed something: a fresh snapshot replaces what was printed.
        io.stderr('callboard tail: transcript out of step; asking for a fresh snapshot\n');
        held = null;
        return subscribe();
      }
      held.seq = t.seq;
      for (const id of t.removed ?? []) {
        held.ids.delete(id);
        out(
          o.json
            ? JSON.stringify({ type: 'removed', callSid: t.callSid, id })
            : `${now()} turn ${id} removed`,
        );
      }
      for (const raw of t.turns) {
        const turn = raw as TranscriptTurn;
        const corrected = held.ids.has(turn.id);
        held.ids.add(turn.id);
        out(
          o.json
            ? JSON.stringify({ type: corrected ? 'corrected' : 'turn', callSid: t.callSid, turn })
            : formatTurn(turn, corrected),
        );
      }
    });
    socket.on('error', (payload) => {
      io.stderr(`callboard tail: server error (${payload.type}): ${payload.message}\n`);
    });
    offStop = io.onStopSignal(() => resolve(0));
  });
  offStop();
  socket.disconnect();
  return exitCode;
}
