/**
 * In-memory databases, collections and indexes. Every write goes through here, so every write
 * is checked against unique indexes and recorded in the change history.
 */
import { ObjectId, UUID, type Document } from 'bson';
import { Aggregator, Query } from 'mingo';
import { CommandError, toCommandError } from './errors';
import type { ChangeHistory, ChangeKind, LogicalClock } from './history';
import { validationFailure } from './validation';
import { clone, describeUpdate, getPath, isPlainObject, keyOf } from './values';

/** How one write is made (`insert`, `replace`, `remove`). */
export interface WriteOptions {
  /**
   * Called once the write is known to be valid, just before anything changes; it may throw
   * to prevent the write (a retryable write's fail point, `retryable-writes.ts`).
   */
  beforeWrite?: () => void;
  /** The command's `bypassDocumentValidation: true`: the collection's validator is skipped. */
  bypassDocumentValidation?: boolean;
}

export interface IndexSpec {
  v: number;
  key: Document;
  name: string;
  unique?: boolean;
  sparse?: boolean;
  partialFilterExpression?: Document;
  [option: string]: unknown;
}

interface Index {
  spec: IndexSpec;
  /** Unique indexes only: index key -> document id key. */
  entries?: Map<string, string>;
  partial?: Query;
  /** Single-field, non-partial indexes: answers equality filters on that field (`matching`). */
  equality?: EqualityIndex;
}

/**
 * Which documents hold each scalar value of one top-level field, so an equality filter on an
 * indexed field (`{ callSid: 'CA1' }`) looks its documents up instead of scanning the
 * collection, as mongod's index would. Values a plain key cannot stand for (arrays, which
 * match an equality on any element; embedded documents; numeric types with no exact key) are
 * counted, not posted: while any is stored, the index declines and the caller scans.
 */
export class EqualityIndex {
  private readonly postings = new Map<string, Set<string>>();
  private opaque = 0;

  constructor(readonly field: string) {}

  /** The key an equality on `value` looks up, or undefined when the index cannot answer it. */
  static keyFor(value: unknown): string | undefined {
    if (value === undefined || value === null) return undefined; // null also matches missing
    if (Array.isArray(value) || isPlainObject(value) || value instanceof RegExp) return undefined;
    const key = keyOf(value);
    return key.startsWith('j') ? undefined : key; // Decimal128 and friends compare by value
  }

  private valueOf(doc: Document): unknown {
    return Object.prototype.hasOwnProperty.call(doc, this.field) ? doc[this.field] : undefined;
  }

  add(id: string, doc: Document): void {
    const value = this.valueOf(doc);
    if (value === undefined || value === null) return; // an equality on a value never matches
    const key = EqualityIndex.keyFor(value);
    if (key === undefined) {
      this.opaque += 1;
      return;
    }
    let ids = this.postings.get(key);
    if (!ids) this.postings.set(key, (ids = new Set()));
    ids.add(id);
  }

  remove(id: string, doc: Document): void {
    const value = this.valueOf(doc);
    if (value === undefined || value === null) return;
    const key = EqualityIndex.keyFor(value);
    if (key === undefined) {
      this.opaque -= 1;
      return;
    }
    const ids = this.postings.get(key);
    ids?.delete(id);
    if (ids?.size === 0) this.postings.delete(key);
  }

  /** What the index holds, in a stable order (tests compare it with one built from scratch). */
  contents(): { opaque: number; postings: [string, string[]][] } {
    const postings = [...this.postings]
      .map(([key, ids]): [string, string[]] => [key, [...ids].sort()])
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return { opaque: this.opaque, postings };
  }

  /** Ids of the documents whose field equals the value keyed `key`; undefined: scan instead. */
  lookup(key: string): ReadonlySet<string> | undefined {
    if (this.opaque > 0) return undefined;
    return this.postings.get(key) ?? new Set();
  }
}

function equalityIndexFor(spec: IndexSpec): EqualityIndex | undefined {
  const fields = Object.keys(spec.key);
  const field = fields[0];
  if (fields.length !== 1 || field === undefined || field.includes('.') || field === '_id')
    return undefined;
  if (spec.partialFilterExpression) return undefined;
  const direction = spec.key[field] as unknown;
  if (direction !== 1 && direction !== -1 && direction !== 'hashed') return undefined;
  return new EqualityIndex(field);
}

