import { z } from 'zod';
import { numberField, optionalText, previewValue } from './field-values';
import { setOwnField } from '../own-field';
import { readField } from './field-mapping';
import { normaliseStatus } from './lifecycle';

/**
 * What a call's outcome fields mean once read through the field mapping (DATA.md, "ElevenLabs
 * post-call data" and "Answering-machine detection"). They arrive after the call ended, so
 * every one is optional; a value that cannot be read is left out and named like any other
 * field (parseCall's `leftOut`). Case, surrounding space and `_` / `-` / space do not matter
 * in the enumerated values (`Success`, `MACHINE-END-BEEP`).
 */

/** ElevenLabs' verdicts: `analysis.call_successful` and each criterion's `result`. */
export const VERDICTS = ['success', 'failure', 'unknown'] as const;
export type Verdict = (typeof VERDICTS)[number];

/** Twilio AMD `AnsweredBy`. */
export const ANSWERED_BY = [
  'human',
  'machine_start',
  'machine_end_beep',
  'machine_end_silence',
  'machine_end_other',
  'fax',
  'unknown',
] as const;
export type AnsweredBy = (typeof ANSWERED_BY)[number];

/** Whether an AMD result says a machine (voicemail, IVR) or a fax answered. */
export function isMachineAnswer(answeredBy: AnsweredBy): boolean {
  return answeredBy === 'fax' || answeredBy.startsWith('machine_');
}

export interface CriterionResult {
  result: Verdict;
  rationale?: string;
}

/** One of `values`, written in any case with `_`, `-` or spaces between words. */
function oneOf<const T extends string>(values: readonly T[]) {
  return z.unknown().transform((value, ctx): T | null | undefined => {
    if (value == null) return value;
    // The lifecycle rule's comparison form, with the `_` these vocabularies use.
    const normal = typeof value === 'string' ? normaliseStatus(value).replace(/-/g, '_') : '';
    if ((values as readonly string[]).includes(normal)) return normal as T;
    ctx.addIssue({
      code: 'custom',
      message: `${previewValue(value)} is not one of ${values.join(', ')}`,
    });
    return z.NEVER;
  });
}

const verdictField = oneOf(VERDICTS);

/**
 * `analysis.call_successful`; a boolean (some writers store `true` / `false`) is read as
 * success / failure.
 */
const callSuccessfulField = z
  .unknown()
  .transform((value) => (typeof value === 'boolean' ? (value ? 'success' : 'failure') : value))
  .pipe(verdictField);

/** `true` / `false`, also written as the text `"true"` / `"false"` (any case). */
const flagField = z.unknown().transform((value, ctx): boolean | null | undefined => {
  if (value == null || typeof value === 'boolean') return value;
  const text = typeof value === 'string' ? value.trim().toLowerCase() : '';
  if (text === 'true' || text === 'false') return text === 'true';
  ctx.addIssue({ code: 'custom', message: `${previewValue(value)} is not true or false` });
  return z.NEVER;
});

const costField = numberField.refine((n) => n == null || n >= 0, {
  error: (issue) => `${previewValue(issue.input)} is not a cost (it is negative)`,
});

const criterionSchema = z.looseObject({
  result: verdictField.refine((v) => v != null, { error: 'result is required' }),
  rationale: optionalText,
});

/**
 * `analysis.evaluation_criteria_results`: a map of criterion id to `{ criteria_id, result,
 * rationale }`; an array of such entries (keyed by `criteria_id` or `id`) is read the same way,
 * and so is a bare result (`{ greeting: "success" }`).
 * The map is built with own fields, so a criterion named `__proto__` stays a criterion.
 */
const criteriaField = z.unknown().transform((value, ctx) => {
  if (value == null) return value as null | undefined;
  let entries: [string, unknown][];
  if (Array.isArray(value)) {
    entries = value.map((item: unknown, index) => {
      const id = readField(item, ['criteria_id', 'criteriaId', 'id']);
      return [typeof id === 'string' || typeof id === 'number' ? String(id) : `#${index}`, item];
    });
  } else if (typeof value === 'object') {
    entries = Object.entries(value as Record<string, unknown>);
  } else {
    ctx.addIssue({
      code: 'custom',
      message: `${previewValue(value)} is not a map of criterion id to result`,
    });
    return z.NEVER;
  }
  const out: Record<string, CriterionResult> = {};
  for (const [id, item] of entries) {
    // Some writers keep only the result: `{ greeting: "success" }`.
    const parsed = criterionSchema.safeParse(typeof item === 'string' ? { result: item } : item);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const where = [id, ...issue.path.map(String)].join('.');
      ctx.addIssue({ code: 'custom', message: `${where}: ${issue.message}` });
      return z.NEVER;
    }
    const result: CriterionResult = { result: parsed.data.result! };
    if (typeof parsed.data.rationale === 'string') result.rationale = parsed.data.rationale;
    setOwnField(out as Record<string, unknown>, id, result);
  }
  return out;
});

/** The outcome fields of callSchema (./schemas), at their canonical names. */
export const outcomeFields = {
  callSuccessful: callSuccessfulField.optional(),
  evaluationCriteriaResults: criteriaField.optional(),
  transcriptSummary: optionalText,
  callSummaryTitle: optionalText,
  terminationReason: optionalText,
  transferredToHuman: flagField.optional(),
  answeredBy: oneOf(ANSWERED_BY).optional(),
  cost: costField,
};
