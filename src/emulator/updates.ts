/** Applying update documents (operators, replacements, pipelines) to one document, via mingo. */
import { ObjectId, type Document } from 'bson';
import { update as mingoUpdate } from 'mingo';
import { NO_OPTIONS, newAggregator, type QueryOptions } from './query-options';
import { CommandError, bsonTypeName } from './errors';
import { clone, isPlainObject } from './values';

const OPERATORS = new Set([
  '$set',
  '$unset',
  '$inc',
  '$mul',
  '$min',
  '$max',
  '$rename',
  '$push',
  '$addToSet',
  '$pop',
  '$pull',
  '$pullAll',
  '$bit',
  '$currentDate',
  '$setOnInsert',
]);

export type UpdateKind = 'update' | 'replace';

export function updateKindOf(u: unknown): UpdateKind {
  if (Array.isArray(u)) return 'update';
  if (!isPlainObject(u)) {
    throw new CommandError(14, `Update argument must be either an object or an array`);
  }
  const keys = Object.keys(u);
  const dollar = keys.filter((k) => k.startsWith('$'));
  if (dollar.length === 0) return 'replace';
  if (dollar.length !== keys.length) {
    const plain = keys.find((k) => !k.startsWith('$'));
    throw new CommandError(
      9,
      `Unknown modifier: ${plain}. Expected a valid update modifier or pipeline-style update specified as an array`,
    );
  }
  for (const key of dollar) {
    if (!OPERATORS.has(key)) {
      throw new CommandError(
        9,
        `Unknown modifier: ${key}. Expected a valid update modifier or pipeline-style update specified as an array`,
      );
    }
    if (!isPlainObject(u[key])) {
      throw new CommandError(
        9,
        `Modifiers operate on fields but we found type ${Array.isArray(u[key]) ? 'array' : typeof u[key]} instead. For example: {$mod: {<field>: ...}} not {$set: ${JSON.stringify(u[key])}}`,
      );
    }
  }
  return 'update';
}

/** The document after applying `u` to a copy of `doc` (which is left unchanged). */
export function applyUpdate(
  doc: Document,
  u: Document | Document[],
  arrayFilters: Document[] | undefined,
  inserting: boolean,
  options: QueryOptions = NO_OPTIONS,
): Document {
  const kind = updateKindOf(u);
  if (Array.isArray(u)) {
    const [result] = newAggregator(u, options).run([clone(doc)]) as Document[];
    if (!result) throw new CommandError(2, 'pipeline update removed the document');
    return withIdFirst(result, doc._id);
  }
  if (kind === 'replace') {
    for (const key of Object.keys(u)) {
      if (key.startsWith('$'))
        throw new CommandError(
          2,
          `The dollar ($) prefixed field '${key}' is not allowed in a replacement`,
        );
    }
    const replacement = clone(u);
    return withIdFirst(replacement, replacement._id ?? doc._id);
  }
  const copy = clone(doc);
  const modifier: Document = {};
  for (const [op, spec] of Object.entries(u)) {
    if (op === '$setOnInsert') {
      if (inserting) modifier.$set = { ...(modifier.$set ?? {}), ...spec };
    } else if (op === '$set') {
      modifier.$set = { ...(modifier.$set ?? {}), ...spec };
    } else {
      modifier[op] = spec;
    }
  }
  if (Object.keys(modifier).length > 0 && !applySimple(copy, modifier)) {
    try {
      mingoUpdate(copy, modifier, arrayFilters, undefined, { cloneMode: 'deep' });
    } catch (error) {
      const message = (error as Error).message;
      throw new CommandError(message.includes("immutable field '_id'") ? 66 : 2, message);
    }
  }
  return withIdFirst(copy, copy._id);
}

const SIMPLE_OPS = new Set(['$set', '$unset', '$inc']);
const SIMPLE_PATH = /^[A-Za-z_][A-Za-z0-9_-]*(\.[A-Za-z_][A-Za-z0-9_-]*)*$/;

