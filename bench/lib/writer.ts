import type { AnyBulkWriteOperation, Db, Document } from 'mongodb';
import type { Trace, TraceOp } from './trace';

/** Absolute wall-clock ms with sub-millisecond resolution, comparable across processes. */
export function clock(): number {
  return performance.timeOrigin + performance.now();
}

/** Bench documents use their key as _id. */
type BenchDoc = { _id: string } & Document;

const DATE_FIELDS = ['startTime', 'endTime', 'startedAt'];

/** Writers store real Dates, as a backend would; the trace holds ISO strings. */
function withDates(fields: Record<string, unknown>): Document {
  const doc: Document = { ...fields };
  for (const name of DATE_FIELDS) {
    if (typeof doc[name] === 'string') doc[name] = new Date(doc[name] as string);
  }
  return doc;
}

/** Empties both collections and writes the trace's initial state (benchSeq 0). */
export async function seedDatabase(
  db: Db,
  trace: Pick<Trace, 'initialCalls' | 'initialCampaigns'>,
): Promise<void> {
  const calls = db.collection('calls');
  const campaigns = db.collection('campaigns');
  await calls.deleteMany({});
  await campaigns.deleteMany({});
  await calls.createIndex({ callSid: 1 }).catch(() => undefined);
  await campaigns.createIndex({ campaignId: 1 }).catch(() => undefined);
  if (trace.initialCalls.length > 0) {
    await calls.insertMany(trace.initialCalls.map((d) => withDates({ _id: d.callSid, ...d })));
  }
  if (trace.initialCampaigns.length > 0) {
    await campaigns.insertMany(
      trace.initialCampaigns.map((d) => withDates({ _id: d.campaignId, ...d })),
    );
  }
}

export interface PlayOptions {
  /** Ops per second. */
  rate: number;
  /** Largest number of ops sent in one bulk write (when the writer is behind). */
  maxBatch?: number;
  signal?: AbortSignal;
}

export interface PlayResult {
  /** Absolute send time (ms) of each op, by seq; index 0 unused. */
  writtenAt: Float64Array;
  startedAt: number;
  finishedAt: number;
  /** Ops per second actually achieved (sending the last op / elapsed). */
  achievedRate: number;
  /** How far behind schedule the writer fell at worst (ms). */
  maxLagMs: number;
}

/**
 * Plays the trace at `rate`: op i is due at start + (i - 1) / rate. Due ops go out as ordered
 * bulk writes, one at a time, so writes to one key reach the database in trace order; if the
 * database is slow, the next bulk carries every op that fell due meanwhile (and the lag shows).
 */
export async function playTrace(db: Db, trace: Trace, options: PlayOptions): Promise<PlayResult> {
  return playSchedule(trace.ops, options, (batch, stamp) => writeBatch(db, batch, stamp));
}

/** Writes ops as ordered bulk writes (one per collection), stamped with `stamp`. */
export async function writeBatch(db: Db, batch: readonly TraceOp[], stamp: number): Promise<void> {
  const callOps: AnyBulkWriteOperation<BenchDoc>[] = [];
  const campaignOps: AnyBulkWriteOperation<BenchDoc>[] = [];
  for (const op of batch) {
    (op.collection === 'calls' ? callOps : campaignOps).push(toWrite(op, stamp));
  }
  await Promise.all([
    callOps.length > 0
      ? db.collection<BenchDoc>('calls').bulkWrite(callOps, { ordered: true })
      : null,
    campaignOps.length > 0
      ? db.collection<BenchDoc>('campaigns').bulkWrite(campaignOps, { ordered: true })
      : null,
  ]);
}

/** The schedule behind playTrace, for any sink (the hub-direct mode feeds the Hub with it). */
export async function playSchedule(
  ops: readonly TraceOp[],
  options: PlayOptions,
  send: (batch: readonly TraceOp[], stamp: number) => Promise<void> | void,
): Promise<PlayResult> {
  const writtenAt = new Float64Array(ops.length + 1);
  const maxBatch = options.maxBatch ?? 500;
  const interval = 1000 / options.rate;
  const startedAt = clock();
  let next = 0;
  let maxLagMs = 0;
  while (next < ops.length) {
    if (options.signal?.aborted) throw new Error('writer aborted');
    const now = clock();
    const due = Math.min(ops.length, Math.floor((now - startedAt) / interval) + 1, next + maxBatch);
    if (due <= next) {
      await sleepUntil(startedAt + next * interval);
      continue;
    }
    maxLagMs = Math.max(maxLagMs, now - (startedAt + next * interval));
    const batch = ops.slice(next, due);
    const stamp = clock();
    for (const op of batch) writtenAt[op.seq] = stamp;
    await send(batch, stamp);
    next = due;
  }
  const finishedAt = clock();
  const lastSent = writtenAt[ops.length] ?? finishedAt;
  const elapsed = ops.length > 1 ? lastSent - startedAt : 1;
  return {
    writtenAt,
    startedAt,
    finishedAt,
    achievedRate: ops.length > 1 ? ((ops.length - 1) * 1000) / elapsed : options.rate,
    maxLagMs,
  };
}

function toWrite(op: TraceOp, stamp: number): AnyBulkWriteOperation<BenchDoc> {
  const fields = withDates({ ...op.fields, benchWrittenAt: stamp });
  // Documents are addressed by _id (= callSid / campaignId): an indexed lookup, as a real
  // deployment would have on callSid (the emulator answers both from an index).
  if (op.kind === 'insert') return { insertOne: { document: { _id: op.key, ...fields } } };
  const filter = { _id: op.key };
  return { updateOne: { filter, update: { $set: fields } } };
}

function sleepUntil(at: number): Promise<void> {
  // Timers fire late, never early, by at least ~1 ms; the loop re-checks the clock.
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, at - clock())));
}

/** The database's final state as a client should hold it: active calls and campaigns by key. */
export async function readFinalState(db: Db): Promise<Map<string, number>> {
  const state = new Map<string, number>();
  const active = ['initiated', 'queued', 'ringing', 'in-progress'];
  const calls = await db
    .collection('calls')
    .find({ status: { $in: active } }, { projection: { callSid: 1, benchSeq: 1 } })
    .toArray();
  for (const c of calls) state.set(String(c.callSid), Number(c.benchSeq));
  const campaigns = await db
    .collection('campaigns')
    .find({}, { projection: { campaignId: 1, benchSeq: 1 } })
    .toArray();
  for (const c of campaigns) state.set(String(c.campaignId), Number(c.benchSeq));
  return state;
}
