import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, type TestDatabase } from '../emulator/test-target';
import {
  shownByHand,
  startWatchedServer,
  stateClient,
  type StateClient,
} from './emulator-test-support';
import type { RealtimeServer } from './realtime-server';
import { until } from './test-support';

/**
 * "Snapshot and stream agree, always" (docs/architecture.md, "Reading other services'
 * data"): after any sequence of writes, in any spelling of any vocabulary in DATA.md or none,
 * a client that watched the stream shows the same calls, with the same statuses, as a client
 * of a freshly started server (whose snapshot is the MongoDB query), and both show what a
 * hand-written oracle reads in the collection. Runs on the emulator, or on a real replica set
 * with MONGODB_URI.
 */

const RUNS = Number(process.env.CALLBOARD_SNAPSHOT_RUNS ?? 20);

const WORDS = [
  // Twilio CallStatus and StatusCallbackEvent
  'queued',
  'initiated',
  'ringing',
  'in-progress',
  'answered',
  'completed',
  'busy',
  'no-answer',
  'canceled',
  'failed',
  // ElevenLabs conversation and batch statuses, call_initiation_failure reasons
  'processing',
  'done',
  'pending',
  'in_progress',
  'cancelled',
  'unknown',
  // values no mapping knows
  'transferring',
  'on hold',
];

const spelled: fc.Arbitrary<unknown> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc
      .record({
        word: fc.constantFrom(...WORDS),
        cased: fc.constantFrom('lower', 'upper', 'title'),
        sep: fc.constantFrom('-', '_', ' '),
        pad: fc.constantFrom('', ' ', '  '),
      })
      .map(({ word, cased, sep, pad }) => {
        const joined = word.replace(/[-_ ]/g, sep);
        const text =
          cased === 'upper'
            ? joined.toUpperCase()
            : cased === 'title'
              ? joined.replace(/(^|[-_ ])(\w)/g, (_m, a: string, b: string) => a + b.toUpperCase())
              : joined;
        return `${pad}${text}${pad === '' ? '' : ' '}`;
      }),
  },
  { weight: 1, arbitrary: fc.constantFrom(undefined, null, 3, '') },
);

/** Writes keyed by callSid, one document per key (integrations upsert by the call's id). */
type Op =
  { kind: 'replace' | 'set'; key: number; status: unknown } | { kind: 'delete'; key: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    kind: fc.constantFrom('replace', 'set'),
    key: fc.integer({ min: 0, max: 4 }),
    status: spelled,
  }) as fc.Arbitrary<Op>,
  fc.record({
    kind: fc.constant('delete'),
    key: fc.integer({ min: 0, max: 4 }),
  }) as fc.Arbitrary<Op>,
);

let target: TestDatabase;
let watching: { server: RealtimeServer; url: string };
let watcher: StateClient;
let run = 0;

beforeAll(async () => {
  target = await openTestDatabase({ prefix: 'snapshot-stream' });
  await calls().createIndex({ status: 1 });
  watching = await startWatchedServer(target);
  watcher = stateClient(watching.url);
  await watcher.socket.emitWithAck('subscribe:calls', { v: 2 });
  await until(() => watcher.state().cursors.calls.synced, 'the watching client synced');
});
afterAll(async () => {
  watcher?.close();
  await watching?.server.stop();
  await target?.close();
});

const calls = () => target.client.db(target.dbName).collection('calls');

async function apply(prefix: string, ops: Op[]): Promise<void> {
  for (const o of ops) {
    const callSid = `${prefix}-${o.key}`;
    const doc = (status: unknown) => (status === undefined ? { callSid } : { callSid, status });
    switch (o.kind) {
      case 'replace':
        await calls().replaceOne({ callSid }, doc(o.status), { upsert: true });
        break;
      case 'set':
        await calls().updateMany(
          { callSid },
          o.status === undefined ? { $unset: { status: '' } } : { $set: { status: o.status } },
        );
        break;
      case 'delete':
        await calls().deleteMany({ callSid });
        break;
    }
  }
}

/** key -> status, for this run's calls, as a client shows them. */
function shown(client: StateClient, prefix: string): Map<string, unknown> {
  return new Map(
    [...client.state().calls.values()]
      .filter((e) => e.endedAt === undefined && e.call.callSid.startsWith(`${prefix}-`))
      .map((e) => [e.call.callSid, e.call.status] as const)
      .sort(([a], [b]) => a.localeCompare(b)),
  );
}

describe('snapshot and stream', () => {
  it('show the same calls after any sequence of writes, in any spelling', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 20 }), async (ops) => {
        run += 1;
        const prefix = `R${run}`;
        await apply(prefix, ops);
        const marker = `${prefix}-marker`;
        await calls().insertOne({ callSid: marker, status: 'queued' });
        await until(() => watcher.state().calls.get(marker) !== undefined, 'the marker', 10_000);

        const docs = await calls()
          .find({ callSid: { $regex: `^${prefix}-\\d$` } })
          .toArray();
        const expected = docs
          .filter((d) => shownByHand('calls', d.status))
          .map((d) => String(d.callSid))
          .sort();

        const streamed = shown(watcher, prefix);
        streamed.delete(marker);

        const fresh = await startWatchedServer(target);
        const restarted = stateClient(fresh.url);
        try {
          await restarted.socket.emitWithAck('subscribe:calls', { v: 2 });
          await until(() => restarted.state().cursors.calls.synced, 'the restarted client synced');
          const snapshot = shown(restarted, prefix);
          snapshot.delete(marker);
          expect([...streamed.keys()]).toEqual(expected);
          // Field by field: the same status (canonical, or as written when unknown).
          expect([...snapshot]).toEqual([...streamed]);
        } finally {
          restarted.close();
          await fresh.server.stop();
        }
      }),
      {
        numRuns: RUNS,
        seed: Number(process.env.CALLBOARD_FUZZ_SEED ?? Date.now() % 2 ** 31),
        path: process.env.CALLBOARD_FUZZ_PATH,
      },
    );
  }, 180_000);
});
