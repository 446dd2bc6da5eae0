/**
 * What a process does with an error nothing caught (an unhandled promise rejection or an
 * uncaught exception): decided once per process, at its entry point (docs/architecture.md,
 * "Failures nothing caught").
 *
 * - `exit` (the CLI: `serve`, `tail`, `emulator`): say what happened on stderr and exit 70
 *   (EX_SOFTWARE). A server in an unknown state must not go on serving what may be stale;
 *   its supervisor (systemd, Docker, the balancer) restarts it and clients resync.
 * - `recover` (the Electron main process): log it and go on. Quitting would take the
 *   supervisor's screen away; the feed's own state (live / reconnecting / stale) is what
 *   tells the user whether what they see is current.
 */

/** The part of `process` the policy needs (a real `process`, or an EventEmitter in tests). */
export interface ProcessLike {
  on(event: 'unhandledRejection', listener: (reason: unknown) => void): unknown;
  on(event: 'uncaughtException', listener: (error: Error) => void): unknown;
  off(event: 'unhandledRejection', listener: (reason: unknown) => void): unknown;
  off(event: 'uncaughtException', listener: (error: Error) => void): unknown;
}

export type FailureKind = 'unhandled rejection' | 'uncaught exception';

export type FailurePolicy =
  | { mode: 'exit'; name: string; stderr: (text: string) => void; exit: (code: number) => void }
  | { mode: 'recover'; report: (kind: FailureKind, error: unknown) => void };

/** The exit code for an internal error (sysexits' EX_SOFTWARE). */
export const INTERNAL_ERROR_EXIT = 70;

function describe(error: unknown): string {
  if (error instanceof Error) return error.stack ?? `${error.name}: ${error.message}`;
  try {
    return `a non-error value: ${JSON.stringify(error)}`;
  } catch {
    return `a non-error value: ${String(error)}`;
  }
}

/** Installs the policy on `target`; returns a function that removes it. */
export function installFailurePolicy(target: ProcessLike, policy: FailurePolicy): () => void {
  let exiting = false;
  const handle = (kind: FailureKind, error: unknown) => {
    if (policy.mode === 'recover') {
      policy.report(kind, error);
      return;
    }
    if (exiting) return;
    exiting = true;
    policy.stderr(
      `${policy.name}: internal error (${kind}), exiting with code ${INTERNAL_ERROR_EXIT}: ` +
        `${describe(error)}\n`,
    );
    policy.exit(INTERNAL_ERROR_EXIT);
  };
  const onRejection = (reason: unknown) => handle('unhandled rejection', reason);
  const onException = (error: Error) => handle('uncaught exception', error);
  target.on('unhandledRejection', onRejection);
  target.on('uncaughtException', onException);
  return () => {
    target.off('unhandledRejection', onRejection);
    target.off('uncaughtException', onException);
  };
}
