/**
 * The aggregation stages that write: `$out` and `$merge`, the last stage of a pipeline whose
 * other stages mingo ran. They write through the store, so indexes, validators and change
 * streams see their writes like any other.
 *
 * - `$out` (a name, or `{ db, coll }`): the target's documents become the pipeline's output
 *   as one step: every output document is checked first (its `_id`, the target's unique
 *   indexes), and on any error the target is left as it was. Change streams see the old
 *   documents deleted and the new ones inserted (a server writes a temporary collection and
 *   renames it over the target).
 * - `$merge` (`into`, `on`, `let`, `whenMatched`, `whenNotMatched`), document by document as
 *   a server does, so an error leaves the documents before it written.
 */
import { ObjectId, type Document } from 'bson';
import type { CommandContext } from './context';
import { CommandError, badValue, bsonTypeName, typeMismatch } from './errors';
import { matcher, matching } from './matcher';
import type { QueryOptions } from './query-options';
import { notOnView, validateCollectionName, type Collection } from './store';
import { stageName } from './pipeline-stages';
import { applyUpdate } from './updates';
import { getPath, isPlainObject, keyOf } from './values';

export const WRITE_STAGES = new Set(['$out', '$merge']);

/** Options the write applies with (the aggregate command's `bypassDocumentValidation`). */
export interface StageWriteOptions {
  bypassDocumentValidation: boolean;
}

/** Refuses a write stage anywhere but last, as a server does (40601). */
export function checkWriteStagePlacement(pipeline: Document[]): void {
  pipeline.forEach((stage, index) => {
    const name = stageName(stage);
    if (WRITE_STAGES.has(name) && index !== pipeline.length - 1) {
      throw new CommandError(40601, `${name} can only be the final stage in the pipeline`);
    }
  });
}

function namespaceOf(value: unknown, db: string, stage: string, field: string) {
  if (typeof value === 'string') return { db, coll: validateCollectionName(value) };
  if (isPlainObject(value) && typeof value.coll === 'string') {
    if (value.db !== undefined && typeof value.db !== 'string') {
      throw typeMismatch(`BSON field '${stage}.${field}.db' must be a string`);
    }
    return { db: (value.db as string | undefined) ?? db, coll: validateCollectionName(value.coll) };
  }
  throw new CommandError(
    stage === '$out' ? 16990 : 51178,
    `${stage} ${field} must be a string or an object with 'coll' (and 'db'), not ${bsonTypeName(value)}`,
  );
}

function target(ctx: CommandContext, ns: { db: string; coll: string }): Collection {
  const existing = ctx.store.get(ns.db, ns.coll);
  if (existing?.view) throw notOnView(existing);
  return existing ?? ctx.store.ensure(ns.db, ns.coll);
}

const withId = (doc: Document): Document =>
  doc._id === undefined ? { _id: new ObjectId(), ...doc } : doc;

function out(
  spec: unknown,
  docs: Document[],
  db: string,
  ctx: CommandContext,
  write: StageWriteOptions,
) {
  const ns = namespaceOf(spec, db, '$out', 'argument');
  const existing = ctx.store.get(ns.db, ns.coll);
  if (existing?.view) throw notOnView(existing);
  const output = docs.map(withId);
  const bypass = write.bypassDocumentValidation;
  // Everything is checked against the target's indexes and validator before anything changes.
  ctx.store.checkReplacement(existing, ns, output, bypass);
  const coll = existing ?? ctx.store.ensure(ns.db, ns.coll);
  for (const doc of [...coll.docs.values()]) ctx.store.remove(coll, doc);
  for (const doc of output) ctx.store.insert(coll, doc, { bypassDocumentValidation: bypass });
}

type WhenMatched = 'replace' | 'keepExisting' | 'merge' | 'fail' | Document[];
type WhenNotMatched = 'insert' | 'discard' | 'fail';

