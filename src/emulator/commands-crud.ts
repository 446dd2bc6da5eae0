/** Write and simple read commands: insert, update, delete, findAndModify, count, distinct. */
import type { Document } from 'bson';
import type { CommandContext, CommandHandler } from './context';
import { matcher, matching } from './matcher';
import { CloseConnection, CommandError, badValue, expectType, toCommandError } from './errors';
import type { StatementRunner } from './retryable-writes';
import { collationKey, queryOptionsOf, statementOptions, type QueryOptions } from './query-options';
import { notOnView, type Collection, type WriteOptions } from './store';
import { applyUpdate, ensureId, updateKindOf, upsertBase } from './updates';
import { getPath, isPlainObject, keyOf, valuesEqual } from './values';

const isArray = (v: unknown) => Array.isArray(v);
const isObject = (v: unknown) => isPlainObject(v);
const isBool = (v: unknown) => typeof v === 'boolean';

/** The write options of a command's statements (its `bypassDocumentValidation`). */
function writeOptions(cmd: Document, beforeWrite?: () => void) {
  return { beforeWrite, bypassDocumentValidation: cmd.bypassDocumentValidation === true };
}

/** How this command's statements run: once each when it is a retryable write. */
function statements(cmd: Document, ctx: CommandContext): StatementRunner {
  const name = Object.keys(cmd)[0]!;
  return ctx.retryableWrites.runner(name, cmd, ctx.failPoints, ctx.connection.appName);
}

export function collectionName(command: Document, name: string): string {
  const value = command[name];
  if (typeof value !== 'string') {
    throw new CommandError(
      73,
      `collection name has invalid type ${value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value}`,
    );
  }
  return value;
}

/** The write error of statement `index` (a CloseConnection goes on to the connection). */
function writeError(index: number, error: unknown): Document {
  if (error instanceof CloseConnection) throw error;
  const e = toCommandError(error);
  return { index, code: e.code, errmsg: e.message, ...e.extra };
}

const insert: CommandHandler = (cmd, db, ctx) => {
  const name = collectionName(cmd, 'insert');
  expectType(cmd, 'documents', isArray, 'array');
  expectType(cmd, 'ordered', isBool, 'bool');
  const docs = (cmd.documents ?? []) as Document[];
  const ordered = cmd.ordered !== false;
  const coll = ctx.store.ensure(db, name);
  const runner = statements(cmd, ctx);
  const writeErrors: Document[] = [];
  let n = 0;
  for (let i = 0; i < docs.length; i++) {
    try {
      if (!isPlainObject(docs[i])) throw badValue('each document to insert must be an object');
      n += runner.statement(i, (beforeWrite) => {
        ctx.store.insert(coll, docs[i]!, writeOptions(cmd, beforeWrite));
        return { n: 1 };
      }).n;
    } catch (error) {
      writeErrors.push(writeError(i, error));
      if (ordered) break;
    }
  }
  return writeErrors.length > 0 ? { n, writeErrors, ok: 1 } : { n, ok: 1 };
};

/** Applies one update statement; returns [matched, modified, upsertedId?]. */
function updateOne(
  ctx: CommandContext,
  coll: Collection,
  statement: Document,
  options: QueryOptions,
  write: WriteOptions,
): { n: number; modified: number; upserted?: unknown } {
  const { q, u, upsert, multi, arrayFilters } = statement;
  const kind = updateKindOf(u);
  if (multi === true && kind === 'replace') {
    throw new CommandError(9, 'multi update is not supported for replacement-style update');
  }
  const targets = matching(coll, matcher(q, 'q', options), multi === true ? 0 : 1);
  if (targets.length === 0) {
    if (upsert !== true) return { n: 0, modified: 0 };
    const base = upsertBase(q ?? {});
    const doc = ensureId(applyUpdate(base, u, arrayFilters, true, options));
    const stored = ctx.store.insert(coll, doc, write);
    return { n: 1, modified: 0, upserted: stored._id };
  }
  let modified = 0;
  for (const before of targets) {
    const after = applyUpdate(before, u, arrayFilters, false, options);
    if (valuesEqual(before, after)) continue;
    ctx.store.replace(coll, before, after, kind, write);
    modified += 1;
  }
  return { n: targets.length, modified };
}

