/**
 * The one lifecycle rule (docs/architecture.md, "Reading other services' data"): what a
 * status value written by the Twilio/ElevenLabs integration means for Callboard. A value maps
 * to a phase (active or ended) and, once ended, an outcome. Case, surrounding space and `_` /
 * `-` / space do not matter. A value no mapping knows keeps its call (or campaign) active and
 * marked, so an unfamiliar status never makes it vanish or freeze: a known ended status ends it.
 *
 * The snapshot query, the Hub's rules, the client reducer, the CLI and the screens all read
 * statuses through this module, so a restart or resync shows exactly what the stream showed.
 */

import { previewValue } from './field-values';

export type Phase = 'active' | 'ended';

/** Where an active call stands: the canonical active call statuses. */
export const ACTIVE_CALL_STATUSES = ['initiated', 'queued', 'ringing', 'in-progress'] as const;
/** How a call ended: the canonical ended call statuses (a call never changes after one). */
export const TERMINAL_CALL_STATUSES = [
  'completed',
  'failed',
  'busy',
  'no-answer',
  'canceled',
  'unknown',
] as const;
export type ActiveCallStatus = (typeof ACTIVE_CALL_STATUSES)[number];
export type TerminalCallStatus = (typeof TERMINAL_CALL_STATUSES)[number];
/** A canonical call status: what every known spelling maps to (and an override names). */
export type CallStatus = ActiveCallStatus | TerminalCallStatus;
export const CALL_STATUSES: readonly CallStatus[] = [
  ...ACTIVE_CALL_STATUSES,
  ...TERMINAL_CALL_STATUSES,
];
/** Outcomes a supervisor is alerted to. */
export const FAILED_CALL_STATUSES: readonly TerminalCallStatus[] = ['failed', 'busy', 'no-answer'];

/** Campaign outcomes; `active` keeps a campaign running. */
export const CAMPAIGN_TARGETS = ['active', 'completed', 'failed', 'canceled'] as const;
export type CampaignTarget = (typeof CAMPAIGN_TARGETS)[number];

export interface Lifecycle {
  phase: Phase;
  /** How it ended; null while active. */
  outcome: TerminalCallStatus | null;
  /**
   * The status to hold and show: for a known call status its canonical form (CALL_STATUSES),
   * for a known campaign status its normalised form, for a value no mapping knows the value as
   * written, trimmed (reading it again gives the same lifecycle).
   */
  status: string;
  /** false: no mapping knows this value (the call is shown active and marked). */
  known: boolean;
  /** The value as written (a non-text value as its JSON preview; '' when there is none). */
  raw: string;
}

/**
 * The comparison form of a status: trimmed, lower case, runs of `_`, `-` and spaces as one
 * `-`. `In_Progress`, ` in progress` and `IN-PROGRESS` all give `in-progress`.
 */
export function normaliseStatus(value: string): string {
  return value
    .trim()
    .toLowerCase()
    .replace(/[\s_-]+/g, '-');
}

/** A status field's text: strings as written, anything else as its short preview (`42`, `{"a":1}`). */
export function statusText(value: unknown): string {
  if (typeof value === 'string') return value;
  return value == null ? '' : previewValue(value);
}

/**
 * Default call mappings, one line per vocabulary in DATA.md ("Call status vocabularies").
 * ElevenLabs `processing` is ended: the call is over and its analysis is running; the
 * `failure_reason` value `unknown` (call_initiation_failure) ends a call with an unknown
 * outcome.
 */
export const DEFAULT_CALL_MAPPING: Readonly<Record<string, CallStatus>> = {
  // Twilio CallStatus
  queued: 'queued',
  initiated: 'initiated',
  ringing: 'ringing',
  'in-progress': 'in-progress',
  completed: 'completed',
  busy: 'busy',
  'no-answer': 'no-answer',
  canceled: 'canceled',
  failed: 'failed',
  // Twilio StatusCallbackEvent
  answered: 'in-progress',
  // ElevenLabs conversation status
  processing: 'completed',
  done: 'completed',
  // ElevenLabs batch-call recipient status (in_progress normalises to in-progress)
  pending: 'queued',
  cancelled: 'canceled',
  // ElevenLabs call_initiation_failure failure_reason
  unknown: 'unknown',
};

/**
 * Default campaign mappings: ElevenLabs batch statuses plus the ones campaign backends use.
 * A campaign status no mapping knows counts as running, marked.
 */
export const DEFAULT_CAMPAIGN_MAPPING: Readonly<Record<string, CampaignTarget>> = {
  pending: 'active',
  scheduled: 'active',
  queued: 'active',
  initiated: 'active',
  running: 'active',
  active: 'active',
  'in-progress': 'active',
  paused: 'active',
  completed: 'completed',
  done: 'completed',
  archived: 'completed',
  failed: 'failed',
  canceled: 'canceled',
  cancelled: 'canceled',
  stopped: 'canceled',
};

/** Admin additions and overrides, keyed by status value (any spelling). */
export interface LifecycleOverrides {
  calls?: Readonly<Record<string, string>>;
  campaigns?: Readonly<Record<string, string>>;
}

export type LifecycleKind = 'calls' | 'campaigns';

/** The rule for one kind of document, built once from the defaults plus overrides. */
export interface StatusRule {
  readonly kind: LifecycleKind;
  /** What a status field value means. */
  of(value: unknown): Lifecycle;
  /** The normalised values this rule maps to ended (the snapshot query excludes them). */
  endedValues(): readonly string[];
}

export interface LifecycleRules {
  calls: StatusRule;
  campaigns: StatusRule;
}

