import { join } from 'node:path';
import type { CsvExportResult } from '../../shared/ipc';
import type { Logger } from '../../shared/log';
import { IpcError } from '../ipc/handle';

/**
 * "Export CSV" in the desktop app: the renderer built the file (src/shared/export); main asks
 * where to save it with the OS save dialog (in the downloads folder by default) and writes
 * it. Cancelling is not an error. The file holds call data, so it is written private to the
 * user (writePrivateFile: temp file, fsync, rename, mode 0600).
 */
export interface CsvSaverDeps {
  /** The OS save dialog (dialog.showSaveDialog); resolves with the chosen path or canceled. */
  showSaveDialog(defaultPath: string): Promise<{ canceled: boolean; filePath?: string }>;
  write(path: string, text: string): Promise<void>;
  /** Where the dialog opens (app.getPath('downloads')). */
  defaultDir(): string;
  logger: Logger;
}

export function createCsvSaver(
  deps: CsvSaverDeps,
): (fileName: string, csv: string) => Promise<CsvExportResult> {
  const log = deps.logger.child('export');
  return async (fileName, csv) => {
    const chosen = await deps.showSaveDialog(join(deps.defaultDir(), fileName));
    if (chosen.canceled || !chosen.filePath) return { saved: false };
    const path = chosen.filePath;
    try {
      await deps.write(path, csv);
    } catch (error) {
      throw new IpcError(
        'internal',
        `cannot write ${path}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    log.info('exported CSV', { path, chars: csv.length });
    return { saved: true, where: path };
  };
}
