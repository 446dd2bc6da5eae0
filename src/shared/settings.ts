import { z } from 'zod';
import { ALERT_KINDS, DEFAULT_ALERT_THRESHOLDS, FIRST_RELEASE_ALERT_KINDS } from './alerts-types';
import { createLifecycleRules } from './domain/lifecycle';
import { DEFAULT_KPI_WINDOW, KPI_WINDOW_CHOICES } from './kpi/kpi-window';
import { describeZodError, type ParseResult } from './domain/schemas';

/**
 * The desktop app's settings, validated wherever they come from (the settings file, the
 * renderer over IPC). Secrets (remote.token, embedded.mongoUri) are kept encrypted on disk
 * by src/main where the OS offers it.
 */

const httpUrl = z
  .string()
  .trim()
  .max(2048)
  .refine(
    (value) => {
      try {
        const url = new URL(value);
        return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
      } catch {
        return false;
      }
    },
    { error: 'must be an http:// or https:// URL, e.g. http://127.0.0.1:7070' },
  );

const mongoUri = z
  .string()
  .trim()
  .max(4096)
  .refine((v) => /^mongodb(\+srv)?:\/\/[^/\s]+/.test(v), {
    error: 'must be a MongoDB connection string, e.g. mongodb://host:27017/?replicaSet=rs0',
  });

const name = (what: string) =>
  z
    .string()
    .trim()
    .min(1, { error: `${what} must not be empty` })
    .max(120)
    .refine((v) => !/[\s$/\\."]/.test(v) || what !== 'database', {
      error: `${what} may not contain spaces or any of $ / \\ . "`,
    });

const mappingSection = z.record(z.string().max(120), z.string().max(40));

/** Added after the first release: a settings file without it gets no additions. */
const statusMappingSchema = z
  .strictObject({ calls: mappingSection, campaigns: mappingSection })
  .default({ calls: {}, campaigns: {} })
  .superRefine((mapping, ctx) => {
    const result = createLifecycleRules(mapping);
    if (!result.ok) ctx.addIssue({ code: 'custom', message: result.error });
  });

const percent = z.number().min(0).max(100);

/**
 * The plan's concurrent-call limit: a whole number of calls (ElevenLabs plans, DATA.md
 * "Capacity and cost"). The `serve --plan-limit` flag reads with the same rule.
 */
export const planLimitSchema = z
  .number({ error: 'the plan limit must be a number of concurrent calls' })
  .int({ error: 'the plan limit must be a whole number of concurrent calls' })
  .min(1, { error: 'the plan limit must be at least 1 concurrent call' })
  .max(100_000, { error: 'the plan limit must be at most 100000 concurrent calls' });

export const thresholdsSchema = z.strictObject({
  waitingSeconds: z.number().int().min(5).max(3600),
  longCallMinutes: z.number().int().min(1).max(600),
  campaignFailureRatePercent: z.number().min(1).max(100),
  campaignMinCalls: z.number().int().min(1).max(100_000),
  feedStaleSeconds: z.number().int().min(5).max(3600),
  cooldownSeconds: z.number().int().min(0).max(86_400),
  // Added after the first release: a settings file without it gets the default.
  quietCallMinutes: z
    .number()
    .int()
    .min(5)
    .max(7 * 24 * 60)
    .default(DEFAULT_ALERT_THRESHOLDS.quietCallMinutes),
  // Added with the AI-agent rules (issue 14): a file without them gets the defaults.
  agentSuccessRatePercent: percent.default(DEFAULT_ALERT_THRESHOLDS.agentSuccessRatePercent),
  agentSuccessCalls: z
    .number()
    .int()
    .min(1)
    .max(10_000)
    .default(DEFAULT_ALERT_THRESHOLDS.agentSuccessCalls),
  criterionPassRatePercent: percent.default(DEFAULT_ALERT_THRESHOLDS.criterionPassRatePercent),
  campaignMachineRatePercent: percent.default(DEFAULT_ALERT_THRESHOLDS.campaignMachineRatePercent),
  outcomeMinCalls: z
    .number()
    .int()
    .min(1)
    .max(100_000)
    .default(DEFAULT_ALERT_THRESHOLDS.outcomeMinCalls),
  concurrencyAlertPercent: z
    .number()
    .min(1)
    .max(300)
    .default(DEFAULT_ALERT_THRESHOLDS.concurrencyAlertPercent),
  planLimit: planLimitSchema.nullable().default(DEFAULT_ALERT_THRESHOLDS.planLimit),
  spendPerHour: z
    .number()
    .positive()
    .max(1e9)
    .nullable()
    .default(DEFAULT_ALERT_THRESHOLDS.spendPerHour),
});

