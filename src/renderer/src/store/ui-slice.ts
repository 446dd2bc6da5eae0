import { EMPTY_FILTERS, type GetState, type SetState, type UiSlice } from './types';

export function createUiSlice(set: SetState, get: GetState): UiSlice {
  return {
    view: 'monitor',
    sidePanel: 'campaigns',
    selectedCallSid: null,
    filters: EMPTY_FILTERS,
    sort: { key: 'duration', direction: 'desc' },
    setView: (view) => set({ view }),
    setSidePanel: (sidePanel) => set({ sidePanel }),
    selectCall: (selectedCallSid) => set({ selectedCallSid }),
    setFilters: (patch) => set({ filters: { ...get().filters, ...patch } }),
    clearFilters: () => set({ filters: EMPTY_FILTERS }),
    sortBy: (key) => {
      const { sort } = get();
      set({
        sort:
          sort.key === key
            ? { key, direction: sort.direction === 'asc' ? 'desc' : 'asc' }
            : { key, direction: 'asc' },
      });
    },
  };
}
