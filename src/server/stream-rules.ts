import { isActiveCampaignStatus, isActiveStatus } from '../shared/domain/call-status';
import type { StreamName } from '../shared/protocol/events';
import type { JsonDocument } from './json-safe';

/** How each stream keys its documents and decides which are active (ARCHITECTURE.md). */
export interface StreamRules {
  keyField: string;
  isActive(doc: JsonDocument): boolean;
  /** Whether leaving the active set is final (a terminal call never changes again). */
  endIsFinal: boolean;
}

function status(doc: JsonDocument): string {
  const value = doc.status;
  return typeof value === 'string' ? value.trim().toLowerCase() : '';
}

export const STREAM_RULES: Record<StreamName, StreamRules> = {
  calls: { keyField: 'callSid', isActive: (doc) => isActiveStatus(status(doc)), endIsFinal: true },
  campaigns: {
    keyField: 'campaignId',
    // A campaign without a status is not shown: the schema needs one.
    isActive: (doc) => status(doc) !== '' && isActiveCampaignStatus(status(doc)),
    endIsFinal: false,
  },
};

/** The document's key as a string, or null when it has none. */
export function keyOf(stream: StreamName, doc: JsonDocument): string | null {
  const value = doc[STREAM_RULES[stream].keyField];
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string' && value.trim() !== '') return value.trim();
  return null;
}
