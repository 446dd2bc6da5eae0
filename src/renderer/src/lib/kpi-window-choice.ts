import { LAST_15_MINUTES, LAST_60_MINUTES, type KpiWindow } from '../../../shared/kpi';

/**
 * The windows a supervisor picks for the outcome KPIs (issue 14): the last 15 minutes, the
 * last 60 minutes, or today from midnight in the supervisor's time zone. One choice drives
 * the Agents panel and the outcome tiles, so the two never disagree about what they count.
 */
export const KPI_WINDOW_CHOICES = ['15m', '60m', 'today'] as const;
export type KpiWindowChoice = (typeof KPI_WINDOW_CHOICES)[number];

export const DEFAULT_KPI_WINDOW: KpiWindowChoice = '60m';

/** What a caption or a tile label says the figures cover. */
export const KPI_WINDOW_LABELS: Record<KpiWindowChoice, string> = {
  '15m': 'last 15 min',
  '60m': 'last 60 min',
  today: 'today',
};

export function isKpiWindowChoice(value: unknown): value is KpiWindowChoice {
  return typeof value === 'string' && (KPI_WINDOW_CHOICES as readonly string[]).includes(value);
}

/**
 * The supervisor's time zone: the one this machine shows times in (src/shared/time-format.ts
 * writes local times), so "today" starts at the midnight the screen's clock shows.
 */
export function supervisorTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

export function kpiWindowFor(choice: KpiWindowChoice, timeZone: string): KpiWindow {
  switch (choice) {
    case '15m':
      return LAST_15_MINUTES;
    case '60m':
      return LAST_60_MINUTES;
    case 'today':
      return { kind: 'today', timeZone };
  }
}

/** How many slices the Agents panel's success trend cuts each window into. */
export const TREND_SLICES: Record<KpiWindowChoice, number> = {
  '15m': 15, // a minute each
  '60m': 12, // five minutes each
  today: 12, // midnight to now, in twelfths
};
