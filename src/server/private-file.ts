import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import writeFileAtomic from 'write-file-atomic';

/**
 * The one way Callboard writes its own state files (resume tokens, settings, window state):
 * readable by its user only, written to a temporary file, fsynced and renamed over the old
 * one (write-file-atomic), so a crash or a full disk leaves the previous file, never a torn
 * one. Creates the folder if needed. Writes to one file land in call order (write-file-atomic
 * queues them as it is called; the folder is made synchronously so nothing reorders them first).
 */
export async function writePrivateFile(file: string, text: string): Promise<void> {
  mkdirSync(dirname(file), { recursive: true });
  await writeFileAtomic(file, text, { mode: 0o600 });
}