const update: CommandHandler = (cmd, db, ctx) => {
  const name = collectionName(cmd, 'update');
  expectType(cmd, 'updates', isArray, 'array');
  const updates = (cmd.updates ?? []) as Document[];
  // `sort` in an update statement came with 8.0: the 7.0 the emulator reports refuses the
  // whole command, as a field its parser does not know.
  if (updates.some((statement) => isPlainObject(statement) && statement.sort !== undefined)) {
    throw new CommandError(40415, "BSON field 'update.updates.sort' is an unknown field.");
  }
  const ordered = cmd.ordered !== false;
  const options = queryOptionsOf(cmd);
  const coll = ctx.store.ensure(db, name);
  const runner = statements(cmd, ctx);
  const writeErrors: Document[] = [];
  const upserted: Document[] = [];
  let n = 0;
  let nModified = 0;
  for (let i = 0; i < updates.length; i++) {
    try {
      const statement = updates[i]!;
      if (!isPlainObject(statement)) throw badValue('each update statement must be an object');
      const own = statementOptions(options, statement);
      const result = runner.statement(i, (beforeWrite) =>
        updateOne(ctx, coll, statement, own, writeOptions(cmd, beforeWrite)),
      );
      n += result.n;
      nModified += result.modified;
      if (result.upserted !== undefined) upserted.push({ index: i, _id: result.upserted });
    } catch (error) {
      writeErrors.push(writeError(i, error));
      if (ordered) break;
    }
  }
  const reply: Document = { n, nModified };
  if (upserted.length > 0) reply.upserted = upserted;
  if (writeErrors.length > 0) reply.writeErrors = writeErrors;
  reply.ok = 1;
  return reply;
};

const del: CommandHandler = (cmd, db, ctx) => {
  const name = collectionName(cmd, 'delete');
  expectType(cmd, 'deletes', isArray, 'array');
  const deletes = (cmd.deletes ?? []) as Document[];
  const ordered = cmd.ordered !== false;
  const coll = ctx.store.get(db, name);
  if (coll?.view) throw notOnView(coll);
  const runner = statements(cmd, ctx);
  const options = queryOptionsOf(cmd);
  const writeErrors: Document[] = [];
  let n = 0;
  for (let i = 0; i < deletes.length; i++) {
    try {
      const statement = deletes[i]!;
      if (!isPlainObject(statement)) throw badValue('each delete statement must be an object');
      if (statement.limit !== 0 && statement.limit !== 1) {
        throw badValue(`The limit field in delete objects must be 0 or 1. Got ${statement.limit}`);
      }
      const filter = matcher(statement.q, 'q', statementOptions(options, statement));
      n += runner.statement(i, (beforeWrite) => {
        let removed = 0;
        for (const doc of matching(coll, filter, statement.limit)) {
          ctx.store.remove(coll!, doc, { beforeWrite });
          removed += 1;
        }
        return { n: removed };
      }).n;
    } catch (error) {
      writeErrors.push(writeError(i, error));
      if (ordered) break;
    }
  }
  return writeErrors.length > 0 ? { n, writeErrors, ok: 1 } : { n, ok: 1 };
};

const findAndModify: CommandHandler = (cmd, db, ctx) => {
  const name = collectionName(cmd, Object.keys(cmd)[0]!);
  expectType(cmd, 'query', isObject, 'object');
  expectType(cmd, 'sort', isObject, 'object');
  expectType(cmd, 'fields', isObject, 'object');
  expectType(cmd, 'new', isBool, 'bool');
  expectType(cmd, 'remove', isBool, 'bool');
  expectType(cmd, 'upsert', isBool, 'bool');
  if (cmd.remove === true && cmd.update !== undefined) {
    throw new CommandError(9, 'Cannot specify both an update and remove=true');
  }
  if (cmd.remove !== true && cmd.update === undefined) {
    throw new CommandError(9, 'Either an update or remove=true must be specified');
  }
  const options = queryOptionsOf(cmd);
  const coll = ctx.store.ensure(db, name);
  return statements(cmd, ctx).statement(0, (beforeWrite) =>
    findAndModifyOne(cmd, coll, ctx, options, beforeWrite),
  );
};

