import {
  DEFAULT_CALL_FIELDS,
  POST_CALL_TRANSCRIPT_PATHS,
  type FieldPaths,
} from '../domain/field-mapping';
import { setOwnField } from '../own-field';
import { initialsOf, maskPhoneNumber } from './masking';
import type { Scope } from './scopes';

/**
 * What of a call document a client may see, from its token's scopes (docs/operations.md,
 * "Tokens and scopes"). The server applies it to every call it sends, in every stream and
 * both protocols (snapshots, live changes, replays, the recent window), so nothing a scope
 * withholds can reach a client by another way in.
 */
export interface DocumentView {
  /** Full numbers and contact names (`pii`); without, masked to their last digits / initials. */
  pii: boolean;
  /** Post-call analysis, AMD, cost, termination reason (`outcomes`); without, left out. */
  outcomes: boolean;
  /** A post-call `transcript[]` inside the call document (`transcripts`); without, left out. */
  transcripts: boolean;
}

export const FULL_VIEW: DocumentView = { pii: true, outcomes: true, transcripts: true };

export function viewOf(scopes: readonly Scope[]): DocumentView {
  return {
    pii: scopes.includes('pii'),
    outcomes: scopes.includes('outcomes'),
    transcripts: scopes.includes('transcripts'),
  };
}

/** '' for the full view; else a short stable name (a room's suffix): `masked`, `no-outcomes`, ... */
export function viewName(view: DocumentView): string {
  return [
    view.pii ? '' : 'masked',
    view.outcomes ? '' : 'no-outcomes',
    view.transcripts ? '' : 'no-transcript',
  ]
    .filter(Boolean)
    .join('+');
}

/** The mapped fields that are phone numbers, and the one that is a person's name. */
const NUMBER_FIELDS = ['to', 'from'] as const;
const NAME_FIELDS = ['contactName'] as const;
/**
 * Other places personal data lives in the documents DATA.md describes, which no mapped field
 * reads: Twilio's `Caller` / `Called` / `CallerName` / `ForwardedFrom` (numbers and a name),
 * ElevenLabs' data collection results and the call's dynamic variables (free-form values the
 * agent collected or was given: names, e-mails, numbers). Numbers and names are masked; the
 * free-form ones are left out, since no rule can tell what in them is personal.
 */
const EXTRA_NUMBER_PATHS = ['Caller', 'Called', 'ForwardedFrom'];
const EXTRA_NAME_PATHS = ['CallerName'];
const FREE_FORM_PERSONAL_PATHS = [
  'analysis.data_collection_results',
  'analysis.dataCollectionResults',
  'conversation_initiation_client_data',
  'conversationInitiationClientData',
];
/**
 * Text an LLM wrote about the conversation: ElevenLabs' summaries and criteria rationales
 * name the caller and repeat what they said ("Ada asked to move her booking"), so they are
 * personal data too. The verdicts and criteria results stay (the KPIs need them).
 */
const FREE_TEXT_FIELDS = ['transcriptSummary', 'callSummaryTitle'] as const;
const CRITERIA_FIELDS = ['evaluationCriteriaResults'] as const;
/** The mapped outcome fields (DATA.md, "ElevenLabs post-call data", AMD, cost). */
const OUTCOME_FIELDS = [
  'callSuccessful',
  'evaluationCriteriaResults',
  'transcriptSummary',
  'callSummaryTitle',
  'terminationReason',
  'transferredToHuman',
  'answeredBy',
  'cost',
] as const;

type Json = unknown;
type Doc = Record<string, Json>;
const REMOVE = Symbol('remove');

/**
 * `doc` with the value at the dotted `path` replaced by `change(value)` (`REMOVE`: left
 * out); the objects along the path are copied, nothing else is. Only own properties are
 * followed. The document itself when the path holds nothing, so a call without the field
 * costs no copy.
 */
function changeAt(doc: Doc, path: string, change: (value: Json) => Json | typeof REMOVE): Doc {
  const dot = path.indexOf('.');
  const key = dot < 0 ? path : path.slice(0, dot);
  if (!Object.prototype.hasOwnProperty.call(doc, key)) return doc;
  const value = doc[key];
  let next: Json | typeof REMOVE;
  if (dot < 0) {
    next = change(value);
  } else {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return doc;
    next = changeAt(value as Doc, path.slice(dot + 1), change);
    if (next === value) return doc;
  }
  const out: Doc = {};
  for (const k of Object.keys(doc)) if (k !== key) setOwnField(out, k, doc[k]);
  if (next !== REMOVE) setOwnField(out, key, next);
  return out;
}

/** The document without the value at `path` (dotted, own properties only). */
export function withoutPath<D extends Doc>(doc: D, path: string): D {
  return changeAt(doc, path, () => REMOVE) as D;
}

/** A number or a name that is not text (an object, a list) cannot be masked: left out. */
const masked =
  (mask: (text: string) => string) =>
  (value: Json): Json | typeof REMOVE => {
    if (value === null || value === undefined || value === '') return value;
    if (typeof value === 'string') return mask(value);
    if (typeof value === 'number' || typeof value === 'bigint') return mask(String(value));
    return REMOVE;
  };
const maskNumber = masked(maskPhoneNumber);
const maskName = masked(initialsOf);

/** Criterion id -> result without its `rationale` (a map of objects, DATA.md). */
function withoutRationales(value: Json): Json {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const out: Doc = {};
  for (const [id, result] of Object.entries(value as Doc)) {
    setOwnField(
      out,
      id,
      result !== null && typeof result === 'object' && !Array.isArray(result)
        ? withoutPath(result as Doc, 'rationale')
        : result,
    );
  }
  return out;
}

/** What to do, path by path, for one view and mapping: computed once per view. */
type Plan = { path: string; change: (value: Json) => Json | typeof REMOVE }[];

function planFor(view: DocumentView, fields: FieldPaths): Plan {
  const plan: Plan = [];
  const remove = () => REMOVE;
  const paths = (names: readonly string[]) => names.flatMap((n) => fields[n] ?? []);
  if (!view.pii) {
    for (const path of [...paths(NUMBER_FIELDS), ...EXTRA_NUMBER_PATHS])
      plan.push({ path, change: maskNumber });
    for (const path of [...paths(NAME_FIELDS), ...EXTRA_NAME_PATHS])
      plan.push({ path, change: maskName });
    for (const path of [...FREE_FORM_PERSONAL_PATHS, ...paths(FREE_TEXT_FIELDS)])
      plan.push({ path, change: remove });
    for (const path of paths(CRITERIA_FIELDS)) plan.push({ path, change: withoutRationales });
  }
  if (!view.outcomes) {
    for (const path of paths(OUTCOME_FIELDS)) plan.push({ path, change: remove });
    // The rest of ElevenLabs' analysis too (e.g. fields a later version adds).
    plan.push({ path: 'analysis', change: remove });
  }
  if (!view.transcripts) {
    for (const path of POST_CALL_TRANSCRIPT_PATHS) plan.push({ path, change: remove });
  }
  return plan;
}

/**
 * A function that gives a call document as `view` may see it: the document itself for the
 * full view (no copy), else a copy with what the view withholds masked or left out. Masked
 * values are still strings, so a seed client's payload keeps its shape.
 */
export function callRedactor<D extends Doc>(
  view: DocumentView,
  fields: FieldPaths = DEFAULT_CALL_FIELDS,
): (doc: D) => D {
  const plan = planFor(view, fields);
  if (plan.length === 0) return (doc) => doc;
  return (doc) => {
    let out: Doc = doc;
    for (const { path, change } of plan) out = changeAt(out, path, change);
    return out as D;
  };
}
