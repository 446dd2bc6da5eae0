import {
  DEFAULT_CALL_FIELDS,
  DEFAULT_CAMPAIGN_FIELDS,
  readField,
} from '../shared/domain/field-mapping';
import {
  DEFAULT_LIFECYCLE,
  type Lifecycle,
  type LifecycleRules,
  type StatusRule,
} from '../shared/domain/lifecycle';
import { snapshotFilter } from '../shared/domain/snapshot-filter';
import type { StreamName } from '../shared/protocol/events';
import type { JsonDocument } from './json-safe';

/**
 * How each stream keys its documents and decides which are active: the shared lifecycle rule
 * and field mapping (src/shared/domain), so the snapshot query, the Hub and the clients agree.
 */
export interface StreamRules {
  /** The document's key as a string, or null when it has none. */
  keyOf(doc: JsonDocument): string | null;
  /** What the document's status means. */
  lifecycleOf(doc: JsonDocument): Lifecycle;
  isActive(doc: JsonDocument): boolean;
  /**
   * Whether an ended version covered by the snapshot is still sent once (calls: clients see
   * the outcome of a call that ended while the server was starting).
   */
  sendsOutcomes: boolean;
  /** The snapshot query: excludes only what isActive calls ended (the Hub checks again). */
  snapshotFilter: Record<string, unknown>;
}

function rulesFor(
  status: StatusRule,
  keyPaths: readonly string[],
  sendsOutcomes: boolean,
): StreamRules {
  return {
    keyOf(doc) {
      const value = readField(doc, keyPaths);
      if (typeof value === 'number' && Number.isFinite(value)) return String(value);
      if (typeof value === 'string' && value.trim() !== '') return value.trim();
      return null;
    },
    lifecycleOf: (doc) => status.of(doc.status),
    isActive: (doc) => status.of(doc.status).phase === 'active',
    sendsOutcomes,
    snapshotFilter: snapshotFilter(status),
  };
}

export type AllStreamRules = Readonly<Record<StreamName, StreamRules>>;

/** The rules for both streams from a lifecycle (the defaults plus an admin's overrides). */
export function createStreamRules(lifecycle: LifecycleRules = DEFAULT_LIFECYCLE): AllStreamRules {
  return {
    calls: rulesFor(lifecycle.calls, DEFAULT_CALL_FIELDS.callSid!, true),
    campaigns: rulesFor(lifecycle.campaigns, DEFAULT_CAMPAIGN_FIELDS.campaignId!, false),
  };
}