/** The one statement of a findAndModify: finds its target, then updates or removes it. */
function findAndModifyOne(
  cmd: Document,
  coll: Collection,
  ctx: CommandContext,
  options: QueryOptions,
  beforeWrite?: () => void,
): Document {
  const query = matcher(cmd.query, 'query', options);
  let candidates = matching(coll, query);
  if (cmd.sort && candidates.length > 1) {
    candidates = query.find(candidates).sort(cmd.sort).all() as Document[];
  }
  const target = candidates[0];
  const project = (doc: Document | null) =>
    doc && cmd.fields ? ((matcher({}).find([doc], cmd.fields).all()[0] as Document) ?? null) : doc;
  if (cmd.remove === true) {
    if (target) ctx.store.remove(coll, target, { beforeWrite });
    return { lastErrorObject: { n: target ? 1 : 0 }, value: project(target ?? null), ok: 1 };
  }
  const kind = updateKindOf(cmd.update);
  if (!target) {
    if (cmd.upsert !== true) {
      return { lastErrorObject: { n: 0, updatedExisting: false }, value: null, ok: 1 };
    }
    const doc = ensureId(
      applyUpdate(upsertBase(cmd.query ?? {}), cmd.update, cmd.arrayFilters, true, options),
    );
    const stored = ctx.store.insert(coll, doc, writeOptions(cmd, beforeWrite));
    return {
      lastErrorObject: { n: 1, updatedExisting: false, upserted: stored._id },
      value: cmd.new === true ? project(stored) : null,
      ok: 1,
    };
  }
  const after = applyUpdate(target, cmd.update, cmd.arrayFilters, false, options);
  if (!valuesEqual(target, after))
    ctx.store.replace(coll, target, after, kind, writeOptions(cmd, beforeWrite));
  return {
    lastErrorObject: { n: 1, updatedExisting: true },
    value: project(cmd.new === true ? after : target),
    ok: 1,
  };
}

const count: CommandHandler = (cmd, db, ctx) => {
  const name = collectionName(cmd, 'count');
  expectType(cmd, 'query', isObject, 'object');
  const query = matcher(cmd.query, 'query', queryOptionsOf(cmd));
  let n = matching(ctx.store.get(db, name), query).length;
  const skip = Number(cmd.skip ?? 0);
  const limit = Math.abs(Number(cmd.limit ?? 0));
  n = Math.max(0, n - skip);
  if (limit > 0) n = Math.min(n, limit);
  return { n, ok: 1 };
};

const distinct: CommandHandler = (cmd, db, ctx) => {
  const name = collectionName(cmd, 'distinct');
  if (typeof cmd.key !== 'string') {
    throw new CommandError(14, `BSON field 'distinct.key' is missing or not of type 'string'`);
  }
  expectType(cmd, 'query', isObject, 'object');
  const options = queryOptionsOf(cmd);
  const key = collationKey(options);
  const seen = new Map<string, unknown>();
  for (const doc of matching(ctx.store.get(db, name), matcher(cmd.query, 'query', options))) {
    const value = getPath(doc, cmd.key);
    for (const item of Array.isArray(value) ? value : [value]) {
      const k = keyOf(key(item));
      if (item !== undefined && !seen.has(k)) seen.set(k, item);
    }
  }
  return { values: [...seen.values()], ok: 1 };
};

export const crudCommands: Record<string, CommandHandler> = {
  insert,
  update,
  delete: del,
  findAndModify,
  findandmodify: findAndModify,
  count,
  distinct,
};
