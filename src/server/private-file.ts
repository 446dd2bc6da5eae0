import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import writeFileAtomic from 'write-file-atomic';

/**
 * The one way Callboard writes its own state files (resume tokens, settings, window state):
 * readable by its user only, written to a temporary file, fsynced and renamed over the old
 * one (write-file-atomic), so a crash or a full disk leaves the previous file, never a torn
 * one. Creates the folder if needed. Writes land one at a time, in call order (below).
 */
export function writePrivateFile(file: string, text: string): Promise<void> {
  const next = inFlight.then(async () => {
    await mkdir(dirname(file), { recursive: true });
    await writeFileAtomic(file, text, { mode: 0o600 });
  });
  inFlight = next.catch(() => {});
  return next;
}

/*
 * One write at a time in the process. write-file-atomic registers a signal-exit handler for
 * each write in flight, and signal-exit (4.x) takes "handlers registered" for "SIGTERM
 * listeners that are not mine": with two writes in flight and one listener of the process's
 * own (serve's stop), a SIGTERM looked unhandled to it and it re-raised the signal, killing
 * the process mid-shutdown (found by test/scale-out's rolling restart). Process-wide because
 * signal-exit's count is.
 */
let inFlight: Promise<void> = Promise.resolve();
