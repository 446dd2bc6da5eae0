import { useMemo } from 'react';
import type { KpiWindow } from '../../../shared/kpi';
import {
  KPI_WINDOW_CHOICES,
  KPI_WINDOW_LABELS,
  isKpiWindowChoice,
  kpiWindowFor,
  supervisorTimeZone,
} from '../lib/kpi-window-choice';
import { useCallboard } from '../store/context';

/** The KPI window chosen in the store, as the shared KPIs take it, and its label. */
export function useKpiWindow(): { window: KpiWindow; label: string } {
  const choice = useCallboard((s) => s.kpiWindow);
  return useMemo(
    () => ({
      window: kpiWindowFor(choice, supervisorTimeZone()),
      label: KPI_WINDOW_LABELS[choice],
    }),
    [choice],
  );
}

/** The one control for the KPI window (the outcome tiles and the Agents panel follow it). */
export function KpiWindowPicker() {
  const choice = useCallboard((s) => s.kpiWindow);
  const setKpiWindow = useCallboard((s) => s.setKpiWindow);
  return (
    <label className="kpi-window-picker">
      KPI window{' '}
      <select
        value={choice}
        onChange={(e) => {
          if (isKpiWindowChoice(e.target.value)) setKpiWindow(e.target.value);
        }}
      >
        {KPI_WINDOW_CHOICES.map((c) => (
          <option key={c} value={c}>
            {KPI_WINDOW_LABELS[c]}
          </option>
        ))}
      </select>
    </label>
  );
}
