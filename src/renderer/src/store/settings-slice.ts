import type { SetState, SettingsSlice } from './types';

export function createSettingsSlice(set: SetState): SettingsSlice {
  return {
    settingsView: null,
    setSettingsView: (settingsView) => set({ settingsView }),
  };
}
