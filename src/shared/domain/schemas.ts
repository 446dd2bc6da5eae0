import { z } from 'zod';
import { CALL_STATUSES, type CallStatus } from './call-status';

/**
 * Documents come from MongoDB written by other services, so parsing is lenient where the real
 * world is messy (dates as ISO strings, Date objects or epoch milliseconds; numbers as numeric
 * strings; unknown extra fields kept) and strict where it matters (a call needs its `callSid`
 * and a known status, a campaign its `campaignId`).
 */

/**
 * A short, printable form of a bad value for an error message: a hostile document can hold a
 * megabyte string, and the message ends up in logs and on screen.
 */
export function previewValue(value: unknown, max = 60): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = Object.prototype.toString.call(value);
  }
  return text.length > max ? `${text.slice(0, max)}...(${text.length} chars)` : text;
}

/** A date in any of the shapes seen in the wild, normalised to an ISO-8601 string. */
export const dateField = z
  .union([z.string(), z.date(), z.number()])
  .nullish()
  .transform((value, ctx) => {
    if (value == null) return value;
    const date = value instanceof Date ? value : new Date(value);
    if (Number.isNaN(date.getTime())) {
      ctx.addIssue({ code: 'custom', message: `${previewValue(value)} is not a date` });
      return z.NEVER;
    }
    return date.toISOString();
  });

/** A count or duration: a finite number, or a numeric string (some writers store "42"). */
export const numberField = z
  .union([z.number(), z.string()])
  .nullish()
  .transform((value, ctx) => {
    if (value == null) return value;
    const n = typeof value === 'number' ? value : Number(value.trim());
    if (!Number.isFinite(n) || (typeof value === 'string' && value.trim() === '')) {
      ctx.addIssue({ code: 'custom', message: `${previewValue(value)} is not a number` });
      return z.NEVER;
    }
    return n;
  });

const optionalText = z
  .union([z.string(), z.number()])
  .nullish()
  .transform((v) => (typeof v === 'number' ? String(v) : v));

const key = (name: string) =>
  z
    .union([z.string(), z.number()], { error: `${name} is required (a non-empty string)` })
    .transform((v) => String(v).trim())
    .refine((v) => v.length > 0, { error: `${name} must not be empty` })
    .refine((v) => v.length <= 256, { error: `${name} is longer than 256 characters` });

const statusTypeError = (issue: { input?: unknown }): string =>
  issue.input == null
    ? 'status is required'
    : `status must be text, not ${Array.isArray(issue.input) ? 'an array' : typeof issue.input}`;

const callStatus = z
  .string({ error: statusTypeError })
  .transform((s) => s.trim().toLowerCase())
  .refine((s): s is CallStatus => (CALL_STATUSES as readonly string[]).includes(s), {
    error: (issue) =>
      `status ${previewValue(issue.input)} is not one of ${CALL_STATUSES.join(', ')}`,
  })
  .transform((s) => s as CallStatus);

export const callSchema = z.looseObject({
  callSid: key('callSid'),
  status: callStatus,
  to: optionalText,
  from: optionalText,
  contactName: optionalText,
  startTime: dateField,
  endTime: dateField,
  duration: numberField,
  agentId: optionalText,
  campaignId: optionalText,
  updatedAt: dateField,
});

export const campaignSchema = z.looseObject({
  campaignId: key('campaignId'),
  name: optionalText,
  status: z
    .string({ error: statusTypeError })
    .transform((s) => s.trim().toLowerCase())
    .refine((s) => s.length > 0, { error: 'status must not be empty' }),
  totalCalls: numberField,
  completedCalls: numberField,
  failedCalls: numberField,
  inProgressCalls: numberField,
  answeredCalls: numberField,
  noAnswerCalls: numberField,
  busyCalls: numberField,
  startedAt: dateField,
  completedAt: dateField,
  updatedAt: dateField,
});

export type Call = z.output<typeof callSchema>;
export type Campaign = z.output<typeof campaignSchema>;

export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: string };

/** One line that names every problem, e.g. `call: callSid is required; status "x" is not ...`. */
export function describeZodError(what: string, error: z.ZodError): string {
  const MAX_ISSUES = 10;
  const parts = error.issues.slice(0, MAX_ISSUES).map((issue) => {
    const path = issue.path.length > 0 ? `${issue.path.map(String).join('.')}: ` : '';
    return `${path}${issue.message}`;
  });
  if (error.issues.length > MAX_ISSUES) {
    parts.push(`and ${error.issues.length - MAX_ISSUES} more problems`);
  }
  const text = `${what}: ${parts.join('; ')}`;
  return text.length > 2000 ? `${text.slice(0, 2000)}...` : text;
}

export function parseCall(input: unknown): ParseResult<Call> {
  const result = callSchema.safeParse(input);
  return result.success
    ? { ok: true, value: result.data }
    : { ok: false, error: describeZodError('invalid call', result.error) };
}

export function parseCampaign(input: unknown): ParseResult<Campaign> {
  const result = campaignSchema.safeParse(input);
  return result.success
    ? { ok: true, value: result.data }
    : { ok: false, error: describeZodError('invalid campaign', result.error) };
}
