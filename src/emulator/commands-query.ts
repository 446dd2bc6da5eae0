/** Cursor commands: find, aggregate (including $changeStream), getMore, killCursors. */
import { calculateObjectSize, type Document, type Long } from 'bson';
import { ChangeStreamCursor, startsChangeStream, type StreamScope } from './change-stream';
import { collectionName } from './commands-crud';
import { matcher, matching } from './matcher';
import { notOnView } from './store';
import { changeStreamNotFirst, stageName } from './pipeline-stages';
import {
  cursorIdOf,
  toLong,
  type CommandContext,
  type CommandHandler,
  type Cursor,
} from './context';
import {
  CommandError,
  badValue,
  bsonTypeName,
  expectType,
  toCommandError,
  typeMismatch,
} from './errors';
import { newAggregator, queryOptionsOf } from './query-options';
import { WRITE_STAGES, checkWriteStagePlacement, runWriteStage } from './write-stages';
import { clone, isPlainObject } from './values';

const DEFAULT_BATCH = 101;
const DEFAULT_AWAIT_MS = 1000;
/** Replies stay under the 16 MiB BSON limit: a batch stops growing past this many bytes. */
export const BATCH_BYTES = 15 * 1024 * 1024;
const isObject = (v: unknown) => isPlainObject(v);
const isNumber = (v: unknown) =>
  typeof v === 'number' || (v as { _bsontype?: string })?._bsontype === 'Long';

function batchSizeOf(value: unknown, field: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) {
    throw badValue(`BSON field '${field}' value must be >= 0, actual value '${String(value)}'`);
  }
  return n;
}

/** End index of the next batch: at most `count` documents and about BATCH_BYTES (at least 1). */
function batchEnd(docs: Document[], start: number, count: number): number {
  let end = start;
  let bytes = 0;
  while (end < docs.length && end - start < count) {
    bytes += calculateObjectSize(docs[end]!);
    if (bytes > BATCH_BYTES && end > start) break;
    end += 1;
  }
  return end;
}

function docsCursorReply(
  ctx: CommandContext,
  ns: string,
  docs: Document[],
  batch: number,
  single: boolean,
) {
  const end = batchEnd(docs, 0, batch);
  const first = docs.slice(0, end);
  let id = 0n;
  if (!single && docs.length > end) {
    id = ctx.cursors.allocateId();
    ctx.cursors.add({ kind: 'docs', id, ns, docs, offset: end });
  }
  return { cursor: { firstBatch: first, id: toLong(id), ns }, ok: 1 };
}

const find: CommandHandler = (cmd, db, ctx) => {
  const name = collectionName(cmd, 'find');
  expectType(cmd, 'filter', isObject, 'object');
  expectType(cmd, 'sort', isObject, 'object');
  expectType(cmd, 'projection', isObject, 'object');
  expectType(cmd, 'skip', isNumber, 'long');
  expectType(cmd, 'limit', isNumber, 'long');
  if (cmd.tailable === true) {
    throw badValue('error processing query: tailable cursor requested on non capped collection');
  }
  const query = matcher(cmd.filter, 'filter', queryOptionsOf(cmd));
  const limit = Number(cmd.limit ?? 0);
  const skip = Number(cmd.skip ?? 0);
  if (skip < 0) throw badValue(`BSON field 'skip' value must be >= 0, actual value '${skip}'`);
  if (limit < 0) throw badValue(`BSON field 'limit' value must be >= 0, actual value '${limit}'`);
  let cursor = query.find(matching(ctx.store.get(db, name), query), cmd.projection);
  if (cmd.sort && Object.keys(cmd.sort).length > 0) cursor = cursor.sort(cmd.sort);
  if (skip > 0) cursor = cursor.skip(skip);
  if (limit > 0) cursor = cursor.limit(limit);
  let docs: Document[];
  try {
    docs = cursor.all() as Document[];
  } catch (error) {
    throw toCommandError(error);
  }
  const batch = batchSizeOf(cmd.batchSize, 'batchSize') ?? DEFAULT_BATCH;
  return docsCursorReply(ctx, `${db}.${name}`, docs, batch, cmd.singleBatch === true);
};

