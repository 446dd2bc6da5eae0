import {
  DEFAULT_KPI_WINDOW,
  isKpiWindowChoice,
  KPI_WINDOW_CHOICES,
} from '../lib/kpi-window-choice';
import { EMPTY_FILTERS, type GetState, type SetState, type UiSlice } from './types';

export function createUiSlice(set: SetState, get: GetState): UiSlice {
  return {
    view: 'monitor',
    sidePanel: 'campaigns',
    selectedCallSid: null,
    filters: EMPTY_FILTERS,
    sort: { key: 'duration', direction: 'desc' },
    kpiWindow: DEFAULT_KPI_WINDOW,
    setView: (view) => set({ view }),
    setSidePanel: (sidePanel) => set({ sidePanel }),
    selectCall: (selectedCallSid) => set({ selectedCallSid }),
    setFilters: (patch) => set({ filters: { ...get().filters, ...patch } }),
    clearFilters: () => set({ filters: EMPTY_FILTERS }),
    setKpiWindow: (choice) => {
      if (!isKpiWindowChoice(choice)) {
        throw new RangeError(
          `not a KPI window: ${JSON.stringify(choice)} (one of ${KPI_WINDOW_CHOICES.join(', ')})`,
        );
      }
      set({ kpiWindow: choice });
    },
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
