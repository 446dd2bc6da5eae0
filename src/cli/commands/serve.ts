import { CliError, type CliCommand } from '../command';

// Placeholder until its issue lands; owned by the serve work.
export const serveCommand: CliCommand = {
  name: 'serve',
  summary: '(serve: not built yet)',
  usage: 'Usage: callboard serve',
  async run() {
    throw new CliError('serve is not available in this build yet');
  },
};