/** A canonical call status (not a spelling: `In_Progress` is not one, `in-progress` is). */
export function isCallStatus(value: string): value is CallStatus {
  return (CALL_STATUSES as readonly string[]).includes(value);
}
function isCampaignTarget(value: string): value is CampaignTarget {
  return (CAMPAIGN_TARGETS as readonly string[]).includes(value);
}

function callTargetLifecycle(target: CallStatus, raw: string): Lifecycle {
  const ended = (TERMINAL_CALL_STATUSES as readonly string[]).includes(target);
  return {
    phase: ended ? 'ended' : 'active',
    outcome: ended ? (target as TerminalCallStatus) : null,
    status: target,
    known: true,
    raw,
  };
}

function campaignTargetLifecycle(target: CampaignTarget, normal: string, raw: string): Lifecycle {
  return target === 'active'
    ? { phase: 'active', outcome: null, status: normal, known: true, raw }
    : { phase: 'ended', outcome: target, status: normal, known: true, raw };
}

function makeRule(kind: LifecycleKind, mapping: ReadonlyMap<string, string>): StatusRule {
  const isEndTarget = (target: string) =>
    kind === 'calls'
      ? (TERMINAL_CALL_STATUSES as readonly string[]).includes(target)
      : target !== 'active';
  const ended = [...mapping].filter(([, target]) => isEndTarget(target)).map(([value]) => value);
  return {
    kind,
    of(value) {
      const raw = statusText(value);
      const normal = normaliseStatus(raw);
      const target = mapping.get(normal);
      if (target === undefined) {
        return { phase: 'active', outcome: null, status: raw.trim(), known: false, raw };
      }
      return kind === 'calls'
        ? callTargetLifecycle(target as CallStatus, raw)
        : campaignTargetLifecycle(target as CampaignTarget, normal, raw);
    },
    endedValues: () => ended,
  };
}

export type OverridesResult = { ok: true; rules: LifecycleRules } | { ok: false; error: string };

/**
 * Builds the rules from the defaults and an admin's overrides (validated: an entry that is
 * not text, maps an empty value, or names a target that does not exist is refused, by name).
 */
export function createLifecycleRules(overrides: unknown = {}): OverridesResult {
  if (overrides === null || typeof overrides !== 'object' || Array.isArray(overrides)) {
    return { ok: false, error: 'status mapping must be an object with "calls" and/or "campaigns"' };
  }
  const given = overrides as Record<string, unknown>;
  for (const key of Object.keys(given)) {
    if (key !== 'calls' && key !== 'campaigns') {
      return {
        ok: false,
        error: `status mapping: unknown section "${key}" (use "calls" or "campaigns")`,
      };
    }
  }
  const built: Partial<LifecycleRules> = {};
  for (const kind of ['calls', 'campaigns'] as const) {
    const mapping = new Map<string, string>(
      Object.entries(kind === 'calls' ? DEFAULT_CALL_MAPPING : DEFAULT_CAMPAIGN_MAPPING),
    );
    const section = given[kind];
    if (section !== undefined) {
      if (section === null || typeof section !== 'object' || Array.isArray(section)) {
        return {
          ok: false,
          error: `status mapping: "${kind}" must be an object of value -> target`,
        };
      }
      const targets = kind === 'calls' ? CALL_STATUSES : CAMPAIGN_TARGETS;
      const valid = kind === 'calls' ? isCallStatus : isCampaignTarget;
      for (const [value, target] of Object.entries(section as Record<string, unknown>)) {
        const where = `status mapping ${kind}["${value}"]`;
        const normal = normaliseStatus(value);
        if (normal === '') return { ok: false, error: `${where}: the status value is empty` };
        if (kind === 'calls' && isCallStatus(normal)) {
          // Canonical statuses map to themselves, so a status read twice means the same.
          return {
            ok: false,
            error: `${where}: "${normal}" is a Callboard status and cannot be remapped`,
          };
        }
        if (typeof target !== 'string' || !valid(normaliseStatus(target))) {
          return {
            ok: false,
            error: `${where}: ${JSON.stringify(target)} is not one of ${targets.join(', ')}`,
          };
        }
        mapping.set(normal, normaliseStatus(target));
      }
    }
    built[kind] = makeRule(kind, mapping);
  }
  return { ok: true, rules: built as LifecycleRules };
}

function defaults(): LifecycleRules {
  const result = createLifecycleRules();
  if (!result.ok) throw new Error(result.error);
  return result.rules;
}

/** The rules with no overrides: what clients apply, and servers without a mapping file. */
export const DEFAULT_LIFECYCLE: LifecycleRules = defaults();

/** A status value short enough for a screen, a log line or a metric label (60 characters). */
export function shortStatus(value: string): string {
  return value.length > 60 ? `${value.slice(0, 60)}...` : value;
}

/** What the screens print for a status no mapping knows. */
export function unknownStatusLabel(raw: string): string {
  const value = raw.trim();
  return value === '' ? 'unknown status: (none)' : `unknown status: ${shortStatus(value)}`;
}

/** What a call status means under the default rules (clients, the CLI, the screens). */
export function callLifecycle(status: unknown): Lifecycle {
  return DEFAULT_LIFECYCLE.calls.of(status);
}

/** What a campaign status means under the default rules. */
export function campaignLifecycle(status: unknown): Lifecycle {
  return DEFAULT_LIFECYCLE.campaigns.of(status);
}

/** Whether a call with this status has ended (any spelling; unknown values have not). */
export function isCallEnded(status: unknown): boolean {
  return callLifecycle(status).phase === 'ended';
}

/** Whether a campaign with this status has ended (unknown values have not). */
export function isCampaignEnded(status: unknown): boolean {
  return campaignLifecycle(status).phase === 'ended';
}
