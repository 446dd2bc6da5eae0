/**
 * Fail points as MongoDB defines them, set with `configureFailPoint` (mode `alwaysOn`, `off`,
 * `{ times: n }`, `{ skip: n }`):
 * - `failCommand`: data failCommands, errorCode, errorLabels, closeConnection,
 *   blockConnection + blockTimeMS, writeConcernError, appName; checked before a command runs.
 * - `failGetMoreAfterCursorCheckout`: data errorCode (default 1 InternalError), appName;
 *   checked by `getMore` once it holds the cursor, so the server knows a change stream's
 *   getMore and labels a resumable error `ResumableChangeStreamError` (mongod's
 *   getmore_cmd.cpp); the cursor is then killed, as a getMore that fails after checkout does.
 * - `onPrimaryTransactionalWrite`: data closeConnection (default true),
 *   failBeforeCommitExceptionCode, appName (an emulator extension: mongod ignores it); checked
 *   by each statement of a retryable write (`txnNumber`) just before its write is applied, as
 *   mongod's transaction_participant.cpp does when the write is about to commit: the
 *   connection is closed (the reply is lost, the write kept) and, given a code, the write is
 *   not applied and fails with that code.
 */
import type { Document } from 'bson';
import { serverErrorLabels, type LabelContext } from './error-labels';
import { CommandError, badValue } from './errors';
import { isPlainObject } from './values';

export interface FailAction {
  closeConnection: boolean;
  blockTimeMS: number;
  error?: CommandError;
  writeConcernError?: Document;
  /** The labels of a reply that succeeded but carries `writeConcernError`. */
  writeConcernLabels?: string[];
}

interface FailPointConfig {
  mode: 'alwaysOn' | 'times' | 'skip';
  count: number;
  commands: Set<string>;
  data: Document;
}

const FAIL_COMMAND = 'failCommand';
const AFTER_CHECKOUT = 'failGetMoreAfterCursorCheckout';
const TRANSACTIONAL_WRITE = 'onPrimaryTransactionalWrite';
const KNOWN = [FAIL_COMMAND, AFTER_CHECKOUT, TRANSACTIONAL_WRITE];
/** The commands whose statements `onPrimaryTransactionalWrite` can fail. */
const WRITE_COMMANDS = ['insert', 'update', 'delete', 'findAndModify', 'findandmodify'];

/** What `onPrimaryTransactionalWrite` does to a statement about to write. */
export interface TransactionalWriteAction {
  closeConnection: boolean;
  /** Set: the write is not applied and fails with this error. */
  error?: CommandError;
}

function parseMode(mode: unknown): Pick<FailPointConfig, 'mode' | 'count'> {
  if (mode === 'alwaysOn') return { mode: 'alwaysOn', count: 0 };
  if (isPlainObject(mode) && typeof mode.times === 'number' && mode.times >= 0) {
    return { mode: 'times', count: mode.times };
  }
  if (isPlainObject(mode) && typeof mode.skip === 'number' && mode.skip >= 0) {
    return { mode: 'skip', count: mode.skip };
  }
  throw badValue(`Invalid fail point mode: ${JSON.stringify(mode)}`);
}

export class FailPoints {
  private readonly active = new Map<string, FailPointConfig>();

