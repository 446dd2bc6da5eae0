import type { z } from 'zod';
import { describeZodError } from '../../shared/domain/schemas';
import {
  IPC_ARGS,
  IPC_CHANNELS,
  type CallboardApi,
  type IpcErrorCode,
  type IpcResult,
} from '../../shared/ipc';
import { redactText, type Logger } from '../../shared/log';
import { plainDataProblem } from './plain-data';

/**
 * The one way main answers the renderer (docs/desktop.md, "Security model"): every invoke
 * channel goes through handle(), which refuses senders that are not the app's main frame,
 * validates the arguments with IPC_ARGS, and turns every outcome, thrown errors included,
 * into an IpcResult. Nothing throws across the boundary.
 */

export type InvokeOperation = keyof typeof IPC_ARGS;

type ApiValue<K extends InvokeOperation> =
  Awaited<ReturnType<CallboardApi[K]>> extends IpcResult<infer T> ? T : never;

export type IpcImpl<K extends InvokeOperation> = (
  ...args: z.output<(typeof IPC_ARGS)[K]>
) => ApiValue<K> | Promise<ApiValue<K>>;

/** What the wrapper needs to know about who sent a message. */
export interface IpcSender {
  url: string;
  isMainFrame: boolean;
}

/** A failure the handler reports on purpose, with a code and a message the user can act on. */
export class IpcError extends Error {
  constructor(
    readonly code: IpcErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'IpcError';
  }
}

export interface IpcHandlerDeps<E> {
  /** ipcMain.handle in the app; a map in tests. Returns a function that removes the handler. */
  register(
    channel: string,
    listener: (event: E, ...args: unknown[]) => Promise<unknown>,
  ): () => void;
  /** Reads the sender frame from the event; null when the frame is gone. */
  senderOf(event: E): IpcSender | null;
  isTrustedUrl(url: string): boolean;
  logger: Logger;
}

export interface IpcHandlers {
  handle<K extends InvokeOperation>(operation: K, impl: IpcImpl<K>): void;
  /** Removes every handler registered through this object. */
  dispose(): void;
}

const fail = (code: IpcErrorCode, message: string) => ({ ok: false as const, code, message });

export function createIpcHandlers<E>(deps: IpcHandlerDeps<E>): IpcHandlers {
  const removers: (() => void)[] = [];
  const log = deps.logger.child('ipc');

  return {
    handle(operation, impl) {
      const channel = IPC_CHANNELS[operation];
      const schema = IPC_ARGS[operation] as z.ZodType;
      const listener = async (event: E, ...args: unknown[]): Promise<IpcResult<unknown>> => {
        let sender: IpcSender | null;
        try {
          sender = deps.senderOf(event);
        } catch {
          sender = null;
        }
        if (!sender || !sender.isMainFrame || !deps.isTrustedUrl(sender.url)) {
          log.warn('refused an IPC call from an untrusted sender', {
            channel,
            url: sender?.url.slice(0, 200) ?? null,
            mainFrame: sender?.isMainFrame ?? null,
          });
          return fail('forbidden-sender', `${channel}: the sender is not the app's main window`);
        }
        const problem = plainDataProblem(args);
        if (problem) return fail('bad-request', `${channel}: ${problem}`);
        const parsed = schema.safeParse(args);
        if (!parsed.success) {
          return fail(
            'bad-request',
            describeZodError(`${channel}: invalid arguments`, parsed.error),
          );
        }
        try {
          const call = impl as (...a: unknown[]) => unknown;
          const value = await call(...(parsed.data as unknown[]));
          return { ok: true, value };
        } catch (error) {
          if (error instanceof IpcError) return fail(error.code, error.message);
          log.error('IPC handler failed', { channel, error });
          return fail(
            'internal',
            redactText(`${channel} failed: ${(error as Error)?.message ?? String(error)}`),
          );
        }
      };
      removers.push(deps.register(channel, listener));
    },
    dispose() {
      for (const remove of removers.splice(0)) remove();
    },
  };
}
