/** Handshake, topology and catalogue commands, and configureFailPoint. */
import { Binary, Long, type Document } from 'bson';
import { collectionName } from './commands-crud';
import { matcher } from './matcher';
import { toLong, type CommandContext, type CommandHandler } from './context';
import { CommandError, badValue, bsonTypeName, expectType, typeMismatch } from './errors';
import { notOnView, type IndexSpec } from './store';
import { stageName } from './pipeline-stages';
import { MAX_BSON_OBJECT_SIZE, MAX_MESSAGE_SIZE } from './wire';
import { VALIDATION_OPTIONS, checkValidationOptions } from './validation';
import { isPlainObject } from './values';

export const MAX_WIRE_VERSION = 21; // MongoDB 7.0
const isObject = (v: unknown) => isPlainObject(v);

/** The one topology the emulator ever has (no elections, no step-downs). */
export function topologyVersion(ctx: CommandContext): Document {
  return { processId: ctx.server.processId, counter: Long.fromNumber(0) };
}

export function helloReply(ctx: CommandContext, legacy: boolean): Document {
  const { server } = ctx;
  const me = `${server.host}:${server.port}`;
  const now = ctx.clock.now();
  return {
    ...(legacy ? { ismaster: true } : { isWritablePrimary: true }),
    helloOk: true,
    topologyVersion: topologyVersion(ctx),
    hosts: [me],
    setName: server.replicaSet,
    setVersion: 1,
    secondary: false,
    primary: me,
    me,
    electionId: server.electionId,
    lastWrite: { opTime: { ts: now, t: Long.fromNumber(1) }, lastWriteDate: new Date() },
    maxBsonObjectSize: MAX_BSON_OBJECT_SIZE,
    maxMessageSizeBytes: MAX_MESSAGE_SIZE,
    maxWriteBatchSize: 100_000,
    localTime: new Date(),
    logicalSessionTimeoutMinutes: 30,
    connectionId: ctx.connection.id,
    minWireVersion: 0,
    maxWireVersion: MAX_WIRE_VERSION,
    readOnly: false,
    ok: 1,
  };
}

export function clusterTimeFields(ctx: CommandContext): Document {
  const now = ctx.clock.now();
  return {
    $clusterTime: {
      clusterTime: now,
      signature: { hash: new Binary(Buffer.alloc(20), 0), keyId: Long.fromNumber(0) },
    },
    operationTime: now,
  };
}

function listCursor(ns: string, docs: Document[]): Document {
  return { cursor: { id: toLong(0n), ns, firstBatch: docs }, ok: 1 };
}

const create: CommandHandler = (cmd, db, ctx) => {
  const name = collectionName(cmd, 'create');
  const { create: _name, lsid: _l, $db: _d, $clusterTime: _c, writeConcern: _w, ...options } = cmd;
  if (options.capped === true || options.timeseries !== undefined) {
    throw badValue('capped collections and time series are not supported by the emulator');
  }
  if (options.viewOn !== undefined || options.pipeline !== undefined) {
    if (typeof options.viewOn !== 'string') {
      throw typeMismatch(
        `BSON field 'create.viewOn' is the wrong type '${bsonTypeName(options.viewOn)}', expected type 'string'`,
      );
    }
    const pipeline: unknown = options.pipeline ?? [];
    if (!Array.isArray(pipeline) || !pipeline.every((stage) => isPlainObject(stage))) {
      throw typeMismatch(`BSON field 'create.pipeline' must be an array of stage documents`);
    }
    const other = Object.keys(options).filter((k) => k !== 'viewOn' && k !== 'pipeline');
    if (other.length > 0) {
      throw badValue(
        `views take only viewOn and pipeline in the emulator, not ${other.join(', ')}`,
      );
    }
    for (const stage of pipeline) stageName(stage);
    ctx.store.createView(db, name, options.viewOn, pipeline as Document[]);
    return { ok: 1 };
  }
  checkValidationOptions(options, 'create');
  ctx.store.create(db, name, options);
  return { ok: 1 };
};

/** Fields of collMod besides the options it changes (generic command arguments). */
const GENERIC_FIELDS = new Set([
  'collMod',
  'lsid',
  '$db',
  '$clusterTime',
  'writeConcern',
  'txnNumber',
  'comment',
  'maxTimeMS',
  '$readPreference',
  'apiVersion',
  'apiStrict',
  'apiDeprecationErrors',
]);

/** The options a 7.0 server's collMod knows. */
const COLL_MOD_OPTIONS = new Set([
  'validator',
  'validationLevel',
  'validationAction',
  'index',
  'viewOn',
  'pipeline',
  'expireAfterSeconds',
  'timeseries',
  'clusteredIndex',
  'dryRun',
  'cappedSize',
  'cappedMax',
  'timeseriesBucketsMayHaveMixedSchemaData',
]);

