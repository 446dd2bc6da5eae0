/**
 * Filters: mingo's Query, with a shortcut for the common `{ _id: value }` (a direct lookup) and
 * for equality on a field with a single-field index (`EqualityIndex`).
 */
import type { Document } from 'bson';
import type { Query } from 'mingo';
import type { Cursor as MingoCursor } from 'mingo/cursor';
import { NO_OPTIONS, newQuery, type QueryOptions } from './query-options';
import { CommandError, bsonTypeName, toCommandError } from './errors';
import { EqualityIndex, type Collection } from './store';
import { isPlainObject, keyOf } from './values';

export class Matcher {
  private compiled?: Query;

  constructor(
    private readonly filter: Document,
    /** keyOf the `_id` the filter pins down, if it does. */
    readonly idKey: string | undefined,
    /** True when the filter is only that `_id` condition (no Query needed). */
    private readonly onlyId: boolean,
    private readonly options: QueryOptions = NO_OPTIONS,
  ) {
    if (!onlyId) this.compiled = newQuery(filter, options);
  }

  private get query(): Query {
    this.compiled ??= newQuery(this.filter, this.options);
    return this.compiled;
  }

  /** The equality index key of the filter's condition on top-level `field`, if it is one. */
  equalityKey(field: string): string | undefined {
    if (this.options.collation) return undefined; // the index compares strings exactly
    if (!Object.prototype.hasOwnProperty.call(this.filter, field)) return undefined;
    let value: unknown = this.filter[field];
    if (isPlainObject(value) && Object.keys(value).length === 1 && '$eq' in value)
      value = value.$eq;
    if ((value as { _bsontype?: string } | null)?._bsontype === 'BSONRegExp') return undefined;
    return EqualityIndex.keyFor(value);
  }

  test(doc: Document): boolean {
    return this.onlyId ? keyOf(doc._id) === this.idKey : this.query.test(doc);
  }

  find(docs: Document[], projection?: Document): MingoCursor<Document> {
    return this.query.find(docs, projection) as MingoCursor<Document>;
  }
}

function idKeyOf(filter: Document): string | undefined {
  let id: unknown = filter._id;
  if (isPlainObject(id) && Object.keys(id).length === 1 && '$eq' in id) id = id.$eq;
  if (id == null || isPlainObject(id) || Array.isArray(id) || id instanceof RegExp) {
    return undefined;
  }
  if ((id as { _bsontype?: string })._bsontype === 'BSONRegExp') return undefined;
  return keyOf(id);
}

/** The filter of a command; `options` carry its `let` variables and collation. */
export function matcher(
  filter: unknown,
  field = 'filter',
  options: QueryOptions = NO_OPTIONS,
): Matcher {
  if (filter !== undefined && !isPlainObject(filter)) {
    throw new CommandError(
      14,
      `BSON field '${field}' is the wrong type '${bsonTypeName(filter)}', expected type 'object'`,
    );
  }
  try {
    const doc = (filter ?? {}) as Document;
    // Under a collation, an `_id` string may match others: no direct lookup.
    const idKey = options.collation ? undefined : idKeyOf(doc);
    return new Matcher(doc, idKey, idKey !== undefined && Object.keys(doc).length === 1, options);
  } catch (error) {
    throw toCommandError(error);
  }
}

/** Stored documents matching, in natural order; `limit` 0 means all. */
export function matching(coll: Collection | undefined, query: Matcher, limit = 0): Document[] {
  const out: Document[] = [];
  if (!coll) return out;
  if (coll.view) {
    for (const doc of coll.view.documents()) {
      if (!query.test(doc)) continue;
      out.push(doc);
      if (limit > 0 && out.length >= limit) break;
    }
    return out;
  }
  if (query.idKey !== undefined) {
    const doc = coll.docs.get(query.idKey);
    return doc && query.test(doc) ? [doc] : out;
  }
  for (const index of coll.indexes) {
    if (!index.equality) continue;
    const key = query.equalityKey(index.equality.field);
    const ids = key === undefined ? undefined : index.equality.lookup(key);
    // More than one candidate: scan, which keeps natural order without tracking positions.
    if (ids === undefined || ids.size > 1) continue;
    for (const id of ids) {
      const doc = coll.docs.get(id);
      if (doc && query.test(doc)) out.push(doc);
    }
    return out;
  }
  for (const doc of coll.docs.values()) {
    if (query.test(doc)) {
      out.push(doc);
      if (limit > 0 && out.length >= limit) break;
    }
  }
  return out;
}
