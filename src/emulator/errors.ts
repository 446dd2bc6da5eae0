/** Command errors as a MongoDB server reports them: `{ ok: 0, errmsg, code, codeName }`. */
import type { Document } from 'bson';

export const CODE_NAMES: Record<number, string> = {
  1: 'InternalError',
  2: 'BadValue',
  6: 'HostUnreachable',
  9: 'FailedToParse',
  11: 'UserNotFound',
  14: 'TypeMismatch',
  20: 'IllegalOperation',
  26: 'NamespaceNotFound',
  27: 'IndexNotFound',
  43: 'CursorNotFound',
  47: 'NoMatchingDocument',
  48: 'NamespaceExists',
  50: 'MaxTimeMSExpired',
  52: 'DollarPrefixedFieldName',
  59: 'CommandNotFound',
  66: 'ImmutableField',
  72: 'InvalidOptions',
  73: 'InvalidNamespace',
  85: 'IndexOptionsConflict',
  86: 'IndexKeySpecsConflict',
  89: 'NetworkTimeout',
  91: 'ShutdownInProgress',
  121: 'DocumentValidationFailure',
  189: 'PrimarySteppedDown',
  237: 'CursorKilled',
  260: 'InvalidResumeToken',
  263: 'OperationNotSupportedInTransaction',
  280: 'ChangeStreamFatalError',
  286: 'ChangeStreamHistoryLost',
  10107: 'NotWritablePrimary',
  11000: 'DuplicateKey',
  11600: 'InterruptedAtShutdown',
  13435: 'NotPrimaryNoSecondaryOk',
  40324: 'Location40324',
  40573: 'Location40573',
};

export class CommandError extends Error {
  override name = 'CommandError';
  constructor(
    readonly code: number,
    message: string,
    readonly labels: string[] = [],
    readonly extra: Document = {},
  ) {
    super(message);
  }

  toReply(): Document {
    const reply: Document = {
      ok: 0,
      errmsg: this.message,
      code: this.code,
      codeName: CODE_NAMES[this.code] ?? `Location${this.code}`,
      ...this.extra,
    };
    if (this.labels.length > 0) reply.errorLabels = this.labels;
    return reply;
  }
}

export const badValue = (message: string) => new CommandError(2, message);
export const typeMismatch = (message: string) => new CommandError(14, message);

/** Turns anything thrown while running a command into a CommandError. */
export function toCommandError(error: unknown): CommandError {
  if (error instanceof CommandError) return error;
  const message = error instanceof Error ? error.message : String(error);
  // mingo reports bad operators and expressions as MingoErrors: a bad request, not a crash.
  if (
    error instanceof Error &&
    (error.constructor.name === 'MingoError' || message.startsWith('mingo:'))
  ) {
    const stage = /unregistered pipeline operator (\$\w+)/.exec(message);
    if (stage) return new CommandError(40324, `Unrecognized pipeline stage name: '${stage[1]}'`);
    return new CommandError(2, message);
  }
  return new CommandError(1, `internal emulator error: ${message}`);
}

/** The BSON type name MongoDB uses in "must be of type" messages. */
export function bsonTypeName(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'missing';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'string') return 'string';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'double';
  if (value instanceof Date) return 'date';
  if (value instanceof RegExp) return 'regex';
  const tag = (value as { _bsontype?: string })._bsontype;
  if (tag === 'Long') return 'long';
  if (tag === 'ObjectId') return 'objectId';
  if (tag) return tag.toLowerCase();
  return 'object';
}

/** MongoDB's message for a field of the wrong type (code 14 TypeMismatch). */
export function expectType(
  command: Document,
  field: string,
  check: (v: unknown) => boolean,
  expected: string,
): void {
  const value = command[field];
  if (value !== undefined && !check(value)) {
    throw typeMismatch(
      `BSON field '${field}' is the wrong type '${bsonTypeName(value)}', expected type '${expected}'`,
    );
  }
}

/**
 * Thrown by a command handler that must close its connection without replying (a fail
 * point's `closeConnection` after the write was applied): the connection catches it.
 */
export class CloseConnection extends Error {
  override name = 'CloseConnection';
  constructor(reason: string) {
    super(reason);
  }
}