const ID_INDEX = { v: 2, key: { _id: 1 }, name: '_id_' };

/** A change record's description of an update. */
function updateFields(before: Document, after: Document) {
  const { description, disambiguatedPaths } = describeUpdate(before, after);
  return { updateDescription: description, disambiguatedPaths };
}

/** A view (`create` with `viewOn`): read-only, its documents computed on every read. */
export interface ViewDefinition {
  viewOn: string;
  pipeline: Document[];
  /** The view's documents now: its pipeline run over its source's (a view's too). */
  documents(): Document[];
}

/** 166 CommandNotSupportedOnView, as mongod refuses a write to a view. */
export function notOnView(coll: Collection): CommandError {
  return new CommandError(166, `Namespace ${coll.db}.${coll.name} is a view, not a collection`);
}

const MAX_VIEW_DEPTH = 20;

export class Collection {
  readonly docs = new Map<string, Document>();
  /** Set for a view; a view holds no documents of its own. */
  view?: ViewDefinition;
  readonly indexes: Index[] = [];
  readonly uuid = new UUID();

  constructor(
    readonly db: string,
    readonly name: string,
    readonly options: Document = {},
  ) {
    this.indexes.push({ spec: { ...ID_INDEX }, entries: new Map() });
  }

  /**
   * `changeStreamPreAndPostImages: { enabled: true }` (create or collMod): only then does a
   * write keep the pre-image (and the post-image of an update) for change streams, as mongod
   * keeps them in config.system.preimages only for such collections.
   */
  get recordsImages(): boolean {
    return this.options.changeStreamPreAndPostImages?.enabled === true;
  }

  findIndex(name: string): Index | undefined {
    return this.indexes.find((index) => index.spec.name === name);
  }

  /** Index key of `doc` for a unique index, or undefined when the index does not cover it. */
  indexKey(index: Index, doc: Document): string | undefined {
    if (index.partial && !index.partial.test(doc)) return undefined;
    const fields = Object.keys(index.spec.key);
    const values = fields.map((field) => getPath(doc, field));
    if (index.spec.sparse && values.every((v) => v === undefined)) return undefined;
    return values.map(keyOf).join('\u0000');
  }

  /** Throws 11000 if `doc` would collide with another document in a unique index. */
  checkUnique(doc: Document, ownId?: string): void {
    for (const index of this.indexes) {
      if (!index.entries) continue;
      const key = this.indexKey(index, doc);
      if (key === undefined) continue;
      const holder = index.entries.get(key);
      if (holder !== undefined && holder !== ownId) throw duplicateKey(this, index.spec, doc);
    }
  }

  addToIndexes(id: string, doc: Document): void {
    for (const index of this.indexes) {
      index.equality?.add(id, doc);
      const key = index.entries && this.indexKey(index, doc);
      if (key !== undefined) index.entries!.set(key, id);
    }
  }

  removeFromIndexes(id: string, doc: Document): void {
    for (const index of this.indexes) {
      index.equality?.remove(id, doc);
      const key = index.entries && this.indexKey(index, doc);
      if (key !== undefined && index.entries!.get(key) === id) index.entries!.delete(key);
    }
  }
}

function duplicateKey(coll: Collection, spec: IndexSpec, doc: Document): CommandError {
  const keyPattern: Document = {};
  const keyValue: Document = {};
  for (const field of Object.keys(spec.key)) {
    keyPattern[field] = spec.key[field];
    keyValue[field] = getPath(doc, field) ?? null;
  }
  const shown = Object.entries(keyValue)
    .map(([k, v]) => `${k}: ${typeof v === 'string' ? JSON.stringify(v) : String(v)}`)
    .join(', ');
  return new CommandError(
    11000,
    `E11000 duplicate key error collection: ${coll.db}.${coll.name} index: ${spec.name} dup key: { ${shown} }`,
    [],
    { keyPattern, keyValue },
  );
}

/** MongoDB's limit on how deep documents nest (docs: "Nested Depth for BSON Documents"). */
export const MAX_NESTING_DEPTH = 100;

