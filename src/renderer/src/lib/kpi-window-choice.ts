import {
  DEFAULT_KPI_WINDOW,
  isKpiWindowChoice,
  KPI_WINDOW_CHOICES,
  kpiWindowFor,
  type KpiWindowChoice,
} from '../../../shared/kpi';
import type { CallboardApi, SettingsView } from '../../../shared/ipc';
import type { CallboardState, CallboardStore } from '../store/types';

/**
 * The windows a supervisor picks for the outcome KPIs (issue 14): the last 15 minutes, the
 * last 60 minutes, or today from midnight in the supervisor's time zone. One choice drives
 * the Agents panel and the outcome tiles, so the two never disagree about what they count;
 * the settings keep it (`display.kpiWindow`, src/shared/settings.ts).
 */
export { DEFAULT_KPI_WINDOW, isKpiWindowChoice, KPI_WINDOW_CHOICES, kpiWindowFor };
export type { KpiWindowChoice };

/** What a caption or a tile label says the figures cover. */
export const KPI_WINDOW_LABELS: Record<KpiWindowChoice, string> = {
  '15m': 'last 15 min',
  '60m': 'last 60 min',
  today: 'today',
};

/**
 * The supervisor's time zone: the one this machine shows times in (src/shared/time-format.ts
 * writes local times), so "today" starts at the midnight the screen's clock shows.
 */
export function supervisorTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

/** How many slices the Agents panel's success trend cuts each window into. */
export const TREND_SLICES: Record<KpiWindowChoice, number> = {
  '15m': 15, // a minute each
  '60m': 12, // five minutes each
  today: 12, // midnight to now, in twelfths
};

/** The KPI window in force: the one the settings keep (the default until they are loaded). */
export function selectKpiWindow(state: CallboardState): KpiWindowChoice {
  return state.settingsView?.settings.display.kpiWindow ?? DEFAULT_KPI_WINDOW;
}

/**
 * Picks the KPI window: the screen follows at once (the settings held are updated), then
 * the settings are saved with it, so the next session opens on the same window. A failed save
 * puts the previous choice back and returns why; a value that is not a choice is refused,
 * naming it. Resolves to null once saved.
 */
export async function chooseKpiWindow(
  store: CallboardStore,
  api: Pick<CallboardApi, 'saveSettings'>,
  choice: unknown,
): Promise<string | null> {
  if (!isKpiWindowChoice(choice)) {
    throw new RangeError(
      `not a KPI window: ${JSON.stringify(choice)} (one of ${KPI_WINDOW_CHOICES.join(', ')})`,
    );
  }
  const view = store.getState().settingsView;
  if (!view) return 'the settings are not loaded yet';
  const withChoice = (v: SettingsView, kpiWindow: KpiWindowChoice): SettingsView => ({
    ...v,
    settings: { ...v.settings, display: { ...v.settings.display, kpiWindow } },
  });
  const before = view.settings.display.kpiWindow;
  store.getState().setSettingsView(withChoice(view, choice));
  const result = await api.saveSettings(withChoice(view, choice).settings);
  const now = store.getState().settingsView;
  // A later choice made while this one was saving wins.
  const current = now?.settings.display.kpiWindow === choice;
  if (!result.ok) {
    if (current && now) store.getState().setSettingsView(withChoice(now, before));
    return `the KPI window was not saved: ${result.message}`;
  }
  if (current) store.getState().setSettingsView(result.value);
  return null;
}
