import type { CallEntry, CampaignEntry } from '../../../shared/feed/types';
import type { CallboardState, CallFilters, SortDirection, SortKey } from '../store/types';
import { callClockStart } from './call-time';
import { createSortedRows, type SortedRow, type SortedRows, type SortValue } from './sorted-rows';

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

type EntryKey = Exclude<SortKey, 'campaign'>;

/**
 * Sort values per entry version. Entries are immutable (a change is a new object), so a value
 * computed once (a `Date.parse` for the duration, a lower-casing for names) holds for as long as
 * the entry lives; the campaign name is looked up each time since campaigns change apart.
 */
const sortValueCache = new WeakMap<CallEntry, Partial<Record<EntryKey, string | number>>>();

function entrySortValue(entry: CallEntry, key: EntryKey): string | number {
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
  }
}

export function sortValue(entry: CallEntry, key: SortKey, campaigns: Campaigns): SortValue {
  if (key === 'campaign') {
    const id = entry.call.campaignId ?? '';
    return (campaigns[id]?.campaign.name ?? (id || '\uffff')).toLowerCase();
  }
  let values = sortValueCache.get(entry);
  if (!values) {
    values = {};
    sortValueCache.set(entry, values);
  }
  let value = values[key];
  if (value === undefined) {
    value = entrySortValue(entry, key);
    values[key] = value;
  }
  return value;
}

type SortSpec = { key: SortKey; direction: SortDirection };

function visibleRows(
  calls: Readonly<Record<string, CallEntry>>,
  campaigns: Campaigns,
  filters: CallFilters,
  sort: SortSpec,
): SortedRow[] {
  const rows: SortedRow[] = [];
  for (const entry of Object.values(calls)) {
    if (!matchesFilters(entry, filters)) continue;
    rows.push({ id: entry.call.callSid, value: sortValue(entry, sort.key, campaigns) });
  }
  return rows;
}

export function visibleCallIds(
  calls: Readonly<Record<string, CallEntry>>,
  campaigns: Campaigns,
  filters: CallFilters,
  sort: SortSpec,
): string[] {
  return createSortedRows(sort.direction, visibleRows(calls, campaigns, filters, sort)).ids();
}

function sameIds(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

interface SelectorMemo {
  calls: CallboardState['calls'];
  campaigns: CallboardState['campaigns'];
  filters: CallFilters;
  sort: CallboardState['sort'];
  order: SortedRows;
  /** The sort value of every visible row, to find it again in `order`. */
  values: Map<string, SortValue>;
  ids: string[];
}

/**
 * Applies the calls that changed since `memo` to its order: each one is removed and, if still
 * visible, binary-inserted. Returns whether the visible ids (or their order) changed.
 */
function applyChanges(memo: SelectorMemo, state: CallboardState): boolean {
  let moved = false;
  for (const id of new Set(state.callsChange.changed)) {
    const before = memo.values.get(id);
    let removedAt = -1;
    if (before !== undefined) {
      removedAt = memo.order.remove({ id, value: before });
      memo.values.delete(id);
    }
    const entry = state.calls[id];
    let insertedAt = -1;
    if (entry && matchesFilters(entry, state.filters)) {
      const value = sortValue(entry, state.sort.key, state.campaigns);
      insertedAt = memo.order.insert({ id, value });
      memo.values.set(id, value);
    }
    if (removedAt !== insertedAt) moved = true;
  }
  return moved;
}

/**
 * A selector for the table's row ids that recomputes only when calls, campaigns, filters or
 * sort changed, and returns the previous array when the ids came out the same: a call that
 * changes without moving re-renders its row, not the table. When only some calls changed (the
 * store says which), the order is updated in place rather than re-sorted.
 */
export function createVisibleIdsSelector(): (state: CallboardState) => string[] {
  let last: SelectorMemo | null = null;
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
    if (
      last &&
      state.callsChange.base === last.calls &&
      last.campaigns === state.campaigns &&
      last.filters === state.filters &&
      last.sort === state.sort
    ) {
      const moved = applyChanges(last, state);
      last.calls = state.calls;
      if (moved) last.ids = last.order.ids();
      return last.ids;
    }
    const rows = visibleRows(state.calls, state.campaigns, state.filters, state.sort);
    const values = new Map<string, SortValue>();
    for (const row of rows) values.set(row.id, row.value);
    const order = createSortedRows(state.sort.direction, rows);
    const ids = order.ids();
    last = {
      calls: state.calls,
      campaigns: state.campaigns,
      filters: state.filters,
      sort: state.sort,
      order,
      values,
      ids: last && sameIds(last.ids, ids) ? last.ids : ids,
    };
    return last.ids;
  };
}

/** Distinct agents among the calls, for the agent filter. */
export function agentIds(calls: Readonly<Record<string, CallEntry>>): string[] {
  const set = new Set<string>();
  for (const { call } of Object.values(calls)) if (call.agentId) set.add(call.agentId);
  return [...set].sort();
}
