import { z } from 'zod';
import {
  DEFAULT_CALL_FIELDS,
  DEFAULT_CAMPAIGN_FIELDS,
  withMappedFields,
  type FieldPaths,
} from './field-mapping';
import { DEFAULT_LIFECYCLE, statusText, type LifecycleRules } from './lifecycle';
import { outcomeFields } from './outcome-fields';
import { dateField, numberField, optionalText } from './field-values';

/**
 * Documents come from MongoDB written by other services, so parsing is lenient where the real
 * world is messy (dates as ISO strings, Date objects or epoch milliseconds; numbers as numeric
 * strings; unknown extra fields kept) and strict where it matters (a call needs its `callSid`
 * (or `campaignId`); any status is kept, and read through the lifecycle rule).
 */

export { dateField, numberField, optionalText, previewValue } from './field-values';

const key = (name: string) =>
  z
    .union([z.string(), z.number()], { error: `${name} is required (a non-empty string)` })
    .transform((v) => String(v).trim())
    .refine((v) => v.length > 0, { error: `${name} must not be empty` })
    .refine((v) => v.length <= 256, { error: `${name} is longer than 256 characters` });

/**
 * The status as written: any value is accepted (a call is never dropped for its status); what
 * it means is the lifecycle rule's business (./lifecycle), applied by parseCall/parseCampaign.
 */
const statusField = z
  .unknown()
  .optional()
  .transform((value) => statusText(value));

export const callSchema = z.looseObject({
  callSid: key('callSid'),
  status: statusField,
  to: optionalText,
  from: optionalText,
  contactName: optionalText,
  startTime: dateField,
  endTime: dateField,
  duration: numberField,
  agentId: optionalText,
  campaignId: optionalText,
  updatedAt: dateField,
  ...outcomeFields,
});

export const campaignSchema = z.looseObject({
  campaignId: key('campaignId'),
  name: optionalText,
  status: statusField,
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

/**
 * A parsed document. Its status is canonical when the rule knows it (`done` is held as
 * `completed`, a CallStatus), the value as written otherwise (shown marked, see
 * unknownStatusLabel).
 */
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

/** What a document parse gives: the value, plus the fields left out because they were unreadable. */
export type DocumentParse<T> =
  { ok: true; value: T; leftOut: string[] } | { ok: false; error: string };

/**
 * Parses one document read through the field mapping. A field whose value cannot be read
 * (`startTime: "soon"`) is left out and named in `leftOut`, so the call stays on screen; only
 * a document without its key (or not an object) is refused.
 */
function parseDocument<S extends z.ZodType>(
  schema: S,
  what: string,
  keyName: string,
  input: unknown,
  fields: FieldPaths,
): DocumentParse<z.output<S>> {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    const result = schema.safeParse(input);
    return result.success
      ? { ok: true, value: result.data, leftOut: [] }
      : { ok: false, error: describeZodError(`invalid ${what}`, result.error) };
  }
  const doc = withMappedFields(input as Record<string, unknown>, fields);
  const first = schema.safeParse(doc);
  if (first.success) return { ok: true, value: first.data, leftOut: [] };
  const bad = new Set(first.error.issues.map((issue) => String(issue.path[0] ?? '')));
  if (bad.has(keyName) || bad.has('')) {
    return { ok: false, error: describeZodError(`invalid ${what}`, first.error) };
  }
  for (const field of bad) delete doc[field];
  const second = schema.safeParse(doc);
  if (!second.success) {
    return { ok: false, error: describeZodError(`invalid ${what}`, second.error) };
  }
  return {
    ok: true,
    value: second.data,
    leftOut: [
      describeZodError(`${what} ${String(doc[keyName])}: left out unreadable fields`, first.error),
    ],
  };
}

/** A call document, its status read through `rules` (the server's, or the defaults). */
export function parseCall(
  input: unknown,
  rules: LifecycleRules = DEFAULT_LIFECYCLE,
): DocumentParse<Call> {
  const result = parseDocument(callSchema, 'call', 'callSid', input, DEFAULT_CALL_FIELDS);
  if (!result.ok) return result;
  const value = { ...result.value, status: rules.calls.of(result.value.status).status };
  return { ...result, value };
}

/** A campaign document, its status read through `rules`. */
export function parseCampaign(
  input: unknown,
  rules: LifecycleRules = DEFAULT_LIFECYCLE,
): DocumentParse<Campaign> {
  const result = parseDocument(
    campaignSchema,
    'campaign',
    'campaignId',
    input,
    DEFAULT_CAMPAIGN_FIELDS,
  );
  if (!result.ok) return result;
  const value = { ...result.value, status: rules.campaigns.of(result.value.status).status };
  return { ...result, value };
}