/**
 * The common case without mingo (which costs ~100 us per call): $set, $unset and $inc on
 * plain dotted paths through plain objects. Returns false, having changed nothing, when the
 * update needs mingo's full semantics (arrays, positional paths, conflicts, non-numbers...).
 */
function applySimple(doc: Document, modifier: Document): boolean {
  const paths: string[] = [];
  for (const [op, spec] of Object.entries(modifier)) {
    if (!SIMPLE_OPS.has(op) || Object.keys(spec).length === 0) return false;
    for (const [path, value] of Object.entries(spec as Document)) {
      if (!SIMPLE_PATH.test(path) || path === '_id' || path.startsWith('_id.')) return false;
      if (op === '$inc' && typeof value !== 'number') return false;
      paths.push(path);
    }
  }
  const sorted = [...paths].sort();
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i] === sorted[i - 1] || sorted[i]!.startsWith(`${sorted[i - 1]}.`)) return false;
  }
  for (const path of paths) {
    let parent: unknown = doc;
    for (const part of path.split('.').slice(0, -1)) {
      const next = (parent as Document)[part];
      if (next === undefined) break;
      if (!isPlainObject(next)) return false;
      parent = next;
    }
  }
  for (const path of Object.keys(modifier.$inc ?? {})) {
    const current = getAt(doc, path);
    if (current === undefined || typeof current === 'number') continue;
    if ((current as { _bsontype?: string })?._bsontype) return false; // Long, Decimal128...: mingo
    throw new CommandError(
      14,
      `Cannot apply $inc to a value of non-numeric type. {_id: ${JSON.stringify(doc._id)}} has the field '${path}' of non-numeric type ${bsonTypeName(current)}`,
    );
  }
  // Every check passed: apply.
  for (const [op, spec] of Object.entries(modifier)) {
    for (const [path, value] of Object.entries(spec as Document)) {
      if (op === '$unset') {
        const dot = path.lastIndexOf('.');
        const parent = dot < 0 ? doc : getAt(doc, path.slice(0, dot));
        if (isPlainObject(parent)) delete parent[path.slice(dot + 1)];
      } else {
        const current = getAt(doc, path);
        setAt(
          doc,
          path,
          op === '$inc' ? ((current as number | undefined) ?? 0) + value : clone(value),
        );
      }
    }
  }
  return true;
}

function getAt(doc: Document, path: string): unknown {
  let current: unknown = doc;
  for (const part of path.split('.')) {
    if (!isPlainObject(current)) return undefined;
    current = current[part];
  }
  return current;
}

function setAt(doc: Document, path: string, value: unknown): void {
  const parts = path.split('.');
  let current = doc;
  for (const part of parts.slice(0, -1)) {
    if (!isPlainObject(current[part])) current[part] = {};
    current = current[part];
  }
  current[parts[parts.length - 1]!] = value;
}

function withIdFirst(doc: Document, id: unknown): Document {
  if (id === undefined) return doc;
  const { _id: _ignored, ...rest } = doc;
  return { _id: id, ...rest };
}

/** The document an upsert starts from: the equality conditions of its filter. */
export function upsertBase(filter: Document): Document {
  const base: Document = {};
  collectEqualities(filter, base);
  const { _id, ...rest } = base;
  const doc: Document = _id === undefined ? {} : { _id };
  if (Object.keys(rest).length > 0) mingoUpdate(doc, { $set: rest }, undefined, undefined, {});
  return doc;
}

function collectEqualities(filter: Document, out: Document) {
  for (const [key, value] of Object.entries(filter)) {
    if (key === '$and' && Array.isArray(value)) {
      for (const part of value) if (isPlainObject(part)) collectEqualities(part, out);
    } else if (key.startsWith('$')) {
      continue;
    } else if (isPlainObject(value) && Object.keys(value).some((k) => k.startsWith('$'))) {
      if ('$eq' in value) out[key] = clone(value.$eq);
    } else {
      out[key] = clone(value);
    }
  }
}

export function ensureId(doc: Document): Document {
  return doc._id === undefined ? { _id: new ObjectId(), ...doc } : doc;
}
