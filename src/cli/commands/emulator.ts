import { CliError, type CliCommand } from '../command';

// Placeholder until its issue lands; owned by the emulator work.
export const emulatorCommand: CliCommand = {
  name: 'emulator',
  summary: '(emulator: not built yet)',
  usage: 'Usage: callboard emulator',
  async run() {
    throw new CliError('emulator is not available in this build yet');
  },
};
