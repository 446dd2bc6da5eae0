import type { Page } from '@playwright/test';
import type { AppController } from '../../src/main/app/controller';
import { createIpcHandlers, type IpcHandlers } from '../../src/main/ipc/handle';
import { registerApiHandlers } from '../../src/main/ipc/register-api';
import { createPreloadApi } from '../../src/preload/api';
import { IPC_CHANNELS, type CsvExportResult } from '../../src/shared/ipc';
import type { Logger } from '../../src/shared/log';

/**
 * Electron IPC replaced by Playwright bindings, with everything else real: the page gets
 * `window.callboard` built by a small init script over two exposed bindings; the Node side
 * answers through the SAME handle() wrapper and API handlers as src/main (sender checks
 * and argument validation included), and pushes the core's batched deltas into the page.
 * The method -> channel table is read from the real preload (src/preload/api.ts), so the
 * harness cannot drift from it.
 */

interface Operation {
  name: string;
  channel: string;
  kind: 'invoke' | 'listen';
}

/** Calls every preload function against a recording ipcRenderer to learn its channel. */
export function preloadOperations(): Operation[] {
  let last: Operation | undefined;
  const api = createPreloadApi({
    invoke: async (channel) => {
      last = { name: '', channel, kind: 'invoke' };
      return { ok: true, value: null };
    },
    on: (channel) => {
      last = { name: '', channel, kind: 'listen' };
    },
    removeListener: () => {},
  });
  const ops: Operation[] = [];
  for (const [name, fn] of Object.entries(api) as [string, (...a: unknown[]) => unknown][]) {
    last = undefined;
    const result = fn(() => {}, 1);
    if (typeof result === 'object' && result !== null && 'catch' in result) {
      (result as Promise<unknown>).catch(() => {});
    }
    if (!last) throw new Error(`preload function ${name} used no channel`);
    ops.push({ ...(last as Operation), name });
  }
  return ops;
}

/** Runs in the page before its scripts: defines window.callboard over the bindings. */
function installCallboard(ops: Operation[]): void {
  type Listener = (value: unknown) => void;
  const w = window as unknown as {
    __callboardInvoke(channel: string, args: unknown[]): Promise<unknown>;
    __callboardPush?: (channel: string, value: unknown) => void;
    callboard?: unknown;
  };
  const listeners = new Map<string, Set<Listener>>();
  w.__callboardPush = (channel, value) => {
    for (const l of [...(listeners.get(channel) ?? [])]) l(value);
  };
  const api: Record<string, unknown> = {};
  for (const op of ops) {
    api[op.name] =
      op.kind === 'invoke'
        ? (...args: unknown[]) =>
            w.__callboardInvoke(op.channel, args).catch((e: unknown) => ({
              ok: false,
              code: 'unavailable',
              message: String(e),
            }))
        : (listener: Listener) => {
            const set = listeners.get(op.channel) ?? new Set<Listener>();
            listeners.set(op.channel, set);
            set.add(listener);
            return () => set.delete(listener);
          };
  }
  // Like contextBridge: a frozen object the page cannot rewire.
  Object.defineProperty(window, 'callboard', { value: Object.freeze(api), writable: false });
}

export interface Bridge {
  handlers: IpcHandlers;
  /** Sends a reveal request, as a clicked notification does. */
  reveal(target: unknown): Promise<void>;
  /** Deltas pushed into the page so far. */
  readonly pushed: number;
  dispose(): void;
}

export async function bridgeToPage(
  page: Page,
  controller: AppController,
  options: {
    appOrigin: string;
    logger: Logger;
    openExternal?: (url: string) => Promise<void>;
    saveCsv?: (fileName: string, csv: string) => Promise<CsvExportResult>;
  },
): Promise<Bridge> {
  const listeners = new Map<string, (event: unknown, ...args: unknown[]) => Promise<unknown>>();
  type Source = { frame: { url(): string }; page: { mainFrame(): unknown } };
  const handlers = createIpcHandlers<Source>({
    register: (channel, listener) => {
      listeners.set(channel, listener as never);
      return () => listeners.delete(channel);
    },
    senderOf: (source) => ({
      url: source.frame.url(),
      isMainFrame: source.frame === source.page.mainFrame(),
    }),
    isTrustedUrl: (url) => {
      try {
        return new URL(url).origin === options.appOrigin;
      } catch {
        return false;
      }
    },
    logger: options.logger,
  });
  registerApiHandlers(
    handlers,
    controller,
    options.openExternal ?? (async () => {}),
    options.saveCsv ?? (async () => ({ saved: false })),
  );

  await page.exposeBinding('__callboardInvoke', async (source, channel: unknown, args: unknown) => {
    const listener = typeof channel === 'string' ? listeners.get(channel) : undefined;
    if (!listener)
      return { ok: false, code: 'not-found', message: `no handler for ${String(channel)}` };
    return listener(source, ...(Array.isArray(args) ? args : []));
  });
  await page.addInitScript(installCallboard, preloadOperations());

  let pushed = 0;
  let closed = false;
  const push = async (channel: string, value: unknown) => {
    if (closed || page.isClosed()) return;
    await page
      .evaluate(
        ([c, v]) =>
          (
            window as unknown as { __callboardPush?: (c: string, v: unknown) => void }
          ).__callboardPush?.(c, v),
        [channel, value] as const,
      )
      .catch(() => {
        // The page navigated or closed; it asks for a snapshot when it loads again.
      });
  };
  const stopDeltas = controller.core.onDidChange((delta) => {
    pushed += 1;
    void push(IPC_CHANNELS.didChange, delta);
  });
  const stopTranscript = controller.core.onDidChangeTranscript(
    (delta) => void push(IPC_CHANNELS.didChangeTranscript, delta),
  );
  return {
    handlers,
    reveal: (target) => push(IPC_CHANNELS.didRequestReveal, target),
    get pushed() {
      return pushed;
    },
    dispose() {
      closed = true;
      stopDeltas();
      stopTranscript();
      handlers.dispose();
    },
  };
}
