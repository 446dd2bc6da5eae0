import type { Alert, AlertTarget } from '../../../shared/alerts-types';
import type { Call, Campaign } from '../../../shared/domain';
import type { CallEntry, CampaignEntry } from '../../../shared/feed/types';
import type {
  CallboardApi,
  ConnectionTestReport,
  IpcResult,
  SettingsView,
} from '../../../shared/ipc';
import type {
  ConnectionState,
  MonitorDelta,
  MonitorSnapshot,
  TranscriptDelta,
  TranscriptView,
} from '../../../shared/monitor';
import { DEFAULT_SETTINGS, parseSettings, type Settings } from '../../../shared/settings';

/** A CallboardApi held in memory, for component tests: tests push deltas and read the calls. */
export interface MemoryApi extends CallboardApi {
  emit(delta: Omit<MonitorDelta, 'at'> & { at?: number }): void;
  reveal(target: AlertTarget): void;
  /** Every operation called, in order: ['acknowledgeAlert', 'a1'], ... */
  calls: unknown[][];
  snapshot: MonitorSnapshot;
  /** When set, getSnapshot fails with this message. */
  snapshotError: string | null;
  /** Resolves getSnapshot only when released (loading-state tests). */
  holdSnapshot: boolean;
  releaseSnapshot(): void;
  testReport: ConnectionTestReport;
  listenerCount(): number;
  /** What openTranscript answers per call (default: loading, no turns). */
  transcripts: Map<string, TranscriptView>;
  /** When set, openTranscript fails with this message. */
  transcriptError: string | null;
  emitTranscript(delta: Omit<TranscriptDelta, 'at'> & { at?: number }): void;
  transcriptListenerCount(): number;
}

export function transcriptView(
  callSid: string,
  patch: Partial<TranscriptView> = {},
): TranscriptView {
  return { callSid, phase: 'live', source: 'live', truncated: 0, turns: [], at: NOW, ...patch };
}

export const NOW = Date.UTC(2026, 10, 26, 12, 0, 0);

export function liveConnection(patch: Partial<ConnectionState> = {}): ConnectionState {
  return {
    status: 'live',
    mode: 'demo',
    target: 'demo emulator',
    since: NOW - 60_000,
    staleSince: null,
    lastEventAt: NOW - 2_000,
    protocol: 2,
    ...patch,
  };
}

export function callEntry(call: Partial<Call> & { callSid: string }, receivedAt = NOW): CallEntry {
  return {
    call: {
      status: 'in-progress',
      startTime: new Date(NOW - 65_000).toISOString(),
      ...call,
    } as Call,
    receivedAt,
  };
}

export function campaignEntry(
  campaign: Partial<Campaign> & { campaignId: string },
  receivedAt = NOW,
): CampaignEntry {
  return { campaign: { status: 'running', ...campaign } as Campaign, receivedAt };
}

export function alert(patch: Partial<Alert> & { id: string }): Alert {
  return {
    kind: 'call-waiting',
    severity: 'warning',
    title: 'Call waiting',
    message: 'A call has waited 75 seconds',
    target: { type: 'call', callSid: 'CA1' },
    raisedAt: NOW - 30_000,
    lastSeenAt: NOW - 30_000,
    count: 1,
    ...patch,
  };
}

export function emptySnapshot(patch: Partial<MonitorSnapshot> = {}): MonitorSnapshot {
  return {
    calls: [],
    campaigns: [],
    recent: [],
    recentStatus: { status: 'live' },
    connection: liveConnection(),
    alerts: [],
    alertsPausedUntil: null,
    at: NOW,
    ...patch,
  };
}

export function createMemoryApi(snapshot: MonitorSnapshot = emptySnapshot()): MemoryApi {
  const changeListeners = new Set<(delta: MonitorDelta) => void>();
  const revealListeners = new Set<(target: AlertTarget) => void>();
  const transcriptListeners = new Set<(delta: TranscriptDelta) => void>();
  let settings: Settings = structuredClone(DEFAULT_SETTINGS);
  let release: (() => void) | null = null;
  const ok = <T>(value: T): IpcResult<T> => ({ ok: true, value });
  const view = (): SettingsView => ({
    settings,
    secretsSet: { remoteToken: false, mongoUri: false },
    file: '/tmp/callboard/settings.json',
    secretsEncrypted: true,
  });

  const api: MemoryApi = {
    calls: [],
    snapshot,
    snapshotError: null,
    holdSnapshot: false,
    testReport: {
      ok: true,
      summary: 'Callboard server 0.1.0, protocol v2, 3 active calls',
      durationMs: 42,
    },
    releaseSnapshot: () => release?.(),
    transcripts: new Map(),
    transcriptError: null,
    emitTranscript(delta) {
      const full = { at: NOW, ...delta };
      for (const l of [...transcriptListeners]) l(full);
    },
    transcriptListenerCount: () => transcriptListeners.size,
    listenerCount: () => changeListeners.size + revealListeners.size,
    emit(delta) {
      const full = { at: NOW, ...delta };
      for (const l of [...changeListeners]) l(full);
    },
    reveal(target) {
      for (const l of [...revealListeners]) l(target);
    },
    async getSnapshot() {
      api.calls.push(['getSnapshot']);
      if (api.holdSnapshot) await new Promise<void>((r) => (release = r));
      if (api.snapshotError) return { ok: false, code: 'unavailable', message: api.snapshotError };
      return ok(api.snapshot);
    },
    onDidChange(listener) {
      changeListeners.add(listener);
      return () => changeListeners.delete(listener);
    },
    onDidRequestReveal(listener) {
      revealListeners.add(listener);
      return () => revealListeners.delete(listener);
    },
    async acknowledgeAlert(id) {
      api.calls.push(['acknowledgeAlert', id]);
      return ok(null);
    },
    async acknowledgeAllAlerts() {
      api.calls.push(['acknowledgeAllAlerts']);
      return ok(null);
    },
    async snoozeAlert(id, minutes) {
      api.calls.push(['snoozeAlert', id, minutes]);
      return ok(null);
    },
    async pauseAlerts(minutes) {
      api.calls.push(['pauseAlerts', minutes]);
      return ok(null);
    },
    async getSettings() {
      api.calls.push(['getSettings']);
      return ok(view());
    },
    async saveSettings(next) {
      api.calls.push(['saveSettings', next]);
      const parsed = parseSettings(next);
      if (!parsed.ok) return { ok: false, code: 'bad-request', message: parsed.error };
      settings = parsed.value;
      return ok(view());
    },
    async testConnection(next) {
      api.calls.push(['testConnection', next]);
      return ok(api.testReport);
    },
    async retryConnection() {
      api.calls.push(['retryConnection']);
      return ok(null);
    },
    async openExternal(url) {
      api.calls.push(['openExternal', url]);
      return ok(null);
    },
    async exportCsv(fileName, csv, record) {
      api.calls.push(['exportCsv', fileName, csv, record]);
      return ok({ saved: true, where: `/tmp/${fileName}` });
    },
    async openTranscript(callSid) {
      api.calls.push(['openTranscript', callSid]);
      if (api.transcriptError) {
        return { ok: false, code: 'unavailable', message: api.transcriptError };
      }
      return ok(api.transcripts.get(callSid) ?? transcriptView(callSid, { phase: 'loading' }));
    },
    async closeTranscript(callSid) {
      api.calls.push(['closeTranscript', callSid]);
      return ok(null);
    },
    onDidChangeTranscript(listener) {
      transcriptListeners.add(listener);
      return () => transcriptListeners.delete(listener);
    },
  };
  return api;
}
