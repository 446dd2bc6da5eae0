/**
 * The `failCommand` fail point as MongoDB defines it: `configureFailPoint` with mode
 * (`alwaysOn`, `off`, `{ times: n }`, `{ skip: n }`) and data (failCommands, errorCode,
 * errorLabels, closeConnection, blockConnection + blockTimeMS, writeConcernError, appName).
 */
import type { Document } from 'bson';
import { CommandError, badValue } from './errors';
import { isPlainObject } from './values';

/** Codes a server treats as transient (retryable writes, resumable change streams). */
const RETRYABLE_CODES = new Set([
  6, 7, 89, 91, 134, 189, 262, 9001, 10107, 11600, 11602, 13435, 13436, 63, 150, 13388, 234, 133,
]);
const WRITE_COMMANDS = new Set(['insert', 'update', 'delete', 'findAndModify']);

/** The labels a server adds itself when the fail point does not name any. */
function defaultLabels(commandName: string, code: number, retryableWrite: boolean): string[] {
  if (!RETRYABLE_CODES.has(code)) return [];
  if (commandName === 'getMore') return ['ResumableChangeStreamError'];
  if (WRITE_COMMANDS.has(commandName) && retryableWrite) return ['RetryableWriteError'];
  return [];
}

export interface FailAction {
  closeConnection: boolean;
  blockTimeMS: number;
  error?: CommandError;
  writeConcernError?: Document;
}

interface FailCommandConfig {
  mode: 'alwaysOn' | 'times' | 'skip';
  count: number;
  commands: Set<string>;
  data: Document;
}

export class FailPoints {
  private failCommand?: FailCommandConfig;

  configure(command: Document): void {
    const name = command.configureFailPoint;
    if (name !== 'failCommand') {
      throw badValue(`Unknown fail point: ${String(name)} (the emulator supports failCommand)`);
    }
    const mode = command.mode;
    if (mode === 'off') {
      this.failCommand = undefined;
      return;
    }
    const data = command.data;
    if (!isPlainObject(data) || !Array.isArray(data.failCommands)) {
      throw badValue('failCommand requires data.failCommands, an array of command names');
    }
    const commands = new Set(data.failCommands.map(String));
    if (mode === 'alwaysOn') {
      this.failCommand = { mode: 'alwaysOn', count: 0, commands, data };
    } else if (isPlainObject(mode) && typeof mode.times === 'number' && mode.times >= 0) {
      this.failCommand = { mode: 'times', count: mode.times, commands, data };
    } else if (isPlainObject(mode) && typeof mode.skip === 'number' && mode.skip >= 0) {
      this.failCommand = { mode: 'skip', count: mode.skip, commands, data };
    } else {
      throw badValue(`Invalid fail point mode: ${JSON.stringify(mode)}`);
    }
  }

  /** What to do instead of (or before) running `commandName`, consuming one activation. */
  check(
    commandName: string,
    appName: string | undefined,
    retryableWrite = false,
  ): FailAction | undefined {
    const config = this.failCommand;
    if (!config || !config.commands.has(commandName)) return undefined;
    const data = config.data;
    if (typeof data.appName === 'string' && data.appName !== appName) return undefined;
    if (config.mode === 'skip') {
      if (config.count > 0) {
        config.count -= 1;
        return undefined;
      }
    } else if (config.mode === 'times') {
      if (config.count <= 0) return undefined;
      config.count -= 1;
      if (config.count === 0) this.failCommand = undefined;
    }
    const action: FailAction = {
      closeConnection: data.closeConnection === true,
      blockTimeMS: data.blockConnection === true ? Number(data.blockTimeMS ?? 0) : 0,
    };
    if (typeof data.errorCode === 'number') {
      const labels = Array.isArray(data.errorLabels)
        ? data.errorLabels.map(String)
        : defaultLabels(commandName, data.errorCode, retryableWrite);
      action.error = new CommandError(
        data.errorCode,
        `Failing command ${commandName} due to failCommand failpoint`,
        labels,
      );
    }
    if (isPlainObject(data.writeConcernError)) action.writeConcernError = data.writeConcernError;
    return action;
  }
}
