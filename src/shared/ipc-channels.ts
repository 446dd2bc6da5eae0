/**
 * Channel names, `domain:verb`. Only src/main and src/preload use them. Kept apart from
 * ./ipc (which holds zod schemas) because a sandboxed preload may require nothing but
 * `electron`: this file must stay free of imports.
 */
export const IPC_CHANNELS = {
  getSnapshot: 'monitor:get-snapshot',
  didChange: 'monitor:did-change',
  didRequestReveal: 'monitor:did-request-reveal',
  acknowledgeAlert: 'alerts:acknowledge',
  acknowledgeAllAlerts: 'alerts:acknowledge-all',
  snoozeAlert: 'alerts:snooze',
  pauseAlerts: 'alerts:pause',
  getSettings: 'settings:get',
  saveSettings: 'settings:save',
  testConnection: 'settings:test-connection',
  retryConnection: 'connection:retry',
  openExternal: 'shell:open-external',
  exportCsv: 'export:save-csv',
  openTranscript: 'transcript:open',
  closeTranscript: 'transcript:close',
  didChangeTranscript: 'transcript:did-change',
} as const;