/**
 * Refuses a document nested deeper than MongoDB allows, as a real server does at write time.
 * (Stored anyway, it would later break the change-stream replies that carry it.) Iterative,
 * so a hostile document cannot overflow the stack here.
 */
export function assertNestingDepth(doc: Document): void {
  const stack: [unknown, number][] = [[doc, 1]];
  while (stack.length > 0) {
    const [value, depth] = stack.pop()!;
    if (depth > MAX_NESTING_DEPTH) {
      throw new CommandError(
        15,
        `Document exceeds the maximum nesting depth of ${MAX_NESTING_DEPTH} levels`,
      );
    }
    const children = Array.isArray(value)
      ? value
      : isPlainObject(value)
        ? Object.values(value as Document)
        : [];
    for (const child of children) {
      if (Array.isArray(child) || isPlainObject(child)) stack.push([child, depth + 1]);
    }
  }
}

/**
 * Refuses an `_id` a server cannot store: an array (2), or an embedded document with a
 * `$`-prefixed field (52 DollarPrefixedFieldName); and documents nested too deep (15).
 */
function checkStorable(doc: Document): void {
  if (Array.isArray(doc._id)) {
    throw new CommandError(2, `The '_id' value cannot be of type array`);
  }
  if (isPlainObject(doc._id)) {
    const dollar = Object.keys(doc._id).find((key) => key.startsWith('$'));
    if (dollar !== undefined) {
      throw new CommandError(
        52,
        `_id fields may not contain '$'-prefixed fields: ${dollar} is not valid for storage.`,
      );
    }
  }
  assertNestingDepth(doc);
}

export function validateCollectionName(name: unknown): string {
  if (typeof name !== 'string' || name === '' || name.includes('\0') || name.startsWith('.')) {
    throw new CommandError(73, `Invalid collection name: ${String(name)}`);
  }
  return name;
}

export class Store {
  private readonly dbs = new Map<string, Map<string, Collection>>();

  constructor(
    private readonly history: ChangeHistory,
    private readonly clock: LogicalClock,
  ) {}

  databaseNames(): string[] {
    return [...this.dbs.keys()].filter((name) => (this.dbs.get(name)?.size ?? 0) > 0);
  }

  collections(db: string): Collection[] {
    return [...(this.dbs.get(db)?.values() ?? [])];
  }

  get(db: string, name: string): Collection | undefined {
    return this.dbs.get(db)?.get(name);
  }

  /** Returns the collection to write to, creating it (implicitly, as a write does) if missing. */
  ensure(db: string, name: string, options: Document = {}): Collection {
    const coll = this.open(db, name, options, true);
    if (coll.view) throw notOnView(coll);
    return coll;
  }

  /** `create` with `viewOn`: a view of `viewOn` (in the same database) through `pipeline`. */
  createView(db: string, name: string, viewOn: string, pipeline: Document[]): Collection {
    if (this.get(db, name)) throw new CommandError(48, `Collection ${db}.${name} already exists.`);
    validateCollectionName(viewOn);
    const chain = [name];
    for (let next = this.get(db, viewOn)?.view; next; next = this.get(db, next.viewOn)?.view) {
      if (chain.includes(next.viewOn) || chain.length >= MAX_VIEW_DEPTH) {
        throw new CommandError(
          166,
          `View depth too deep or view cycle detected. Maximum depth is ${MAX_VIEW_DEPTH}`,
        );
      }
      chain.push(next.viewOn);
    }
    const options = { viewOn, pipeline: clone(pipeline) };
    let colls = this.dbs.get(db);
    if (!colls) this.dbs.set(db, (colls = new Map()));
    const view = new Collection(db, validateCollectionName(name), options);
    view.indexes.splice(0);
    view.view = {
      viewOn,
      pipeline: options.pipeline,
      documents: () => {
        const source = this.get(db, viewOn);
        const input = source ? this.documentsOf(source).map(clone) : [];
        try {
          return new Aggregator(options.pipeline, {
            collectionResolver: (other: string) => {
              const coll = this.get(db, other);
              return coll ? this.documentsOf(coll).map(clone) : [];
            },
          }).run(input) as Document[];
        } catch (error) {
          throw toCommandError(error);
        }
      },
    };
    colls.set(name, view);
    this.record('create', view, { operationDescription: clone(options) });
    return view;
  }