/** Options collMod changes in the emulator. */
const COLL_MOD_SUPPORTED = new Set<string>(['changeStreamPreAndPostImages', ...VALIDATION_OPTIONS]);

/**
 * `collMod`: `changeStreamPreAndPostImages` and the validation options (the rest is
 * refused, changing nothing).
 */
const collMod: CommandHandler = (cmd, db, ctx) => {
  const name = collectionName(cmd, 'collMod');
  for (const field of Object.keys(cmd)) {
    if (GENERIC_FIELDS.has(field) || COLL_MOD_SUPPORTED.has(field)) continue;
    if (!COLL_MOD_OPTIONS.has(field)) {
      throw new CommandError(40415, `BSON field 'collMod.${field}' is an unknown field.`);
    }
    throw badValue(
      `collMod option '${field}' is not supported by the emulator (only ${[...COLL_MOD_SUPPORTED].join(', ')})`,
    );
  }
  const images: unknown = cmd.changeStreamPreAndPostImages;
  if (images !== undefined) {
    if (!isPlainObject(images)) {
      throw typeMismatch(
        `BSON field 'collMod.changeStreamPreAndPostImages' is the wrong type '${bsonTypeName(images)}', expected type 'object'`,
      );
    }
    if (typeof images.enabled !== 'boolean') {
      throw new CommandError(
        40414,
        "BSON field 'collMod.changeStreamPreAndPostImages.enabled' is missing but a required field",
      );
    }
    const unknown = Object.keys(images).find((key) => key !== 'enabled');
    if (unknown !== undefined) {
      throw new CommandError(
        40415,
        `BSON field 'collMod.changeStreamPreAndPostImages.${unknown}' is an unknown field.`,
      );
    }
  }
  checkValidationOptions(cmd, 'collMod');
  const coll = ctx.store.get(db, name);
  if (!coll) throw new CommandError(26, `ns does not exist: ${db}.${name}`);
  if (coll.view) throw notOnView(coll);
  const before = { ...coll.options };
  const changed: Document = {};
  for (const option of VALIDATION_OPTIONS) {
    if (cmd[option] === undefined) continue;
    changed[option] = cmd[option];
    coll.options[option] = cmd[option];
  }
  if (isPlainObject(images)) {
    changed.changeStreamPreAndPostImages = { enabled: images.enabled };
    if (images.enabled) coll.options.changeStreamPreAndPostImages = { enabled: true };
    else delete coll.options.changeStreamPreAndPostImages;
  }
  ctx.store.modified(coll, changed, before);
  return { ok: 1 };
};

const drop: CommandHandler = (cmd, db, ctx) => {
  const name = collectionName(cmd, 'drop');
  const coll = ctx.store.get(db, name);
  const nIndexesWas = coll?.indexes.length ?? 0;
  ctx.store.drop(db, name);
  return coll ? { nIndexesWas, ns: `${db}.${name}`, ok: 1 } : { ok: 1 };
};

const dropDatabase: CommandHandler = (_cmd, db, ctx) => {
  ctx.store.dropDatabase(db);
  return { dropped: db, ok: 1 };
};

const listCollections: CommandHandler = (cmd, db, ctx) => {
  expectType(cmd, 'filter', isObject, 'object');
  const docs = ctx.store.collections(db).map((coll) => {
    const type = coll.view ? 'view' : 'collection';
    if (cmd.nameOnly === true) return { name: coll.name, type };
    if (coll.view)
      return { name: coll.name, type, options: coll.options, info: { readOnly: true } };
    return {
      name: coll.name,
      type: 'collection',
      options: coll.options,
      info: { readOnly: false, uuid: coll.uuid },
      idIndex: { v: 2, key: { _id: 1 }, name: '_id_' },
    };
  });
  const query = matcher(cmd.filter);
  return listCursor(
    `${db}.$cmd.listCollections`,
    docs.filter((d) => query.test(d)),
  );
};

const listDatabases: CommandHandler = (cmd, _db, ctx) => {
  const databases = ctx.store
    .databaseNames()
    .map((name) => ({ name, sizeOnDisk: 0, empty: false }))
    .filter((d) => matcher(cmd.filter).test(d));
  if (cmd.nameOnly === true) return { databases: databases.map(({ name }) => ({ name })), ok: 1 };
  return { databases, totalSize: 0, totalSizeMb: 0, ok: 1 };
};

