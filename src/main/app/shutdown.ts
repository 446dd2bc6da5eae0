import type { Logger } from '../../shared/log';

/**
 * Clean shutdown: every part registers its closer; quitting runs them in reverse order of
 * registration (last started, first stopped), each awaited and bounded, so a stuck socket
 * cannot keep the app from quitting. Idempotent.
 */
export interface Shutdown {
  add(name: string, close: () => void | Promise<void>): void;
  run(): Promise<void>;
}

export function createShutdown(logger: Logger, timeoutMs = 5_000): Shutdown {
  const closers: { name: string; close: () => void | Promise<void> }[] = [];
  let running: Promise<void> | null = null;
  return {
    add(name, close) {
      closers.push({ name, close });
    },
    run() {
      running ??= (async () => {
        for (const { name, close } of closers.splice(0).reverse()) {
          let timer: ReturnType<typeof setTimeout> | undefined;
          const timeout = new Promise<'timeout'>((resolve) => {
            timer = setTimeout(() => resolve('timeout'), timeoutMs);
          });
          try {
            const result = await Promise.race([Promise.resolve(close()).then(() => 'ok'), timeout]);
            if (result === 'timeout') logger.warn(`${name} did not close within ${timeoutMs} ms`);
          } catch (error) {
            logger.error(`${name} failed to close`, { error });
          } finally {
            clearTimeout(timer);
          }
        }
      })();
      return running;
    },
  };
}
