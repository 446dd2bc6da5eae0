import { useMemo, useState } from 'react';
import type { KpiWindow } from '../../../shared/kpi';
import {
  chooseKpiWindow,
  KPI_WINDOW_CHOICES,
  KPI_WINDOW_LABELS,
  kpiWindowFor,
  selectKpiWindow,
  supervisorTimeZone,
} from '../lib/kpi-window-choice';
import { useApi, useCallboard, useStoreApi } from '../store/context';

/** The KPI window chosen (kept in the settings), as the shared KPIs take it, and its label. */
export function useKpiWindow(): { window: KpiWindow; label: string } {
  const choice = useCallboard(selectKpiWindow);
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
  const api = useApi();
  const store = useStoreApi();
  const choice = useCallboard(selectKpiWindow);
  const loaded = useCallboard((s) => s.settingsView !== null);
  const [problem, setProblem] = useState<string | null>(null);
  return (
    <label className="kpi-window-picker" title={problem ?? undefined}>
      KPI window{' '}
      <select
        value={choice}
        disabled={!loaded}
        aria-invalid={problem !== null}
        onChange={(e) => {
          void chooseKpiWindow(store, api, e.target.value).then(setProblem);
        }}
      >
        {KPI_WINDOW_CHOICES.map((c) => (
          <option key={c} value={c}>
            {KPI_WINDOW_LABELS[c]}
          </option>
        ))}
      </select>
      {problem ? (
        <span role="alert" className="kpi-window-problem">
          {problem}
        </span>
      ) : null}
    </label>
  );
}