const FIRST_RELEASE_KINDS = new Set<string>(FIRST_RELEASE_ALERT_KINDS);

export const settingsSchema = z.strictObject({
  mode: z.enum(['demo', 'remote', 'embedded']),
  remote: z.strictObject({
    url: httpUrl,
    token: z.string().max(4096),
  }),
  embedded: z.strictObject({
    mongoUri: z.union([mongoUri, z.literal('')]),
    database: name('database'),
    callsCollection: name('collection'),
    campaignsCollection: name('collection'),
    /** Also serve other clients (Socket.IO gateway) on this port; null = do not serve. */
    servePort: z.number().int().min(1).max(65_535).nullable(),
    /** Additions to the status mapping (src/shared/domain/lifecycle.ts), checked entry by entry. */
    statusMapping: statusMappingSchema,
  }),
  alerts: thresholdsSchema,
  notifications: z.strictObject({
    enabled: z.boolean(),
    sound: z.boolean(),
    kinds: z.strictObject(
      // Kinds added after the first release default to on (a file without them reads as is).
      Object.fromEntries(
        ALERT_KINDS.map((k) => [
          k,
          FIRST_RELEASE_KINDS.has(k) ? z.boolean() : z.boolean().default(true),
        ]),
      ) as Record<(typeof ALERT_KINDS)[number], z.ZodBoolean>,
    ),
  }),
  window: z.strictObject({ closeToTray: z.boolean() }),
  /**
   * The wallboard is for a screen others see (issue 19): callers' numbers and names are masked
   * there (src/shared/privacy/masking.ts) unless the supervisor turns that off. Added after the
   * first release: a settings file without it masks.
   */
  wallboard: z
    .strictObject({ showNumbersAndNames: z.boolean() })
    .default({ showNumbersAndNames: false }),
  /**
   * View choices kept between sessions (issue 14): the window of the outcome KPIs (Agents
   * panel, outcome tiles). Added after the first release: a file without it gets the default.
   */
  display: z
    .strictObject({
      kpiWindow: z.enum(KPI_WINDOW_CHOICES, {
        error: `the KPI window must be one of ${KPI_WINDOW_CHOICES.join(', ')}`,
      }),
    })
    .default({ kpiWindow: DEFAULT_KPI_WINDOW }),
});

export type Settings = z.output<typeof settingsSchema>;

export const DEFAULT_SETTINGS: Settings = {
  mode: 'demo',
  remote: { url: 'http://127.0.0.1:7070', token: '' },
  embedded: {
    mongoUri: '',
    database: 'callcenter',
    callsCollection: 'calls',
    campaignsCollection: 'campaigns',
    servePort: null,
    statusMapping: { calls: {}, campaigns: {} },
  },
  alerts: { ...DEFAULT_ALERT_THRESHOLDS },
  notifications: {
    enabled: true,
    sound: false,
    kinds: {
      'call-failed': false,
      'call-waiting': true,
      'call-long': true,
      'campaign-failure-rate': true,
      'campaign-completed': true,
      'feed-down': true,
      'agent-success-rate': true,
      'criterion-pass-rate': true,
      'campaign-machine-rate': true,
      concurrency: true,
      'spend-rate': true,
    },
  },
  window: { closeToTray: true },
  wallboard: { showNumbersAndNames: false },
  display: { kpiWindow: DEFAULT_KPI_WINDOW },
};

export function parseSettings(input: unknown): ParseResult<Settings> {
  const result = settingsSchema.safeParse(input);
  return result.success
    ? { ok: true, value: result.data }
    : { ok: false, error: describeZodError('invalid settings', result.error) };
}

/** Field-by-field messages for inline validation in the settings screen. */
export function settingsFieldErrors(input: unknown): Record<string, string> {
  const result = settingsSchema.safeParse(input);
  if (result.success) return {};
  const errors: Record<string, string> = {};
  for (const issue of result.error.issues) {
    const path = issue.path.join('.');
    errors[path] ??= issue.message;
  }
  return errors;
}
