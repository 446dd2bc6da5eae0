import { z } from 'zod';
import { callSchema, campaignSchema, describeZodError, type ParseResult } from '../domain/schemas';
import type { AuditExport, SubscribeOptions } from './events';

/** What a client may send with `subscribe:*`: nothing (seed), or the v2 options, exactly. */
export const subscribeOptionsSchema = z.strictObject({
  v: z.literal(2, { error: 'v must be 2' }),
  since: z
    .strictObject({
      epoch: z.string().min(1).max(128),
      seq: z.number().int().nonnegative(),
    })
    .optional(),
  batch: z.boolean().optional(),
});

/** `undefined`/`null` means a seed client. */
export function parseSubscribeOptions(input: unknown): ParseResult<SubscribeOptions | undefined> {
  if (input == null) return { ok: true, value: undefined };
  const result = subscribeOptionsSchema.safeParse(input);
  return result.success
    ? { ok: true, value: result.data }
    : { ok: false, error: describeZodError('invalid subscribe options', result.error) };
}

/** `audit:export`: which table and how many rows, exactly (AuditExport). */
export const auditExportSchema = z.strictObject({
  v: z.literal(2, { error: 'v must be 2' }),
  view: z.enum(['active', 'recent', 'agents']),
  rows: z.number().int().nonnegative().max(10_000_000),
});

export function parseAuditExport(input: unknown): ParseResult<AuditExport> {
  const result = auditExportSchema.safeParse(input);
  return result.success
    ? { ok: true, value: result.data }
    : { ok: false, error: describeZodError('invalid audit:export', result.error) };
}

// Inbound server events, parsed by clients (the feed), so a misbehaving server cannot corrupt
// a supervisor's screen. Calls inside are parsed one by one by the feed, so one bad document
// is reported and the rest of a batch still applies.
const v2Meta = {
  v: z.literal(2).optional(),
  epoch: z.string().max(128).optional(),
  seq: z.number().int().nonnegative().optional(),
};
const timestamp = z.string().max(64).optional();

export const activeCallsPayloadSchema = z.looseObject({
  calls: z.array(z.unknown()),
  count: z.number().optional(),
  timestamp,
  ...v2Meta,
});
export const activeCampaignsPayloadSchema = z.looseObject({
  campaigns: z.array(z.unknown()),
  count: z.number().optional(),
  timestamp,
  ...v2Meta,
});
export const callUpdatePayloadSchema = z.looseObject({ call: z.unknown(), timestamp, ...v2Meta });
export const campaignUpdatePayloadSchema = z.looseObject({
  campaign: z.unknown(),
  timestamp,
  ...v2Meta,
});
const removalReason = z.enum(['terminal', 'deleted']);
export const callsBatchPayloadSchema = z.looseObject({
  calls: z.array(z.unknown()),
  removed: z
    .array(z.strictObject({ callSid: z.string().min(1), reason: removalReason }))
    .optional(),
  fromSeq: z.number().int().nonnegative().optional(),
  timestamp,
  ...v2Meta,
});
export const campaignsBatchPayloadSchema = z.looseObject({
  campaigns: z.array(z.unknown()),
  removed: z.array(z.strictObject({ campaignId: z.string().min(1), reason: removalReason })),
  fromSeq: z.number().int().nonnegative(),
  timestamp,
  ...v2Meta,
});
export const callRemovedPayloadSchema = z.looseObject({
  callSid: z.string().min(1),
  reason: removalReason,
  timestamp,
  ...v2Meta,
});
export const campaignRemovedPayloadSchema = z.looseObject({
  campaignId: z.string().min(1),
  reason: removalReason,
  timestamp,
  ...v2Meta,
});
export const recentCallsPayloadSchema = z.looseObject({
  calls: z.array(z.unknown()),
  count: z.number().optional(),
  timestamp,
  v: z.literal(2),
  epoch: z.string().max(128),
  seq: z.number().int().nonnegative(),
});
export const recentCallsBatchPayloadSchema = z.looseObject({
  calls: z.array(z.unknown()),
  removed: z.array(
    z.strictObject({
      callSid: z.string().min(1),
      reason: z.enum(['expired', 'active', 'deleted']),
    }),
  ),
  fromSeq: z.number().int().nonnegative(),
  timestamp,
  v: z.literal(2),
  epoch: z.string().max(128),
  seq: z.number().int().nonnegative(),
});
export const resyncPayloadSchema = z.looseObject({
  stream: z.enum(['calls', 'campaigns', 'recent']),
  epoch: z.string().max(128),
  reason: z.string().max(1000),
  timestamp,
});
export const errorPayloadSchema = z.looseObject({
  type: z.string(),
  message: z.string(),
  details: z.unknown().optional(),
});

export { callSchema, campaignSchema };
