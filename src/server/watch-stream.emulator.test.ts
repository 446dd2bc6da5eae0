import type { Collection, FindCursor } from 'mongodb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../shared/log';
import { openTestDatabase, type TestDatabase } from '../emulator/test-target';
import { Hub } from './hub';
import { memoryTokenStore } from './resume-token-store';
import { until } from './test-support';
import { hubTarget, WatchStream, type WatchTarget } from './watch-stream';

/**
 * The snapshot's reads take time (two queries for calls, and a query of many batches is
 * several round trips): a write that lands while they run must still reach the Hub. Runs on
 * the emulator, or on a real replica set with MONGODB_URI.
 */

let target: TestDatabase;
let hub: Hub;
let stream: WatchStream | null = null;

beforeEach(async () => {
  target = await openTestDatabase({ prefix: 'watch_stream' });
  hub = new Hub();
});
afterEach(async () => {
  await stream?.stop();
  stream = null;
  hub.close();
  await target.close();
});

const calls = () => target.client.db(target.dbName).collection('calls');

/** `coll`, except that the first query's results are handed back only after `write` ran. */
function writingAfterFirstRead(coll: Collection, write: () => Promise<unknown>): Collection {
  let armed = true;
  return new Proxy(coll, {
    get(object, property) {
      const value: unknown = Reflect.get(object, property, object);
      if (property !== 'find' || !armed) {
        return typeof value === 'function' ? value.bind(object) : value;
      }
      return (...args: Parameters<Collection['find']>) => {
        armed = false;
        const cursor: FindCursor = object.find(...args);
        const toArray = cursor.toArray.bind(cursor);
        cursor.toArray = async () => {
          const docs = await toArray();
          await write();
          return docs;
        };
        return cursor;
      };
    },
  });
}

function watch(watchTarget: WatchTarget, tokens = memoryTokenStore()): WatchStream {
  stream = new WatchStream({
    client: target.client,
    dbName: target.dbName,
    collection: 'calls',
    target: watchTarget,
    tokens,
    logger: silentLogger,
    backoff: { baseMs: 10, capMs: 100 },
    random: () => 0.5,
    tokenSaveIntervalMs: 50,
    maxAwaitTimeMS: 200,
  });
  return stream;
}

const statusIn = (callSid: string) =>
  hub.snapshot('calls').docs.find((d) => d.callSid === callSid)?.status;

describe('WatchStream snapshot reconciliation', () => {
  it('a write that lands while the snapshot is read reaches the hub', async () => {
    await calls().insertOne({ callSid: 'CA-early', status: 'ringing' });
    const inner = hubTarget(hub, 'calls');
    const racing: WatchTarget = {
      ...inner,
      load: (coll, session, mode, reason) =>
        inner.load(
          writingAfterFirstRead(coll, () =>
            calls().updateOne({ callSid: 'CA-early' }, { $set: { status: 'in-progress' } }),
          ),
          session,
          mode,
          reason,
        ),
    };
    await watch(racing).start();
    // The first read saw "ringing"; the update landed after it. A later write marks where the
    // stream has got to: once it is in, so is everything written before it.
    await calls().insertOne({ callSid: 'CA-marker', status: 'ringing' });
    await until(() => statusIn('CA-marker'), 'the marker call reached the hub');
    expect(statusIn('CA-early')).toBe('in-progress');
  });

  it('what was written before the snapshot is not sent again as a change', async () => {
    // Resuming from a token older than the writes (a restart): their events come again, and
    // the snapshot already holds them.
    const before = calls().watch();
    await before.tryNext();
    const tokens = memoryTokenStore();
    await tokens.save(`${target.dbName}.calls`, before.resumeToken as Record<string, unknown>);
    await before.close();
    await calls().insertOne({ callSid: 'CA-old', status: 'ringing' });
    await calls().updateOne({ callSid: 'CA-old' }, { $set: { status: 'in-progress' } });
    const seen: string[] = [];
    const inner = hubTarget(hub, 'calls');
    await watch(
      {
        ...inner,
        ingest: (change) => {
          seen.push(String(change.doc?.callSid));
          inner.ingest(change);
        },
      },
      tokens,
    ).start();
    await calls().insertOne({ callSid: 'CA-marker', status: 'ringing' });
    await until(() => statusIn('CA-marker'), 'the marker call reached the hub');
    expect(statusIn('CA-old')).toBe('in-progress');
    expect(seen).toEqual(['CA-marker']);
  });
});