const createIndexes: CommandHandler = (cmd, db, ctx) => {
  const name = collectionName(cmd, 'createIndexes');
  if (!Array.isArray(cmd.indexes) || cmd.indexes.length === 0) {
    throw badValue('Must specify at least one index to create');
  }
  const created = !ctx.store.get(db, name);
  const coll = ctx.store.ensure(db, name);
  const before = coll.indexes.length;
  for (const raw of cmd.indexes as Document[]) {
    if (!isPlainObject(raw) || !isPlainObject(raw.key) || Object.keys(raw.key).length === 0) {
      throw new CommandError(
        9,
        "The 'key' field of an index specification must be a non-empty object",
      );
    }
    if (typeof raw.name !== 'string' || raw.name === '') {
      throw new CommandError(
        9,
        "The 'name' field of an index specification must be a non-empty string",
      );
    }
    ctx.store.createIndex(coll, { v: 2, ...raw } as IndexSpec);
  }
  return {
    numIndexesBefore: before,
    numIndexesAfter: coll.indexes.length,
    createdCollectionAutomatically: created,
    ok: 1,
  };
};

const listIndexes: CommandHandler = (cmd, db, ctx) => {
  const name = collectionName(cmd, 'listIndexes');
  const coll = ctx.store.get(db, name);
  if (!coll) throw new CommandError(26, `ns does not exist: ${db}.${name}`);
  if (coll.view) throw notOnView(coll);
  return listCursor(
    `${db}.${name}`,
    coll.indexes.map((index) => index.spec),
  );
};

const dropIndexes: CommandHandler = (cmd, db, ctx) => {
  const name = collectionName(cmd, 'dropIndexes');
  const coll = ctx.store.get(db, name);
  if (!coll) throw new CommandError(26, `ns not found ${db}.${name}`);
  if (coll.view) throw notOnView(coll);
  const before = coll.indexes.length;
  const wanted = cmd.index;
  const matches = (index: IndexSpec) => {
    if (wanted === '*') return true;
    if (typeof wanted === 'string') return index.name === wanted;
    return JSON.stringify(index.key) === JSON.stringify(wanted);
  };
  if (
    wanted !== '*' &&
    !coll.indexes.some((index) => index.spec.name !== '_id_' && matches(index.spec))
  ) {
    throw new CommandError(27, `index not found with name [${String(wanted)}]`);
  }
  ctx.store.dropIndexes(coll, (index) => !matches(index.spec));
  return { nIndexesWas: before, ok: 1 };
};

function splitNamespace(value: unknown, field: string): { db: string; coll: string } {
  const dot = typeof value === 'string' ? value.indexOf('.') : -1;
  if (typeof value !== 'string' || dot <= 0 || dot === value.length - 1) {
    throw new CommandError(73, `Invalid namespace specified '${String(value)}' for ${field}`);
  }
  return { db: value.slice(0, dot), coll: value.slice(dot + 1) };
}

const renameCollection: CommandHandler = (cmd, db, ctx) => {
  if (db !== 'admin')
    throw new CommandError(13, 'renameCollection may only be run against the admin database.');
  const from = splitNamespace(cmd.renameCollection, 'renameCollection');
  const to = splitNamespace(cmd.to, 'to');
  ctx.store.rename(from, to, cmd.dropTarget === true);
  return { ok: 1 };
};

const configureFailPoint: CommandHandler = (cmd, db, ctx) => {
  if (db !== 'admin')
    throw new CommandError(13, 'configureFailPoint may only be run against the admin database.');
  ctx.failPoints.configure(cmd);
  return { count: 0, ok: 1 };
};

const buildInfo: CommandHandler = () => ({
  version: '7.0.0',
  gitVersion: 'callboard-emulator',
  versionArray: [7, 0, 0, 0],
  bits: 64,
  debug: false,
  maxBsonObjectSize: MAX_BSON_OBJECT_SIZE,
  storageEngines: ['emulator'],
  modules: [],
  ok: 1,
});

const ok: CommandHandler = () => ({ ok: 1 });

export const adminCommands: Record<string, CommandHandler> = {
  hello: (_cmd, _db, ctx) => helloReply(ctx, false),
  isMaster: (_cmd, _db, ctx) => helloReply(ctx, true),
  ismaster: (_cmd, _db, ctx) => helloReply(ctx, true),
  ping: ok,
  buildInfo,
  buildinfo: buildInfo,
  endSessions: (cmd, _db, ctx) => {
    ctx.sessions.end(cmd.endSessions);
    return { ok: 1 };
  },
  killAllSessions: ok,
  create,
  drop,
  dropDatabase,
  listCollections,
  listDatabases,
  collMod,
  createIndexes,
  listIndexes,
  dropIndexes,
  renameCollection,
  configureFailPoint,
  getParameter: () => ({ featureCompatibilityVersion: { version: '7.0' }, ok: 1 }),
  serverStatus: (_cmd, _db, ctx: CommandContext) => ({
    host: `${ctx.server.host}:${ctx.server.port}`,
    version: '7.0.0',
    process: 'callboard-emulator',
    uptime: (Date.now() - ctx.server.startedAt.getTime()) / 1000,
    ok: 1,
  }),
};
