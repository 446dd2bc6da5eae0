/** The project's MongoDB wire-protocol emulator (see docs/emulator.md). */
export { startEmulator, DEFAULT_HISTORY_SIZE } from './server';
export type { EmulatorOptions, RunningEmulator } from './server';
export type { EmulatorLogger } from './context';
export { openTestDatabase } from './test-target';
export type { TestDatabase, TestDatabaseOptions } from './test-target';
