/**
 * Document validation (3.2+): a collection's `validator` (a query filter), set by `create` or
 * `collMod` with `validationLevel` (`strict`, the default; `moderate`: updates to documents
 * that did not match are not checked; `off`) and `validationAction` (`error`, the default;
 * `warn`: accepted, as a server only logs it). A write with `bypassDocumentValidation: true`
 * is not checked. A document that fails is refused with 121 DocumentValidationFailure and an
 * `errInfo` with `failingDocumentId` and `details`: the validator's top-level clauses the
 * document fails (a server also says why each failed). `$jsonSchema` is not supported.
 */
import type { Document } from 'bson';
import { CommandError, badValue, bsonTypeName, toCommandError, typeMismatch } from './errors';
import { newQuery } from './query-options';
import { isPlainObject } from './values';

export const VALIDATION_OPTIONS = ['validator', 'validationLevel', 'validationAction'] as const;
const LEVELS = ['off', 'strict', 'moderate'];
const ACTIONS = ['error', 'warn', 'errorAndLog'];

/** Checks the validation options of `create` or `collMod` (`command`); throws on a bad one. */
export function checkValidationOptions(options: Document, command: string): void {
  const { validator, validationLevel, validationAction } = options;
  if (validator !== undefined) {
    if (!isPlainObject(validator)) {
      throw typeMismatch(
        `BSON field '${command}.validator' is the wrong type '${bsonTypeName(validator)}', expected type 'object'`,
      );
    }
    if (JSON.stringify(Object.keys(validator)).includes('$jsonSchema')) {
      throw badValue('$jsonSchema validators are not supported by the emulator');
    }
    try {
      newQuery(validator);
    } catch (error) {
      throw toCommandError(error);
    }
  }
  if (validationLevel !== undefined && !LEVELS.includes(validationLevel as string)) {
    throw badValue(
      `Enumeration value '${String(validationLevel)}' for field '${command}.validationLevel' is not a valid value.`,
    );
  }
  if (validationAction !== undefined && !ACTIONS.includes(validationAction as string)) {
    throw badValue(
      `Enumeration value '${String(validationAction)}' for field '${command}.validationAction' is not a valid value.`,
    );
  }
}

/**
 * The 121 error for writing `doc` into a collection with these options (`before`: the
 * document it replaces, for an update), or undefined when the write may go ahead.
 */
export function validationFailure(
  options: Document,
  doc: Document,
  before?: Document,
): CommandError | undefined {
  const validator = options.validator as Document | undefined;
  if (!validator || Object.keys(validator).length === 0) return undefined;
  const level = (options.validationLevel as string | undefined) ?? 'strict';
  const action = (options.validationAction as string | undefined) ?? 'error';
  if (level === 'off' || action === 'warn') return undefined;
  if (newQuery(validator).test(doc)) return undefined;
  if (level === 'moderate' && before && !newQuery(validator).test(before)) return undefined;
  const failing = Object.entries(validator)
    .map(([field, condition], index) => ({ index, clause: { [field]: condition } }))
    .filter(({ clause }) => !newQuery(clause).test(doc))
    .map(({ index, clause }) => ({
      index,
      details: {
        operatorName: operatorOf(clause),
        specifiedAs: clause,
        reason: 'expression did not match',
      },
    }));
  const details =
    failing.length === 1
      ? failing[0]!.details
      : { operatorName: '$and', clausesNotSatisfied: failing };
  return new CommandError(121, 'Document failed validation', [], {
    errInfo: { failingDocumentId: doc._id, details },
  });
}

/** The operator a clause applies: `$and` for `{ $and: [...] }`, `$type` for `{ x: { $type } }`. */
function operatorOf(clause: Document): string {
  const [field, condition] = Object.entries(clause)[0]!;
  if (field.startsWith('$')) return field;
  if (isPlainObject(condition)) {
    const op = Object.keys(condition).find((key) => key.startsWith('$'));
    if (op) return op;
  }
  return '$eq';
}
