import { DEFAULT_AGENT_SORT } from '../lib/agent-rows';
import { EMPTY_RECENT_FILTERS } from '../lib/recent-filter';
import {
  EMPTY_FILTERS,
  type GetState,
  type SetState,
  type SortDirection,
  type UiSlice,
} from './types';

/** Sorting by the current key flips the direction; a new key starts ascending. */
function nextSort<K extends string>(
  sort: { key: K; direction: SortDirection },
  key: K,
): { key: K; direction: SortDirection } {
  return sort.key === key
    ? { key, direction: sort.direction === 'asc' ? 'desc' : 'asc' }
    : { key, direction: 'asc' };
}

export function createUiSlice(set: SetState, get: GetState): UiSlice {
  return {
    view: 'monitor',
    sidePanel: 'campaigns',
    selectedCallSid: null,
    filters: EMPTY_FILTERS,
    sort: { key: 'duration', direction: 'desc' },
    agentSort: DEFAULT_AGENT_SORT,
    selectedAgentId: null,
    recentFilters: EMPTY_RECENT_FILTERS,
    setView: (view) => set({ view }),
    setSidePanel: (sidePanel) => set({ sidePanel }),
    selectCall: (selectedCallSid) => set({ selectedCallSid }),
    setFilters: (patch) => set({ filters: { ...get().filters, ...patch } }),
    clearFilters: () => set({ filters: EMPTY_FILTERS }),
    sortAgentsBy: (key) => set({ agentSort: nextSort(get().agentSort, key) }),
    selectAgent: (selectedAgentId) => set({ selectedAgentId }),
    setRecentFilters: (patch) => set({ recentFilters: { ...get().recentFilters, ...patch } }),
    clearRecentFilters: () => set({ recentFilters: EMPTY_RECENT_FILTERS }),
    sortBy: (key) => set({ sort: nextSort(get().sort, key) }),
  };
}
