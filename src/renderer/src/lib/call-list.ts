import type { CallEntry, CampaignEntry } from '../../../shared/feed/types';
import type { CallboardState, CallFilters, SortDirection, SortKey } from '../store/types';
import { callClockStart } from './call-time';

export const UNKNOWN_CONTACT = 'Unknown contact';

/** The number a supervisor cares about: the customer's (`to` on outbound, else `from`). */
export function callNumber(entry: CallEntry): string {
  return entry.call.to ?? entry.call.from ?? '';
}

const STATUS_ORDER: Record<string, number> = {
  initiated: 0,
  queued: 1,
  ringing: 2,
  'in-progress': 3,
  completed: 4,
  'no-answer': 5,
  busy: 6,
  failed: 7,
  canceled: 8,
};

const digits = (text: string) => text.replace(/\D+/g, '');

export function matchesFilters(entry: CallEntry, filters: CallFilters): boolean {
  const { call } = entry;
  if (filters.status && call.status !== filters.status) return false;
  if (filters.campaignId && call.campaignId !== filters.campaignId) return false;
  if (filters.agentId && call.agentId !== filters.agentId) return false;
  const query = filters.search.trim().toLowerCase();
  if (query) {
    const name = (call.contactName ?? '').toLowerCase();
    const numbers = `${call.to ?? ''} ${call.from ?? ''}`.toLowerCase();
    const queryDigits = digits(query);
    const byName = name.includes(query);
    const byNumber =
      numbers.includes(query) ||
      (queryDigits.length > 0 && digits(call.to ?? '').includes(queryDigits)) ||
      (queryDigits.length > 0 && digits(call.from ?? '').includes(queryDigits));
    if (!byName && !byNumber) return false;
  }
  return true;
}

type Campaigns = Readonly<Record<string, CampaignEntry>>;

function sortValue(entry: CallEntry, key: SortKey, campaigns: Campaigns): string | number {
  const { call } = entry;
  switch (key) {
    case 'contact':
      return (call.contactName ?? '\uffff').toLowerCase();
    case 'number':
      return callNumber(entry);
    case 'status':
      return STATUS_ORDER[call.status] ?? 99;
    // Longer duration = earlier start; sorting by start keeps the order still as time passes.
    case 'duration':
      return -callClockStart(entry);
    case 'agent':
      return (call.agentId ?? '\uffff').toLowerCase();
    case 'campaign': {
      const id = call.campaignId ?? '';
      return (campaigns[id]?.campaign.name ?? (id || '\uffff')).toLowerCase();
    }
  }
}

export function visibleCallIds(
  calls: Readonly<Record<string, CallEntry>>,
  campaigns: Campaigns,
  filters: CallFilters,
  sort: { key: SortKey; direction: SortDirection },
): string[] {
  const rows: { id: string; value: string | number }[] = [];
  for (const entry of Object.values(calls)) {
    if (!matchesFilters(entry, filters)) continue;
    rows.push({ id: entry.call.callSid, value: sortValue(entry, sort.key, campaigns) });
  }
  const sign = sort.direction === 'asc' ? 1 : -1;
  rows.sort((a, b) => {
    const order = a.value < b.value ? -1 : a.value > b.value ? 1 : 0;
    return order !== 0 ? sign * order : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  });
  return rows.map((r) => r.id);
}

function sameIds(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * A selector for the table's row ids that recomputes only when calls, campaigns, filters or
 * sort changed, and returns the previous array when the ids came out the same: a call that
 * changes without moving re-renders its row, not the table.
 */
export function createVisibleIdsSelector(): (state: CallboardState) => string[] {
  let last: {
    calls: CallboardState['calls'];
    campaigns: CallboardState['campaigns'];
    filters: CallFilters;
    sort: CallboardState['sort'];
    ids: string[];
  } | null = null;
  return (state) => {
    if (
      last &&
      last.calls === state.calls &&
      last.campaigns === state.campaigns &&
      last.filters === state.filters &&
      last.sort === state.sort
    ) {
      return last.ids;
    }
    const ids = visibleCallIds(state.calls, state.campaigns, state.filters, state.sort);
    const kept = last && sameIds(last.ids, ids) ? last.ids : ids;
    last = {
      calls: state.calls,
      campaigns: state.campaigns,
      filters: state.filters,
      sort: state.sort,
      ids: kept,
    };
    return kept;
  };
}

/** Distinct agents among the calls, for the agent filter. */
export function agentIds(calls: Readonly<Record<string, CallEntry>>): string[] {
  const set = new Set<string>();
  for (const { call } of Object.values(calls)) if (call.agentId) set.add(call.agentId);
  return [...set].sort();
}