function streamScope(cmd: Document, db: string, stage: Document): StreamScope {
  if (cmd.aggregate === 1) {
    if (stage.allChangesForCluster === true) {
      if (db !== 'admin') {
        throw new CommandError(
          72, // InvalidOptions
          "$changeStream may only be run with allChangesForCluster on the 'admin' database",
        );
      }
      return {};
    }
    if (db === 'admin') {
      throw new CommandError(
        73, // InvalidNamespace
        "$changeStream on the 'admin' database requires allChangesForCluster: true",
      );
    }
    return { db };
  }
  return { db, coll: collectionName(cmd, 'aggregate') };
}

const aggregate: CommandHandler = (cmd, db, ctx) => {
  if (!Array.isArray(cmd.pipeline)) {
    throw new CommandError(
      14,
      `BSON field 'aggregate.pipeline' is missing or is the wrong type, expected type 'array'`,
    );
  }
  if (!isPlainObject(cmd.cursor) && cmd.explain !== true) {
    throw new CommandError(
      9,
      "The 'cursor' option is required, except for aggregate with the explain argument",
    );
  }
  if (cmd.explain === true) throw badValue('explain is not supported by the emulator');
  const pipeline = cmd.pipeline as Document[];
  const batch = batchSizeOf(cmd.cursor?.batchSize, 'cursor.batchSize') ?? DEFAULT_BATCH;
  const first = pipeline[0];
  if (startsChangeStream(pipeline)) {
    const stage = first!.$changeStream as Document;
    const scope = streamScope(cmd, db, stage);
    const watched = scope.coll === undefined ? undefined : ctx.store.get(db, scope.coll);
    if (watched?.view) throw notOnView(watched);
    const lookup = (d: string, c: string, key: Document) =>
      (matching(ctx.store.get(d, c), matcher(key), 1)[0] as Document | undefined) ?? null;
    const stream = new ChangeStreamCursor(ctx.history, scope, stage, pipeline.slice(1), lookup);
    const ns =
      scope.coll === undefined ? `${scope.db ?? 'admin'}.$cmd.aggregate` : `${db}.${scope.coll}`;
    const events = stream.next(batch, BATCH_BYTES);
    let id = 0n;
    if (!stream.isClosed) {
      id = ctx.cursors.allocateId();
      ctx.cursors.add({ kind: 'stream', id, ns, stream });
    }
    return {
      cursor: {
        firstBatch: events,
        postBatchResumeToken: stream.postBatchResumeToken,
        id: toLong(id),
        ns,
      },
      ok: 1,
    };
  }
  for (const stage of pipeline) {
    if (stageName(stage) === '$changeStream') throw changeStreamNotFirst();
  }
  checkWriteStagePlacement(pipeline);
  const last = pipeline[pipeline.length - 1];
  const writes = last !== undefined && WRITE_STAGES.has(stageName(last)) ? last : undefined;
  if (writes && cmd.readConcern?.level === 'linearizable') {
    throw new CommandError(
      72,
      `${stageName(writes)} cannot be used with a 'linearizable' read concern level`,
    );
  }
  const options = queryOptionsOf(cmd);
  let stages = writes ? pipeline.slice(0, -1) : pipeline;
  let source: Document[];
  if (first !== undefined && stageName(first) === '$listLocalSessions') {
    source = localSessions(cmd, ctx, first);
    stages = stages.slice(1);
  } else {
    source =
      cmd.aggregate === 1
        ? []
        : matching(ctx.store.get(db, collectionName(cmd, 'aggregate')), matcher({}));
  }
  let docs: Document[];
  try {
    const resolver = (name: string) => matching(ctx.store.get(db, name), matcher({})).map(clone);
    docs = newAggregator(stages, options, resolver).run(source.map(clone)) as Document[];
  } catch (error) {
    throw toCommandError(error);
  }
  const ns = cmd.aggregate === 1 ? `${db}.$cmd.aggregate` : `${db}.${cmd.aggregate}`;
  if (writes) {
    runWriteStage(writes, docs, db, ctx, options, {
      bypassDocumentValidation: cmd.bypassDocumentValidation === true,
    });
    return docsCursorReply(ctx, ns, [], batch, true);
  }
  return docsCursorReply(ctx, ns, docs, batch, false);
};

/** `$listLocalSessions` (first stage of an `aggregate: 1`): the server's sessions. */
function localSessions(cmd: Document, ctx: CommandContext, stage: Document) {
  if (cmd.aggregate !== 1) {
    throw new CommandError(
      73,
      '$listLocalSessions must be run against the database with {aggregate: 1}, not a collection',
    );
  }
  const spec: unknown = stage.$listLocalSessions;
  if (!isPlainObject(spec)) {
    throw typeMismatch(
      `BSON field '$listLocalSessions' is the wrong type '${bsonTypeName(spec)}', expected type 'object'`,
    );
  }
  // Without authentication every session belongs to the one (empty) user.
  return ctx.sessions.list();
}

