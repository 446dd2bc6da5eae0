import { z } from 'zod';
import {
  CALL_KEY_PATTERN,
  type TranscriptAction,
  type TranscriptRole,
  type TranscriptTurn,
} from '../protocol/transcript';
import {
  DEFAULT_TRANSCRIPT_FIELDS,
  POST_CALL_TRANSCRIPT_PATHS,
  readField,
  withMappedFields,
  type FieldPaths,
} from './field-mapping';
import { dateField, numberField, optionalText, previewValue } from './field-values';
import { describeZodError, type ParseResult } from './schemas';

/**
 * Turn documents (the transcripts collection, one per turn) and the post-call `transcript[]`
 * entries read through the field mapping (DEFAULT_TRANSCRIPT_FIELDS), into the protocol's
 * TranscriptTurn (docs/protocol.md, "Transcripts"). Only the bounds the clients' schemas
 * enforce (src/shared/protocol/transcript.ts) make a document bad: a server never sends a
 * turn a client would refuse.
 */

/** A turn before the store gives it its seq. */
export type TurnContent = Omit<TranscriptTurn, 'seq'>;

export const MAX_MESSAGE_CHARS = 100_000;
export const MAX_ACTIONS = 50;
const MAX_LABEL_CHARS = 200;
const MAX_TURN_ID_CHARS = 256;
/** Ids of turns from a call's post-call `transcript[]`; no turn document may take one. */
export const POST_CALL_ID_PREFIX = 'post-call:';

/** ElevenLabs says `agent` / `user`; the screen says "Agent" / "Caller". */
export function roleOf(value: unknown): TranscriptRole {
  const text = typeof value === 'string' ? value.trim().toLowerCase() : '';
  if (text === 'agent') return 'agent';
  if (text === 'user') return 'caller';
  return 'other';
}

/** ElevenLabs' system tools that hand the call over (DATA.md, `features_usage`). */
const TRANSFER_TOOLS = new Set(['transfer_to_number', 'transfer_to_agent']);
const TARGET_PATHS = [
  'to',
  'target',
  'number',
  'transfer_number',
  'phone_number',
  'agent_number',
  'agent',
];

const label = (text: string) =>
  text.length > MAX_LABEL_CHARS ? `${text.slice(0, MAX_LABEL_CHARS - 3)}...` : text;

function targetOf(value: unknown): string | undefined {
  if (typeof value === 'string' && value.trim() !== '') return value.trim();
  if (typeof value === 'number') return String(value);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const found = readField(value, TARGET_PATHS);
  return typeof found === 'string' || typeof found === 'number' ? String(found) : undefined;
}

/** A tool call (`tool_name` or `name`); a transfer tool's label is its target when given. */
function toolAction(call: unknown): TranscriptAction | null {
  if (call === null || typeof call !== 'object' || Array.isArray(call)) return null;
  const name = readField(call, ['tool_name', 'toolName', 'name']);
  if (typeof name !== 'string' || name.trim() === '') return null;
  if (!TRANSFER_TOOLS.has(name.trim())) return { kind: 'tool_call', label: label(name.trim()) };
  let params: unknown = readField(call, ['params', 'parameters']);
  const json = readField(call, ['params_as_json', 'paramsAsJson']);
  if (params === undefined && typeof json === 'string') {
    try {
      params = JSON.parse(json);
    } catch {
      params = undefined;
    }
  }
  return { kind: 'transfer', label: label(targetOf(params) ?? name.trim()) };
}

function actionsOf(toolCalls: unknown[] | null | undefined, transfer: unknown): TranscriptAction[] {
  const actions: TranscriptAction[] = [];
  for (const call of toolCalls ?? []) {
    const action = toolAction(call);
    if (action) actions.push(action);
  }
  if (transfer != null && transfer !== false) {
    actions.push({ kind: 'transfer', label: label(targetOf(transfer) ?? 'transfer') });
  }
  return actions;
}

const callKey = z
  .union([z.string(), z.number()], { error: 'callSid is required (a non-empty string)' })
  .transform((v) => String(v).trim())
  .refine((v) => CALL_KEY_PATTERN.test(v), {
    error: 'callSid must be 1-128 letters, digits, ".", "_", ":" or "-"',
  });

/** The fields of one turn, shared by turn documents and post-call entries. */
const turnFields = {
  role: z.unknown().transform(roleOf),
  message: optionalText.refine((m) => m == null || m.length <= MAX_MESSAGE_CHARS, {
    error: `message is longer than ${MAX_MESSAGE_CHARS} characters`,
  }),
  timeInCallSecs: numberField.refine((n) => n == null || n >= 0, {
    error: 'timeInCallSecs must not be negative',
  }),
  createdAt: dateField,
  toolCalls: z
    .array(z.unknown(), { error: (i) => `${previewValue(i.input)} is not a list of tool calls` })
    .max(MAX_ACTIONS, { error: `more than ${MAX_ACTIONS} tool calls` })
    .nullish(),
  transfer: z.unknown().optional(),
};

