import { z } from 'zod';
import { describeZodError, type ParseResult } from '../domain/schemas';

/**
 * v2 live transcripts (docs/protocol.md, "Transcripts"): a client opens one call's transcript
 * with `subscribe:transcript`, gets the turns so far, then new turns and corrections, until
 * `unsubscribe:transcript`. Only the sockets that opened a call receive its turns. List
 * streams never carry transcripts. Seed clients never see any of this.
 */

/** Who spoke. ElevenLabs says `agent` / `user`; the screen says "Agent" / "Caller". */
export type TranscriptRole = 'agent' | 'caller' | 'other';

/** Something the agent did during a turn, shown as a labelled chip. */
export interface TranscriptAction {
  kind: 'tool_call' | 'transfer';
  /** The tool's name, or the transfer's target as the integration wrote it. */
  label: string;
}

export interface TranscriptTurn {
  /** Stable per call: the turn document's `_id` as text, or `post-call:<index>`. */
  id: string;
  /** The call's transcript sequence at this turn's last change (added or corrected). */
  seq: number;
  role: TranscriptRole;
  message: string;
  /** Seconds since the call started, when the integration says. */
  timeInCallSecs?: number;
  /** ISO 8601, when the integration says. */
  createdAt?: string;
  actions?: TranscriptAction[];
}

/** Where the turns came from: live turn documents, or the call's post-call `transcript[]`. */
export type TranscriptSource = 'live' | 'post-call' | 'none';

/** Sent with `subscribe:transcript`. */
export interface TranscriptSubscribeOptions {
  v: 2;
  callSid: string;
  /** Resume: send only what changed after this point if the server can, else a snapshot. */
  since?: { epoch: string; seq: number };
}

export interface TranscriptSubscribeAck {
  ok: boolean;
  callSid?: string;
  mode?: 'replay' | 'snapshot';
  epoch?: string;
  seq?: number;
  error?: string;
}

/** Every turn held for the call, replacing what the client had. */
export interface TranscriptSnapshotPayload {
  v: 2;
  callSid: string;
  /** One continuous history of this call's transcript on this server; a new one restarts seq. */
  epoch: string;
  seq: number;
  source: TranscriptSource;
  turns: TranscriptTurn[];
  /** Turns the server left out at the start (it holds at most a capped number per call). */
  truncated?: number;
  timestamp: string;
}

/** New turns and corrections (a turn whose id the client holds replaces it), and removals. */
export interface TranscriptTurnsPayload {
  v: 2;
  callSid: string;
  epoch: string;
  /** The range this message covers: a client holding seq `fromSeq - 1` applies it, else resubscribes. */
  fromSeq: number;
  seq: number;
  turns: TranscriptTurn[];
  removed?: string[];
  timestamp: string;
}

/** Server -> client events of this feature (merged into ServerToClientEvents). */
export interface TranscriptServerEvents {
  transcript_snapshot: (payload: TranscriptSnapshotPayload) => void;
  transcript_turns: (payload: TranscriptTurnsPayload) => void;
}

/** Client -> server events of this feature (merged into ClientToServerEvents). */
export interface TranscriptClientEvents {
  'subscribe:transcript': (
    options?: unknown,
    ack?: (result: TranscriptSubscribeAck) => void,
  ) => void;
  'unsubscribe:transcript': (options?: unknown) => void;
}

/** Transcripts one socket may hold open at once (a supervisor opens one or two calls). */
export const MAX_TRANSCRIPT_SUBSCRIPTIONS = 4;

/** A call key: Twilio's `CA…` sid or an ElevenLabs conversation id; nothing else gets through. */
export const CALL_KEY_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

const callKey = z.string().regex(CALL_KEY_PATTERN, {
  error: 'callSid must be 1-128 letters, digits, ".", "_", ":" or "-"',
});

export const transcriptSubscribeSchema = z.strictObject({
  v: z.literal(2, { error: 'v must be 2' }),
  callSid: callKey,
  since: z
    .strictObject({ epoch: z.string().min(1).max(128), seq: z.number().int().nonnegative() })
    .optional(),
});

export const transcriptUnsubscribeSchema = z.strictObject({ v: z.literal(2), callSid: callKey });

export function parseTranscriptSubscribe(input: unknown): ParseResult<TranscriptSubscribeOptions> {
  const result = transcriptSubscribeSchema.safeParse(input);
  return result.success
    ? { ok: true, value: result.data }
    : { ok: false, error: describeZodError('invalid subscribe:transcript options', result.error) };
}

export function parseTranscriptUnsubscribe(input: unknown): ParseResult<{ callSid: string }> {
  const result = transcriptUnsubscribeSchema.safeParse(input);
  return result.success
    ? { ok: true, value: { callSid: result.data.callSid } }
    : {
        ok: false,
        error: describeZodError('invalid unsubscribe:transcript options', result.error),
      };
}

// Inbound to clients: a misbehaving server cannot corrupt the screen.
const turnSchema = z.looseObject({
  id: z.string().min(1).max(256),
  seq: z.number().int().nonnegative(),
  role: z.enum(['agent', 'caller', 'other']),
  message: z.string().max(100_000),
  timeInCallSecs: z.number().nonnegative().optional(),
  createdAt: z.string().max(64).optional(),
  actions: z
    .array(z.strictObject({ kind: z.enum(['tool_call', 'transfer']), label: z.string().max(200) }))
    .max(50)
    .optional(),
});

export const transcriptSnapshotPayloadSchema = z.looseObject({
  v: z.literal(2),
  callSid: callKey,
  epoch: z.string().min(1).max(128),
  seq: z.number().int().nonnegative(),
  source: z.enum(['live', 'post-call', 'none']),
  turns: z.array(turnSchema),
  truncated: z.number().int().nonnegative().optional(),
  timestamp: z.string().max(64),
});

export const transcriptTurnsPayloadSchema = z.looseObject({
  v: z.literal(2),
  callSid: callKey,
  epoch: z.string().min(1).max(128),
  fromSeq: z.number().int().nonnegative(),
  seq: z.number().int().nonnegative(),
  turns: z.array(turnSchema),
  removed: z.array(z.string().min(1).max(256)).optional(),
  timestamp: z.string().max(64),
});

/** The call key's schema, for the other boundaries that take one (the IPC contract). */
export const callKeySchema = callKey;