  configure(command: Document): void {
    const name = command.configureFailPoint;
    if (typeof name !== 'string' || !KNOWN.includes(name)) {
      throw badValue(
        `Unknown fail point: ${String(name)} (the emulator supports ${KNOWN.join(', ')})`,
      );
    }
    if (command.mode === 'off') {
      this.active.delete(name);
      return;
    }
    const data: unknown = command.data ?? {};
    if (!isPlainObject(data)) throw badValue(`${name} data must be an object`);
    let commands: Set<string>;
    if (name === FAIL_COMMAND) {
      if (!Array.isArray(data.failCommands)) {
        throw badValue('failCommand requires data.failCommands, an array of command names');
      }
      commands = new Set(data.failCommands.map(String));
    } else if (name === TRANSACTIONAL_WRITE) {
      commands = new Set(WRITE_COMMANDS);
    } else {
      commands = new Set(['getMore']);
    }
    for (const field of ['errorCode', 'failBeforeCommitExceptionCode']) {
      if (data[field] !== undefined && typeof data[field] !== 'number') {
        throw badValue(`${name} data.${field} must be a number`);
      }
    }
    if (data.closeConnection !== undefined && typeof data.closeConnection !== 'boolean') {
      throw badValue(`${name} data.closeConnection must be a boolean`);
    }
    this.active.set(name, { ...parseMode(command.mode), commands, data });
  }

  /** What to do instead of (or before) running `commandName`, consuming one activation. */
  check(
    commandName: string,
    appName: string | undefined,
    context: LabelContext = {},
  ): FailAction | undefined {
    const data = this.activate(FAIL_COMMAND, commandName, appName);
    if (!data) return undefined;
    const action: FailAction = {
      closeConnection: data.closeConnection === true,
      blockTimeMS: data.blockConnection === true ? Number(data.blockTimeMS ?? 0) : 0,
    };
    if (typeof data.errorCode === 'number') {
      action.error = failure(
        data,
        data.errorCode,
        `Failing command ${commandName} due to failCommand failpoint`,
        serverErrorLabels(commandName, data.errorCode, context),
      );
    }
    if (isPlainObject(data.writeConcernError)) {
      const wce = data.writeConcernError;
      action.writeConcernError = wce;
      const writeConcernCode = typeof wce.code === 'number' ? wce.code : undefined;
      action.writeConcernLabels = Array.isArray(data.errorLabels)
        ? data.errorLabels.map(String)
        : serverErrorLabels(commandName, undefined, { ...context, writeConcernCode });
    }
    return action;
  }

  /**
   * The error `failGetMoreAfterCursorCheckout` raises in a getMore that holds its cursor
   * (consuming one activation), or undefined.
   */
  afterCursorCheckout(
    appName: string | undefined,
    changeStream: boolean,
  ): CommandError | undefined {
    const data = this.activate(AFTER_CHECKOUT, 'getMore', appName);
    if (!data) return undefined;
    const code = typeof data.errorCode === 'number' ? data.errorCode : 1;
    return failure(
      data,
      code,
      `Hit the '${AFTER_CHECKOUT}' failpoint`,
      serverErrorLabels('getMore', code, { changeStream }),
    );
  }

  /**
   * What `onPrimaryTransactionalWrite` does to a statement of the retryable write
   * `commandName` that is about to write (consuming one activation), or undefined.
   */
  transactionalWrite(
    commandName: string,
    appName: string | undefined,
  ): TransactionalWriteAction | undefined {
    const data = this.activate(TRANSACTIONAL_WRITE, commandName, appName);
    if (!data) return undefined;
    const action: TransactionalWriteAction = { closeConnection: data.closeConnection !== false };
    const code: unknown = data.failBeforeCommitExceptionCode;
    if (typeof code === 'number') {
      action.error = new CommandError(
        code,
        `Failing write due to the ${TRANSACTIONAL_WRITE} failpoint. The write must not be reflected.`,
      );
    }
    return action;
  }

  /** The fail point's data if it fires now for this command and client. */
  private activate(
    name: string,
    commandName: string,
    appName: string | undefined,
  ): Document | undefined {
    const config = this.active.get(name);
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
      if (config.count === 0) this.active.delete(name);
    }
    return data;
  }
}

/** `errorLabels` in the data replace the labels the server would add itself. */
function failure(data: Document, code: number, message: string, labels: string[]): CommandError {
  const own = Array.isArray(data.errorLabels) ? data.errorLabels.map(String) : labels;
  return new CommandError(code, message, own);
}