  /** Every document of a collection or view, in natural order. */
  documentsOf(coll: Collection): Document[] {
    return coll.view ? coll.view.documents() : [...coll.docs.values()];
  }

  /** `announce`: record a `create` change when the collection is new (not for a rename). */
  private open(db: string, name: string, options: Document, announce: boolean): Collection {
    let colls = this.dbs.get(db);
    if (!colls) this.dbs.set(db, (colls = new Map()));
    let coll = colls.get(validateCollectionName(name));
    if (!coll) {
      colls.set(name, (coll = new Collection(db, name, options)));
      if (announce) {
        this.record('create', coll, {
          operationDescription: { idIndex: { ...ID_INDEX }, ...clone(options) },
        });
      }
    }
    return coll;
  }

  /** Records collMod's change of options (`changed`, already applied; `before`, the old ones). */
  modified(coll: Collection, changed: Document, before: Document): void {
    this.record('modify', coll, {
      operationDescription: clone(changed),
      stateBeforeChange: { collectionOptions: { uuid: coll.uuid, ...clone(before) } },
    });
  }

  /** Drops the indexes of `coll` that `keep` rejects (never `_id_`), one change per index. */
  dropIndexes(coll: Collection, keep: (index: Index) => boolean): number {
    const dropped = coll.indexes.filter((index) => index.spec.name !== '_id_' && !keep(index));
    for (const index of dropped) {
      coll.indexes.splice(coll.indexes.indexOf(index), 1);
      this.record('dropIndexes', coll, { operationDescription: { indexes: [clone(index.spec)] } });
    }
    return dropped.length;
  }

  create(db: string, name: string, options: Document): Collection {
    if (this.get(db, name)) {
      throw new CommandError(48, `Collection ${db}.${name} already exists.`);
    }
    return this.ensure(db, name, options);
  }

  private record(
    kind: ChangeKind,
    coll: Collection | { db: string; name?: string },
    fields: Document,
  ) {
    const clusterTime = this.clock.tick();
    this.history.append({
      kind,
      clusterTime,
      wallTime: new Date(),
      db: coll.db,
      ...(coll.name !== undefined ? { coll: coll.name } : {}),
      ...(coll instanceof Collection && !coll.view ? { collectionUUID: coll.uuid } : {}),
      ...fields,
    });
  }

  /**
   * Checks that `docs` (each with an `_id`) could replace the documents of `coll` (missing:
   * a new collection `ns`): their ids, nesting, the unique indexes and the validator.
   */
  checkReplacement(
    coll: Collection | undefined,
    ns: { db: string; coll: string },
    docs: Document[],
    bypassDocumentValidation: boolean,
  ): void {
    const scratch = new Collection(ns.db, ns.coll, coll?.options ?? {});
    if (coll) {
      scratch.indexes.splice(
        0,
        scratch.indexes.length,
        ...coll.indexes.map((index) => ({
          spec: index.spec,
          partial: index.partial,
          ...(index.entries ? { entries: new Map<string, string>() } : {}),
        })),
      );
    }
    for (const doc of docs) {
      checkStorable(doc);
      if (!bypassDocumentValidation) {
        const failure = validationFailure(scratch.options, doc);
        if (failure) throw failure;
      }
      scratch.checkUnique(doc);
      scratch.addToIndexes(keyOf(doc._id), doc);
    }
  }

  insert(coll: Collection, doc: Document, options: WriteOptions = {}): Document {
    // Like mongod, store _id as the first field (generating one if missing).
    const { _id, ...rest } = doc;
    doc = { _id: _id === undefined ? new ObjectId() : _id, ...rest };
    checkStorable(doc);
    if (!options.bypassDocumentValidation) {
      const failure = validationFailure(coll.options, doc);
      if (failure) throw failure;
    }
    const id = keyOf(doc._id);
    coll.checkUnique(doc);
    options.beforeWrite?.();
    coll.docs.set(id, doc);
    coll.addToIndexes(id, doc);
    this.record('insert', coll, { documentKey: { _id: doc._id }, postImage: clone(doc) });
    return doc;
  }