const turnDocumentSchema = z.looseObject({ callSid: callKey, ...turnFields });
const postCallEntrySchema = z.looseObject(turnFields);

type TurnFields = z.output<typeof postCallEntrySchema>;

function toContent(id: string, f: TurnFields): TurnContent {
  const actions = actionsOf(f.toolCalls, f.transfer).slice(0, MAX_ACTIONS);
  return {
    id,
    role: f.role,
    message: f.message ?? '',
    ...(f.timeInCallSecs != null ? { timeInCallSecs: f.timeInCallSecs } : {}),
    ...(f.createdAt != null ? { createdAt: f.createdAt } : {}),
    ...(actions.length > 0 ? { actions } : {}),
  };
}

function mapped(input: unknown, fields: FieldPaths): Record<string, unknown> | null {
  return input !== null && typeof input === 'object' && !Array.isArray(input)
    ? withMappedFields(input as Record<string, unknown>, fields)
    : null;
}

/** A turn document (JSON-safe, `_id` as text): its call's key and the turn, or what is wrong. */
export function parseTurnDocument(
  input: unknown,
  fields: FieldPaths = DEFAULT_TRANSCRIPT_FIELDS,
): ParseResult<{ callSid: string; turn: TurnContent }> {
  const doc = mapped(input, fields);
  if (!doc)
    return {
      ok: false,
      error: `invalid transcript turn: ${previewValue(input)} is not a document`,
    };
  const id = doc._id;
  if (
    typeof id !== 'string' ||
    id === '' ||
    id.length > MAX_TURN_ID_CHARS ||
    id.startsWith(POST_CALL_ID_PREFIX)
  ) {
    return {
      ok: false,
      error: `invalid transcript turn: _id ${previewValue(id)} is not usable as an id`,
    };
  }
  const result = turnDocumentSchema.safeParse(doc);
  if (!result.success) {
    return { ok: false, error: describeZodError(`invalid transcript turn ${id}`, result.error) };
  }
  return { ok: true, value: { callSid: result.data.callSid, turn: toContent(id, result.data) } };
}

/**
 * The post-call `transcript[]` of a call document, ids `post-call:<index>`; null when the
 * document holds none. Entries that cannot be read are counted in `bad`, never shown.
 */
export function postCallTurns(
  callDocument: unknown,
  fields: FieldPaths = DEFAULT_TRANSCRIPT_FIELDS,
  paths: readonly string[] = POST_CALL_TRANSCRIPT_PATHS,
): { turns: TurnContent[]; bad: string[] } | null {
  const entries = readField(callDocument, paths);
  if (!Array.isArray(entries)) return null;
  const turns: TurnContent[] = [];
  const bad: string[] = [];
  entries.forEach((entry, index) => {
    const id = `${POST_CALL_ID_PREFIX}${index}`;
    const doc = mapped(entry, fields);
    const result = doc ? postCallEntrySchema.safeParse(doc) : null;
    if (result?.success) turns.push(toContent(id, result.data));
    else
      bad.push(
        result
          ? describeZodError(`invalid post-call turn ${index}`, result.error)
          : `invalid post-call turn ${index}: ${previewValue(entry)} is not a document`,
      );
  });
  return { turns, bad };
}

/** Same content (what a client shows): a rewrite that changes nothing is no correction. */
export function sameTurnContent(a: TurnContent, b: TurnContent): boolean {
  return (
    a.role === b.role &&
    a.message === b.message &&
    a.timeInCallSecs === b.timeInCallSecs &&
    a.createdAt === b.createdAt &&
    JSON.stringify(a.actions ?? []) === JSON.stringify(b.actions ?? [])
  );
}

/** Transcript order: time in the call, then when written, then id (stable for equal times). */
export function compareTurns(a: TurnContent, b: TurnContent): number {
  const ta = a.timeInCallSecs ?? Number.POSITIVE_INFINITY;
  const tb = b.timeInCallSecs ?? Number.POSITIVE_INFINITY;
  if (ta !== tb) return ta - tb;
  const ca = a.createdAt ?? '';
  const cb = b.createdAt ?? '';
  if (ca !== cb) return ca < cb ? -1 : 1;
  return a.id.localeCompare(b.id, 'en', { numeric: true });
}
