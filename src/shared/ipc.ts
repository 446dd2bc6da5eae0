import { z } from 'zod';
import type { MonitorDelta, MonitorSnapshot, TranscriptDelta, TranscriptView } from './monitor';
import { callKeySchema as callKey } from './protocol/transcript';
import type { Settings } from './settings';
import type { AlertTarget } from './alerts-types';

/**
 * The one IPC contract between the Electron main process and the renderer (and, in the web
 * dashboard, between the in-page monitor core and the same renderer). The preload exposes
 * exactly these functions as `window.callboard` and ends in `satisfies CallboardApi`.
 * Nothing throws across the boundary: every call resolves to an IpcResult.
 */

export type IpcResult<T> =
  { ok: true; value: T } | { ok: false; code: IpcErrorCode; message: string };

export type IpcErrorCode =
  'bad-request' | 'forbidden-sender' | 'not-found' | 'unavailable' | 'internal';

export interface ConnectionTestReport {
  ok: boolean;
  /** What was reached, in words: "Callboard server 0.1.0, protocol v2, 12 active calls". */
  summary: string;
  /** When not ok: what failed and where ("cannot reach MongoDB at db:27017: connection refused"). */
  error?: string;
  durationMs: number;
}

/** Settings as the renderer sees them: secrets are never sent back, only whether one is set. */
export interface SettingsView {
  settings: Settings;
  secretsSet: { remoteToken: boolean; mongoUri: boolean };
  /** Where the settings file lives, and a problem found when it was loaded, if any. */
  file: string;
  loadProblem?: string;
  /** Whether secrets are encrypted at rest on this machine (Electron safeStorage). */
  secretsEncrypted: boolean;
}

/** What became of an "Export CSV": saved (and where, for the desktop), or the user cancelled. */
export type CsvExportResult = { saved: true; where: string } | { saved: false };

/** What an export was, for the server's audit log (`audit:export`, docs/protocol.md). */
export interface ExportRecord {
  view: 'active' | 'recent' | 'agents';
  rows: number;
}

/** The largest CSV the app writes in one export (10,000 calls with summaries fit). */
export const MAX_CSV_EXPORT_CHARS = 64 * 1024 * 1024;

export type Unsubscribe = () => void;

export interface CallboardApi {
  getSnapshot(): Promise<IpcResult<MonitorSnapshot>>;
  /** Batched deltas from the core; returns a function that stops the subscription. */
  onDidChange(listener: (delta: MonitorDelta) => void): Unsubscribe;
  /** The shell asks the renderer to show a call or campaign (a notification was clicked). */
  onDidRequestReveal(listener: (target: AlertTarget) => void): Unsubscribe;
  acknowledgeAlert(alertId: string): Promise<IpcResult<null>>;
  acknowledgeAllAlerts(): Promise<IpcResult<null>>;
  snoozeAlert(alertId: string, minutes: number): Promise<IpcResult<null>>;
  pauseAlerts(minutes: number): Promise<IpcResult<null>>;
  getSettings(): Promise<IpcResult<SettingsView>>;
  /** Validates and applies; switching mode tears the old feed down. Empty secret = keep. */
  saveSettings(settings: Settings): Promise<IpcResult<SettingsView>>;
  testConnection(settings: Settings): Promise<IpcResult<ConnectionTestReport>>;
  retryConnection(): Promise<IpcResult<null>>;
  openExternal(url: string): Promise<IpcResult<null>>;
  /**
   * Offers `csv` to the user as a file named `fileName` (a save dialog in the desktop app, a
   * download in the web dashboard).
   */
  exportCsv(
    fileName: string,
    csv: string,
    record: ExportRecord,
  ): Promise<IpcResult<CsvExportResult>>;
  /**
   * Opens a call's transcript (closing the one open before) and returns what is held now;
   * changes follow on onDidChangeTranscript, for this call only, until closeTranscript.
   */
  openTranscript(callSid: string): Promise<IpcResult<TranscriptView>>;
  closeTranscript(callSid: string): Promise<IpcResult<null>>;
  /** Batched changes of the open transcript; returns a function that stops the subscription. */
  onDidChangeTranscript(listener: (delta: TranscriptDelta) => void): Unsubscribe;
}

// Channel names live in ./ipc-channels (no zod), so the sandboxed preload can bundle them.
export { IPC_CHANNELS } from './ipc-channels';

/** Argument schemas for the invoke channels, checked by main's handle() wrapper. */
const alertId = z.string().min(1).max(512);
const minutes = z
  .number()
  .int()
  .min(1)
  .max(24 * 60);
export const IPC_ARGS = {
  getSnapshot: z.tuple([]),
  acknowledgeAlert: z.tuple([alertId]),
  acknowledgeAllAlerts: z.tuple([]),
  snoozeAlert: z.tuple([alertId, minutes]),
  pauseAlerts: z.tuple([minutes]),
  getSettings: z.tuple([]),
  saveSettings: z.tuple([z.unknown()]),
  testConnection: z.tuple([z.unknown()]),
  retryConnection: z.tuple([]),
  openExternal: z.tuple([z.string().max(4096)]),
  exportCsv: z.tuple([
    z.string().regex(/^[\w.-]{1,120}\.csv$/, {
      error: 'the file name must be letters, digits, ".", "_" or "-" ending in .csv (no folders)',
    }),
    z.string().max(MAX_CSV_EXPORT_CHARS, {
      error: `the export is larger than ${MAX_CSV_EXPORT_CHARS / 1024 / 1024} MB`,
    }),
    z.strictObject({
      view: z.enum(['active', 'recent', 'agents']),
      rows: z.number().int().nonnegative().max(10_000_000),
    }),
  ]),
  openTranscript: z.tuple([callKey]),
  closeTranscript: z.tuple([callKey]),
} as const;