/** Waits until the history grows, the deadline passes, or the cursor or connection goes away. */
function waitForChange(ctx: CommandContext, cursor: Cursor & { kind: 'stream' }, ms: number) {
  return new Promise<void>((resolve) => {
    const finish = () => {
      clearTimeout(timer);
      unsubscribe();
      ctx.connection.signal.removeEventListener('abort', finish);
      cursor.awaitAbort = undefined;
      resolve();
    };
    const timer = setTimeout(finish, Math.max(0, ms));
    const unsubscribe = ctx.history.subscribe(finish);
    ctx.connection.signal.addEventListener('abort', finish);
    cursor.awaitAbort = finish;
  });
}

const getMore: CommandHandler = async (cmd, db, ctx) => {
  const id = cursorIdOf(cmd.getMore, 'getMore');
  if (typeof cmd.collection !== 'string') {
    throw new CommandError(
      14,
      `BSON field 'getMore.collection' is missing or is the wrong type, expected type 'string'`,
    );
  }
  const ns = `${db}.${cmd.collection}`;
  const cursor = ctx.cursors.get(id, ns);
  const checkoutFailure = ctx.failPoints.afterCursorCheckout(
    ctx.connection.appName,
    cursor.kind === 'stream',
  );
  if (checkoutFailure) {
    ctx.cursors.kill(id); // a getMore that fails holding its cursor destroys it
    throw checkoutFailure;
  }
  const batch = batchSizeOf(cmd.batchSize, 'batchSize');
  if (cursor.kind === 'docs') {
    const end = batchEnd(cursor.docs, cursor.offset, batch && batch > 0 ? batch : Infinity);
    const nextBatch = cursor.docs.slice(cursor.offset, end);
    cursor.offset = Math.min(end, cursor.docs.length);
    const done = cursor.offset >= cursor.docs.length;
    if (done) ctx.cursors.kill(id);
    return { cursor: { nextBatch, id: toLong(done ? 0n : id), ns }, ok: 1 };
  }
  const max = batch && batch > 0 ? batch : Number.MAX_SAFE_INTEGER;
  const waitMs = cmd.maxTimeMS !== undefined ? Number(cmd.maxTimeMS) : DEFAULT_AWAIT_MS;
  const deadline = Date.now() + waitMs;
  let events: Document[];
  try {
    events = cursor.stream.next(max, BATCH_BYTES);
    while (
      events.length === 0 &&
      !cursor.stream.isClosed &&
      !ctx.connection.signal.aborted &&
      ctx.cursors.has(id) &&
      Date.now() < deadline
    ) {
      await waitForChange(ctx, cursor, deadline - Date.now());
      events = cursor.stream.next(max, BATCH_BYTES);
    }
  } catch (error) {
    ctx.cursors.kill(id);
    throw error;
  }
  if (!ctx.cursors.has(id) && !cursor.stream.isClosed) {
    throw new CommandError(237, `cursor id ${id} was killed while a getMore waited on it`);
  }
  const closed = cursor.stream.isClosed;
  if (closed) ctx.cursors.kill(id);
  return {
    cursor: {
      nextBatch: events,
      postBatchResumeToken: cursor.stream.postBatchResumeToken,
      id: toLong(closed ? 0n : id),
      ns,
    },
    ok: 1,
  };
};

const killCursors: CommandHandler = (cmd, db, ctx) => {
  if (!Array.isArray(cmd.cursors)) {
    throw new CommandError(
      14,
      `BSON field 'killCursors.cursors' is missing or is the wrong type, expected type 'array'`,
    );
  }
  const killed: Long[] = [];
  const notFound: Long[] = [];
  for (const raw of cmd.cursors) {
    const id = cursorIdOf(raw, 'killCursors.cursors');
    (ctx.cursors.kill(id) ? killed : notFound).push(toLong(id));
  }
  return {
    cursorsKilled: killed,
    cursorsNotFound: notFound,
    cursorsAlive: [],
    cursorsUnknown: [],
    ok: 1,
  };
};

export const queryCommands: Record<string, CommandHandler> = {
  find,
  aggregate,
  getMore,
  killCursors,
};
