import type { StoreApi } from 'zustand/vanilla';
import type { Alert } from '../../../shared/alerts-types';
import type { CallStatus } from '../../../shared/domain';
import type { CallEntry, CampaignEntry } from '../../../shared/feed/types';
import type { CampaignHistory, OutcomeWindow } from '../../../shared/kpi';
import type { SettingsView } from '../../../shared/ipc';
import type { AgentSort, AgentSortKey } from '../lib/agent-rows';
import type { RecentFilters } from '../lib/recent-filter';
import type {
  ConnectionState,
  MonitorDelta,
  MonitorSnapshot,
  RecentStatus,
} from '../../../shared/monitor';

/** Where the first snapshot stands: the screen shows loading, the data, or why it failed. */
export type LoadState =
  { phase: 'loading' } | { phase: 'ready' } | { phase: 'error'; message: string };

export interface ConnectionSlice {
  load: LoadState;
  connection: ConnectionState | null;
  setLoad(load: LoadState): void;
}

/**
 * How `calls` came to be: from `base` by changing only the calls named in `changed` (upserted
 * or removed). A snapshot has no base. Lets derived structures update in O(changed).
 */
export interface CallsChange {
  base: Readonly<Record<string, CallEntry>> | null;
  changed: readonly string[];
}

export interface CallsSlice {
  calls: Readonly<Record<string, CallEntry>>;
  /** Number of keys in `calls`, kept up to date without counting them. */
  callCount: number;
  callsChange: CallsChange;
  /** Calls seen ending, for "completed / failed in the last 15 min" (shared KPI window). */
  outcomes: OutcomeWindow;
}

/** The v2 `recent` window: calls that ended within the server's window, with outcomes. */
export interface RecentSlice {
  recent: Readonly<Record<string, CallEntry>>;
  recentStatus: RecentStatus;
}

export interface CampaignsSlice {
  campaigns: Readonly<Record<string, CampaignEntry>>;
  /** Done-counts over time, for pace, ETA and the 30-minute sparkline (shared KPI history). */
  campaignHistory: CampaignHistory;
}

export interface AlertsSlice {
  alerts: readonly Alert[];
  alertsPausedUntil: number | null;
}

export interface SettingsSlice {
  settingsView: SettingsView | null;
  setSettingsView(view: SettingsView): void;
}

export type View = 'monitor' | 'wallboard' | 'settings';
export type SidePanel = 'campaigns' | 'alerts' | 'recent' | 'agents';
export type SortKey = 'contact' | 'number' | 'status' | 'duration' | 'agent' | 'campaign';
export type SortDirection = 'asc' | 'desc';

export interface CallFilters {
  status: CallStatus | '';
  campaignId: string;
  agentId: string;
  search: string;
}

export const EMPTY_FILTERS: CallFilters = { status: '', campaignId: '', agentId: '', search: '' };

export interface UiSlice {
  view: View;
  sidePanel: SidePanel;
  selectedCallSid: string | null;
  filters: CallFilters;
  sort: { key: SortKey; direction: SortDirection };
  agentSort: AgentSort;
  /** The agent whose own view (criteria, recent calls) the Agents panel shows, if any. */
  selectedAgentId: string | null;
  recentFilters: RecentFilters;
  setView(view: View): void;
  setSidePanel(panel: SidePanel): void;
  selectCall(callSid: string | null): void;
  setFilters(patch: Partial<CallFilters>): void;
  clearFilters(): void;
  /** Sorting by the current key flips the direction; a new key starts ascending. */
  sortBy(key: SortKey): void;
  /** Like sortBy: the current column flips, a new one starts ascending. */
  sortAgentsBy(key: AgentSortKey): void;
  selectAgent(agentId: string | null): void;
  setRecentFilters(patch: Partial<RecentFilters>): void;
  clearRecentFilters(): void;
}

export interface FeedActions {
  applySnapshot(snapshot: MonitorSnapshot): void;
  applyDelta(delta: MonitorDelta): void;
}

export type CallboardState = ConnectionSlice &
  CallsSlice &
  RecentSlice &
  CampaignsSlice &
  AlertsSlice &
  SettingsSlice &
  UiSlice &
  FeedActions;

export type CallboardStore = StoreApi<CallboardState>;
export type SetState = StoreApi<CallboardState>['setState'];
export type GetState = StoreApi<CallboardState>['getState'];
