import { CliError, type CliCommand } from '../command';

// Placeholder until its issue lands; owned by the tail work.
export const tailCommand: CliCommand = {
  name: 'tail',
  summary: '(tail: not built yet)',
  usage: 'Usage: callboard tail',
  async run() {
    throw new CliError('tail is not available in this build yet');
  },
};