  /** Replaces `before` (a stored document) by `after`; kind says how the change is reported. */
  replace(
    coll: Collection,
    before: Document,
    after: Document,
    kind: 'update' | 'replace',
    options: WriteOptions = {},
  ): void {
    const id = keyOf(before._id);
    if (keyOf(after._id) !== id) {
      throw new CommandError(
        66,
        `Performing an update on the path '_id' would modify the immutable field '_id'`,
      );
    }
    assertNestingDepth(after);
    if (!options.bypassDocumentValidation) {
      const failure = validationFailure(coll.options, after, before);
      if (failure) throw failure;
    }
    coll.checkUnique(after, id);
    options.beforeWrite?.();
    coll.removeFromIndexes(id, before);
    coll.docs.set(id, after);
    coll.addToIndexes(id, after);
    // A replace event's fullDocument is the replacement itself, kept whatever the option.
    const images = coll.recordsImages;
    this.record(kind, coll, {
      documentKey: { _id: after._id },
      ...(images ? { preImage: before } : {}),
      ...(images || kind === 'replace' ? { postImage: clone(after) } : {}),
      ...(kind === 'update' ? updateFields(before, after) : {}),
    });
  }

  remove(coll: Collection, doc: Document, options: WriteOptions = {}): void {
    options.beforeWrite?.();
    const id = keyOf(doc._id);
    coll.removeFromIndexes(id, doc);
    coll.docs.delete(id);
    this.record('delete', coll, {
      documentKey: { _id: doc._id },
      ...(coll.recordsImages ? { preImage: doc } : {}),
    });
  }

  drop(db: string, name: string): boolean {
    const coll = this.get(db, name);
    if (!coll) return false;
    this.dbs.get(db)!.delete(name);
    if (!coll.view) this.record('drop', coll, {}); // a view's drop is not a collection's
    return true;
  }

  dropDatabase(db: string): void {
    const colls = this.collections(db);
    if (colls.length === 0) return;
    for (const coll of colls) this.drop(db, coll.name);
    this.dbs.delete(db);
    this.record('dropDatabase', { db }, {});
  }

  rename(
    from: { db: string; coll: string },
    to: { db: string; coll: string },
    dropTarget: boolean,
  ) {
    const source = this.get(from.db, from.coll);
    if (!source)
      throw new CommandError(26, `Source collection ${from.db}.${from.coll} does not exist`);
    if (source.view) throw notOnView(source);
    validateCollectionName(to.coll);
    const existing = this.get(to.db, to.coll);
    if (existing) {
      if (!dropTarget) throw new CommandError(48, `target namespace exists`);
      this.drop(to.db, to.coll);
    }
    this.dbs.get(from.db)!.delete(from.coll);
    const target = this.open(to.db, to.coll, source.options, false);
    for (const [id, doc] of source.docs) target.docs.set(id, doc);
    target.indexes.splice(0, target.indexes.length, ...source.indexes);
    this.record('rename', source, {
      to,
      operationDescription: { to: { ...to }, ...(existing ? { dropTarget: existing.uuid } : {}) },
    });
  }

  createIndex(coll: Collection, spec: IndexSpec): boolean {
    const existing = coll.findIndex(spec.name);
    if (existing) {
      if (
        keyOf(existing.spec.key) !== keyOf(spec.key) ||
        !!existing.spec.unique !== !!spec.unique
      ) {
        throw new CommandError(
          86,
          `An existing index has the same name as the requested index. Requested index: ${JSON.stringify(spec)}, existing index: ${JSON.stringify(existing.spec)}`,
        );
      }
      return false;
    }
    const index: Index = { spec };
    if (spec.partialFilterExpression) index.partial = new Query(spec.partialFilterExpression, {});
    const equality = equalityIndexFor(spec);
    if (spec.unique) {
      index.entries = new Map();
      for (const [id, doc] of coll.docs) {
        const key = coll.indexKey(index, doc);
        if (key === undefined) continue;
        if (index.entries.has(key)) throw duplicateKey(coll, spec, doc);
        index.entries.set(key, id);
      }
    }
    if (equality) {
      for (const [id, doc] of coll.docs) equality.add(id, doc);
      index.equality = equality;
    }
    coll.indexes.push(index);
    this.record('createIndexes', coll, { operationDescription: { indexes: [clone(spec)] } });
    return true;
  }
}
