/**
 * The error labels a MongoDB server (4.4 and later, wire version 9+, as the emulator reports)
 * attaches to an error reply by itself, after mongod's src/mongo/db/error_labels.cpp. One
 * place for the rule: fail points without `errorLabels` and errors the emulator raises use it.
 */

/** ErrorCategory RetriableError (which includes the network errors 6, 7, 89, 9001). */
const RETRIABLE_CODES = new Set([
  6, 7, 89, 91, 134, 189, 262, 9001, 10107, 11600, 11602, 13435, 13436,
]);
/** ErrorCategory NeedRetargettingError: StaleShardVersion, StaleEpoch, StaleConfig. */
const NEED_RETARGETTING_CODES = new Set([63, 150, 13388]);
/** RetryChangeStream, FailedToSatisfyReadPreference. */
const CHANGE_STREAM_ONLY_CODES = new Set([234, 133]);
const WRITE_COMMANDS = new Set(['insert', 'update', 'delete', 'findAndModify']);

/** ErrorCategory NotPrimaryError and ShutdownError: replies carry the server's topologyVersion. */
const STATE_CHANGE_CODES = new Set([189, 10058, 10107, 11602, 13435, 13436, 91, 11600]);

/**
 * mongod appends its current `topologyVersion` to NotPrimary and shutdown errors
 * (appendErrorLabelsAndTopologyVersion); a driver then sees the error is no newer than what
 * its monitor knows and does not mark the server unknown (SDAM spec, "stale" errors).
 */
export function carriesTopologyVersion(code: number): boolean {
  return STATE_CHANGE_CODES.has(code);
}

export const RESUMABLE_LABEL = 'ResumableChangeStreamError';
export const RETRYABLE_WRITE_LABEL = 'RetryableWriteError';

export interface LabelContext {
  /** The command carries a `txnNumber` outside a transaction (a retryable write). */
  retryableWrite?: boolean;
  /**
   * The server knows this is a change stream: an `aggregate` whose pipeline starts with
   * `$changeStream`, or a `getMore` whose change-stream cursor it has already checked out.
   * A `failCommand` on `getMore` fires before the checkout, so it is not labelled resumable
   * (the driver's spec test "change stream does not resume if error does not contain
   * ResumableChangeStreamError" relies on it); `failGetMoreAfterCursorCheckout` is.
   */
  changeStream?: boolean;
  /** The code of the reply's writeConcernError, if it has one. */
  writeConcernCode?: number;
}

export function isResumableCode(code: number): boolean {
  return (
    RETRIABLE_CODES.has(code) ||
    NEED_RETARGETTING_CODES.has(code) ||
    CHANGE_STREAM_ONLY_CODES.has(code)
  );
}

/**
 * The labels a server adds itself to a reply from `commandName` with error `code` (undefined
 * for a reply that succeeded but may carry a writeConcernError).
 */
export function serverErrorLabels(
  commandName: string,
  code: number | undefined,
  context: LabelContext = {},
): string[] {
  const wcCode = context.writeConcernCode;
  if (
    (commandName === 'aggregate' || commandName === 'getMore') &&
    context.changeStream === true &&
    code !== undefined &&
    wcCode === undefined &&
    isResumableCode(code)
  ) {
    return [RESUMABLE_LABEL];
  }
  if (WRITE_COMMANDS.has(commandName) && context.retryableWrite === true) {
    const retriable = (c: number | undefined) => c !== undefined && RETRIABLE_CODES.has(c);
    if (retriable(code) || retriable(wcCode)) return [RETRYABLE_WRITE_LABEL];
  }
  return [];
}
