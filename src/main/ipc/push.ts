import type { AlertTarget } from '../../shared/alerts-types';
import { IPC_CHANNELS } from '../../shared/ipc';
import type { MonitorCore } from '../../core/monitor/monitor-core';

/**
 * Main -> renderer pushes. The core already batches (one delta per flush window), so each
 * delta is one IPC message. `send` is webContents.send of the live window, or a no-op while
 * the window is closed to the tray (the renderer asks for a snapshot when it loads again).
 */
export type Send = (channel: string, payload: unknown) => void;

export function initializeDeltaPush({ core, send }: { core: MonitorCore; send: Send }): () => void {
  return core.onDidChange((delta) => send(IPC_CHANNELS.didChange, delta));
}

/** The open transcript's deltas: the core sends them for the one open call only. */
export function initializeTranscriptPush({
  core,
  send,
}: {
  core: MonitorCore;
  send: Send;
}): () => void {
  return core.onDidChangeTranscript((delta) => send(IPC_CHANNELS.didChangeTranscript, delta));
}

export function sendReveal(send: Send, target: AlertTarget): void {
  send(IPC_CHANNELS.didRequestReveal, target);
}