function mergeSpec(spec: unknown, db: string) {
  const full: Document = typeof spec === 'string' ? { into: spec } : (spec as Document);
  if (!isPlainObject(full)) {
    throw new CommandError(
      51182,
      `$merge requires a string or object argument, not ${bsonTypeName(spec)}`,
    );
  }
  const known = new Set(['into', 'on', 'let', 'whenMatched', 'whenNotMatched']);
  const unknown = Object.keys(full).find((key) => !known.has(key));
  if (unknown !== undefined) {
    throw new CommandError(40415, `BSON field '$merge.${unknown}' is an unknown field.`);
  }
  const into = namespaceOf(full.into, db, '$merge', 'into');
  const on: unknown = full.on ?? '_id';
  const fields = typeof on === 'string' ? [on] : on;
  if (
    !Array.isArray(fields) ||
    fields.length === 0 ||
    !fields.every((f) => typeof f === 'string')
  ) {
    throw new CommandError(51186, "$merge 'on' must be a field name or a non-empty array of them");
  }
  const whenMatched = (full.whenMatched ?? 'merge') as WhenMatched;
  if (
    !Array.isArray(whenMatched) &&
    !['replace', 'keepExisting', 'merge', 'fail'].includes(whenMatched)
  ) {
    throw badValue(
      `Enumeration value '${String(whenMatched)}' for field 'whenMatched' is not a valid value.`,
    );
  }
  const whenNotMatched = (full.whenNotMatched ?? 'insert') as WhenNotMatched;
  if (!['insert', 'discard', 'fail'].includes(whenNotMatched)) {
    throw badValue(
      `Enumeration value '${String(whenNotMatched)}' for field 'whenNotMatched' is not a valid value.`,
    );
  }
  if (full.let !== undefined && !isPlainObject(full.let)) {
    throw typeMismatch(
      `BSON field '$merge.let' is the wrong type '${bsonTypeName(full.let)}', expected type 'object'`,
    );
  }
  return {
    into,
    on: fields as string[],
    whenMatched,
    whenNotMatched,
    let: full.let as Document | undefined,
  };
}

function merge(
  spec: unknown,
  docs: Document[],
  db: string,
  ctx: CommandContext,
  options: QueryOptions,
  write: StageWriteOptions,
) {
  const merging = mergeSpec(spec, db);
  const coll = target(ctx, merging.into);
  const onId = merging.on.length === 1 && merging.on[0] === '_id';
  if (!onId) {
    const wanted = [...merging.on].sort().join('\u0000');
    const unique = coll.indexes.some(
      (index) =>
        index.spec.unique === true &&
        !index.spec.partialFilterExpression &&
        Object.keys(index.spec.key).sort().join('\u0000') === wanted,
    );
    if (!unique) {
      throw new CommandError(51183, 'Cannot find index to verify that join fields will be unique');
    }
  }
  const writeOptions = { bypassDocumentValidation: write.bypassDocumentValidation };
  for (const raw of docs) {
    const doc = onId ? withId(raw) : raw;
    const key: Document = {};
    for (const field of merging.on) {
      const value = getPath(doc, field);
      if (value === undefined || value === null || Array.isArray(value)) {
        throw new CommandError(
          51132,
          "$merge write error: 'on' field cannot be missing, null, undefined or an array",
        );
      }
      key[field] = value;
    }
    const found = matching(coll, matcher(key), 1)[0];
    if (!found) {
      if (merging.whenNotMatched === 'discard') continue;
      if (merging.whenNotMatched === 'fail') {
        throw new CommandError(
          13113,
          '$merge could not find a matching document in the target collection for at least one document in the source collection',
        );
      }
      ctx.store.insert(coll, withId(doc), writeOptions);
      continue;
    }
    const how = merging.whenMatched;
    if (how === 'keepExisting') continue;
    if (how === 'fail') {
      ctx.store.insert(coll, withId(doc), writeOptions); // the duplicate key error of the index
      continue;
    }
    if (doc._id !== undefined && keyOf(doc._id) !== keyOf(found._id)) {
      throw new CommandError(
        66,
        '$merge failed to update the matching document, did you attempt to modify the _id or the shard key?',
      );
    }
    let after: Document;
    if (Array.isArray(how)) {
      const variables = { ...options.variables, ...(merging.let ?? { new: '$$ROOT' }) };
      const resolved = Object.fromEntries(
        Object.entries(variables).map(([name, value]) => [name, value === '$$ROOT' ? doc : value]),
      );
      after = applyUpdate(found, how, undefined, false, { variables: resolved });
    } else {
      const { _id: _ignored, ...fields } = doc;
      after = how === 'replace' ? { _id: found._id, ...fields } : { ...found, ...fields };
    }
    if (keyOf(after) !== keyOf(found)) {
      ctx.store.replace(coll, found, after, how === 'replace' ? 'replace' : 'update', writeOptions);
    }
  }
}

/** Runs the write stage `stage` over the pipeline's output `docs` (from database `db`). */
export function runWriteStage(
  stage: Document,
  docs: Document[],
  db: string,
  ctx: CommandContext,
  options: QueryOptions,
  write: StageWriteOptions,
): void {
  const name = stageName(stage);
  if (name === '$out') out(stage.$out, docs, db, ctx, write);
  else merge(stage.$merge, docs, db, ctx, options, write);
}
