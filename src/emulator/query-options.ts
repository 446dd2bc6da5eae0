/**
 * What a command passes to mingo besides its filter, update or pipeline: the `let` variables
 * (5.0+: `$$name` in `$expr`, pipelines and pipeline updates) and the collation (3.4+).
 *
 * Collation, as the emulator has it: strength 1 and 2 compare strings through a folded key
 * (strength 2: case-insensitive; strength 1: also accent-insensitive) in the query operators
 * `$eq $ne $in $nin $gt $gte $lt $lte` (filters, `$match`) and in `distinct`; sorting uses
 * `Intl.Collator` for the locale (mingo's). Strength 3 and above, and locale `simple`,
 * compare strings as they are. Aggregation expressions (`$expr`, `$eq` in `$project`) ignore
 * the collation.
 */
import type { Document } from 'bson';
import { Aggregator, Context, Query } from 'mingo';
import { Aggregator as BaseAggregator } from 'mingo/aggregator';
import * as accumulator from 'mingo/operators/accumulator';
import * as expression from 'mingo/operators/expression';
import * as pipeline from 'mingo/operators/pipeline';
import * as projection from 'mingo/operators/projection';
import * as queryOperators from 'mingo/operators/query';
import * as window from 'mingo/operators/window';
import { Query as BaseQuery } from 'mingo/query';
import type { CollationSpec } from 'mingo/types';
import { CommandError, bsonTypeName, toCommandError, typeMismatch } from './errors';
import { isPlainObject } from './values';

/** The mingo options of one command (empty when it has neither `let` nor a collation). */
export interface QueryOptions {
  variables?: Document;
  collation?: CollationSpec;
  context?: Context;
}

export const NO_OPTIONS: QueryOptions = Object.freeze({});

type Fold = (value: string) => string;

function foldFor(strength: number, locale: string): Fold | undefined {
  if (strength >= 3) return undefined;
  if (strength === 2) return (s) => s.toLocaleLowerCase(locale);
  return (s) => s.normalize('NFD').replace(/\p{M}/gu, '').toLocaleLowerCase(locale);
}

/** `value` with every string folded (field names and regular expressions kept). */
function folded(value: unknown, fold: Fold): unknown {
  if (typeof value === 'string') return fold(value);
  if (Array.isArray(value)) return value.map((item) => folded(item, fold));
  if (!isPlainObject(value)) return value;
  const out: Document = {};
  for (const [key, item] of Object.entries(value)) {
    out[key] = key === '$regex' || key === '$options' ? item : folded(item, fold);
  }
  return out;
}

type QueryOperator = (
  selector: string,
  value: unknown,
  options: unknown,
) => (doc: Document) => boolean;
const COLLATED = ['$eq', '$ne', '$in', '$nin', '$gt', '$gte', '$lt', '$lte'] as const;

/**
 * All of mingo's operators, with query operators that compare folded strings (the document
 * and the operand are folded). A whole context: mingo's own `Query` and `Aggregator` would
 * let their built-in operators win over ours.
 */
function collatedContext(fold: Fold): Context {
  const ops: Record<string, unknown> = { ...queryOperators };
  for (const name of COLLATED) {
    const base = queryOperators[name] as unknown as QueryOperator;
    ops[name] = ((selector, value, options) => {
      const test = base(selector, folded(value, fold), options);
      return (doc) => test(folded(doc, fold) as Document);
    }) satisfies QueryOperator;
  }
  return Context.init({
    accumulator,
    expression,
    pipeline,
    projection,
    query: ops,
    window,
  } as never);
}

/** A mingo Query for `filter` under these options. */
export function newQuery(filter: Document, options: QueryOptions = NO_OPTIONS): Query {
  return options.context
    ? (new BaseQuery(filter, options as never) as Query)
    : new Query(filter, options as never);
}

/** A mingo Aggregator for `stages` under these options (and a collection resolver). */
export function newAggregator(
  stages: Document[],
  options: QueryOptions = NO_OPTIONS,
  collectionResolver?: (name: string) => Document[],
): Aggregator {
  const all = { ...options, ...(collectionResolver ? { collectionResolver } : {}) } as never;
  return options.context
    ? (new BaseAggregator(stages, all) as Aggregator)
    : new Aggregator(stages, all);
}

/** The key two strings share when they are equal under `collation` (itself without one). */
export function collationKey(options: QueryOptions): (value: unknown) => unknown {
  const spec = options.collation;
  const fold = spec && foldFor(spec.strength ?? 3, spec.locale);
  return fold ? (value) => folded(value, fold) : (value) => value;
}

function parseCollation(value: unknown, field: string): CollationSpec | undefined {
  if (value === undefined) return undefined;
  if (!isPlainObject(value)) {
    throw typeMismatch(
      `BSON field '${field}' is the wrong type '${bsonTypeName(value)}', expected type 'object'`,
    );
  }
  if (typeof value.locale !== 'string') {
    throw new CommandError(40414, `BSON field '${field}.locale' is missing but a required field`);
  }
  const strength: unknown = value.strength ?? 3;
  if (typeof strength !== 'number' || ![1, 2, 3, 4, 5].includes(strength)) {
    throw new CommandError(
      51024,
      `BSON field 'strength' value must be >= 1 and <= 5, actual value '${String(strength)}'`,
    );
  }
  if (value.locale === 'simple') return undefined;
  try {
    new Intl.Collator(value.locale.replace('_', '-'));
  } catch {
    throw new CommandError(2, `Field 'locale' is invalid in: ${JSON.stringify(value)}`);
  }
  return { ...(value as object), locale: value.locale.replace('_', '-') } as CollationSpec;
}

/** `let`'s values are expressions, evaluated once before the command runs (like `$rand`). */
function evaluateLet(value: unknown): Document | undefined {
  if (value === undefined) return undefined;
  if (!isPlainObject(value)) {
    throw typeMismatch(
      `BSON field 'let' is the wrong type '${bsonTypeName(value)}', expected type 'object'`,
    );
  }
  try {
    return new Aggregator([{ $replaceWith: value }]).run([{}])[0] as Document;
  } catch (error) {
    throw toCommandError(error);
  }
}

function build(variables?: Document, collation?: CollationSpec): QueryOptions {
  if (!variables && !collation) return NO_OPTIONS;
  const options: QueryOptions = {};
  if (variables) options.variables = variables;
  if (collation) {
    options.collation = collation;
    const fold = foldFor(collation.strength ?? 3, collation.locale);
    if (fold) options.context = collatedContext(fold);
  }
  return options;
}

/** The options of a command: its `let` and `collation`. */
export function queryOptionsOf(command: Document): QueryOptions {
  return build(evaluateLet(command.let), parseCollation(command.collation, 'collation'));
}

/** The options of one update or delete statement: the command's `let`, its own `collation`. */
export function statementOptions(command: QueryOptions, statement: Document): QueryOptions {
  return build(command.variables, parseCollation(statement.collation, 'collation'));
}
