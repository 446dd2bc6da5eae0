/**
 * Throughput of the MongoDB emulator through the official driver: inserts/s, updates/s, and
 * change events/s delivered to 1 and to 10 watchers. The emulator runs in a child process
 * (as in the demo and the benchmarks), so driver and server do not share an event loop.
 *
 *   npx jiti bench/emulator-throughput.ts [--seconds 3] [--events 20000] [--concurrency 16]
 *
 * Figures from this machine are in docs/emulator.md.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { MongoClient, type Collection, type Document } from 'mongodb';
import { startEmulator } from '../src/emulator';

interface Options {
  seconds: number;
  events: number;
  concurrency: number;
}

function parseArgs(argv: string[]): Options {
  const options: Options = { seconds: 3, events: 20_000, concurrency: 16 };
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i]?.replace(/^--/, '') as keyof Options;
    const value = Number(argv[i + 1]);
    if (!(key in options) || !Number.isInteger(value) || value <= 0) {
      throw new Error(
        `bad option ${argv[i]} ${argv[i + 1]} (use --seconds, --events, --concurrency with positive integers)`,
      );
    }
    options[key] = value;
  }
  return options;
}

/** Child mode: run an emulator and print its URI. */
async function serve(): Promise<void> {
  const emulator = await startEmulator({ historySize: 1_000_000 });
  process.stdout.write(`${emulator.uri}\n`);
  process.on('SIGTERM', () => void emulator.stop().then(() => process.exit(0)));
}

async function spawnEmulator(): Promise<{ uri: string; child: ChildProcess }> {
  // Run this same file under jiti in the child (jiti is what runs it here, see the header).
  const jiti = join(
    dirname(createRequire(__filename).resolve('jiti/package.json')),
    'lib/jiti-cli.mjs',
  );
  const child = spawn(process.execPath, [jiti, __filename, '--serve'], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: process.env,
  });
  const lines = createInterface({ input: child.stdout! });
  const uri = await new Promise<string>((resolve, reject) => {
    lines.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`emulator process exited with ${code}`)));
  });
  return { uri, child };
}

/** Runs `op` from `concurrency` workers for `seconds`; returns operations per second. */
async function rate(seconds: number, concurrency: number, op: (i: number) => Promise<unknown>) {
  const end = performance.now() + seconds * 1000;
  const start = performance.now();
  let done = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) await op(done++);
    }),
  );
  return done / ((performance.now() - start) / 1000);
}

/** Writes `events` inserts in batches and measures how fast `watchers` streams receive them all. */
async function eventRate(
  client: MongoClient,
  uri: string,
  coll: Collection,
  events: number,
  watchers: number,
) {
  const clients = await Promise.all(
    Array.from({ length: watchers }, () => MongoClient.connect(uri)),
  );
  try {
    const streams = clients.map((c) =>
      c
        .db(coll.dbName)
        .collection(coll.collectionName)
        .watch([], { batchSize: 1000, maxAwaitTimeMS: 1000 }),
    );
    await Promise.all(streams.map((s) => s.tryNext()));
    const start = performance.now();
    const received = streams.map(async (stream) => {
      for (let seen = 0; seen < events; seen++) await stream.next();
      return performance.now();
    });
    for (let i = 0; i < events; i += 500) {
      const batch = Array.from({ length: Math.min(500, events - i) }, (_, k) => ({
        n: i + k,
        pad: 'x'.repeat(100),
      }));
      await coll.insertMany(batch, { ordered: true });
    }
    const ends = await Promise.all(received);
    const seconds = (Math.max(...ends) - start) / 1000;
    await Promise.all(streams.map((s) => s.close()));
    return { perWatcher: events / seconds, total: (events * watchers) / seconds };
  } finally {
    await Promise.all(clients.map((c) => c.close()));
    void client;
  }
}

async function main(): Promise<void> {
  if (process.argv.includes('--serve')) return serve();
  const options = parseArgs(process.argv.slice(2));
  const { uri, child } = await spawnEmulator();
  const client = await MongoClient.connect(uri, { maxPoolSize: options.concurrency + 4 });
  try {
    const db = client.db('bench');
    const docs = db.collection<Document>('docs');
    const sample = {
      status: 'ringing',
      campaign: 'c1',
      agent: 'a1',
      duration: 0,
      tags: ['x', 'y'],
    };
    // Warm-up (not counted): fills the connection pool and lets both processes' JIT settle.
    await rate(1, options.concurrency, () => docs.insertOne({ ...sample }));
    const insertRate = await rate(options.seconds, options.concurrency, () =>
      docs.insertOne({ ...sample }),
    );
    const ids = (
      await docs
        .find({}, { projection: { _id: 1 } })
        .limit(1000)
        .toArray()
    ).map((d) => d._id);
    const updateRate = await rate(options.seconds, options.concurrency, (i) =>
      docs.updateOne(
        { _id: ids[i % ids.length] },
        { $inc: { duration: 1 }, $set: { status: 'talking' } },
      ),
    );
    const one = await eventRate(client, uri, db.collection('events1'), options.events, 1);
    const ten = await eventRate(client, uri, db.collection('events10'), options.events, 10);
    const results = {
      machine: { cpus: cpus().length, model: cpus()[0]?.model ?? 'unknown', node: process.version },
      options,
      insertsPerSecond: Math.round(insertRate),
      updatesPerSecond: Math.round(updateRate),
      changeEventsPerSecondOneWatcher: Math.round(one.perWatcher),
      changeEventsPerSecondTenWatchers: {
        perWatcher: Math.round(ten.perWatcher),
        total: Math.round(ten.total),
      },
    };
    process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
  } finally {
    await client.close();
    child.kill('SIGTERM');
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`emulator-throughput: ${(error as Error).message}\n`);
  process.exitCode = 1;
});
