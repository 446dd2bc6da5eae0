import type { CsvExportResult } from '../../shared/ipc';
import type { AppController } from '../app/controller';
import { checkExternalUrl } from '../security/external-url';
import { IpcError, type IpcHandlers } from './handle';

/**
 * Every invoke operation of CallboardApi, bound through handle() to the controller. The
 * listener channels (didChange, didRequestReveal) are pushes from main, see ./push.ts.
 */
export function registerApiHandlers(
  handlers: IpcHandlers,
  controller: AppController,
  openExternal: (url: string) => Promise<void>,
  saveCsv: (fileName: string, csv: string) => Promise<CsvExportResult>,
): void {
  handlers.handle('getSnapshot', () => controller.getSnapshot());
  handlers.handle('acknowledgeAlert', (id) => controller.acknowledgeAlert(id));
  handlers.handle('acknowledgeAllAlerts', () => controller.acknowledgeAllAlerts());
  handlers.handle('snoozeAlert', (id, minutes) => controller.snoozeAlert(id, minutes));
  handlers.handle('pauseAlerts', (minutes) => controller.pauseAlerts(minutes));
  handlers.handle('getSettings', () => controller.getSettings());
  handlers.handle('saveSettings', (settings) => controller.saveSettings(settings));
  handlers.handle('testConnection', (settings) => controller.testConnection(settings));
  handlers.handle('retryConnection', () => controller.retryConnection());
  handlers.handle('openTranscript', (callSid) => controller.openTranscript(callSid));
  handlers.handle('closeTranscript', (callSid) => controller.closeTranscript(callSid));
  handlers.handle('openExternal', async (url) => {
    const checked = checkExternalUrl(url);
    if (!checked.ok) throw new IpcError('bad-request', `not opened: ${checked.reason}`);
    await openExternal(checked.url);
    return null;
  });
  handlers.handle('exportCsv', async (fileName, csv, record) => {
    const result = await saveCsv(fileName, csv);
    if (result.saved) controller.recordExport(record);
    return result;
  });
}
