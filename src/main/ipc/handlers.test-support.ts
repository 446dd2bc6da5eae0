import { silentLogger } from '../../shared/log';
import { createIpcHandlers, type IpcHandlers } from './handle';

export const TEST_APP_URL = 'file:///app/out/renderer/index.html';

/** handle() over a map, every message sent by the app's main frame: the renderer's view. */
export function testIpcHandlers(): {
  handlers: IpcHandlers;
  listeners: Map<string, (event: unknown, ...args: unknown[]) => Promise<unknown>>;
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
} {
  const listeners = new Map<string, (event: unknown, ...args: unknown[]) => Promise<unknown>>();
  const handlers = createIpcHandlers<unknown>({
    register: (channel, l) => (listeners.set(channel, l), () => listeners.delete(channel)),
    senderOf: () => ({ url: TEST_APP_URL, isMainFrame: true }),
    isTrustedUrl: (url) => url === TEST_APP_URL,
    logger: silentLogger,
  });
  const invoke = (channel: string, ...args: unknown[]) => listeners.get(channel)!(null, ...args);
  return { handlers, listeners, invoke };
}
