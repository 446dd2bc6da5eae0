/**
 * Where MongoDB-facing tests run: a real deployment when MONGODB_URI is set, else a fresh
 * emulator. Every zone's MongoDB tests use this, so the same suite runs against both.
 *
 * ```ts
 * import { openTestDatabase, type TestDatabase } from '../emulator/test-target';
 *
 * let target: TestDatabase;
 * beforeAll(async () => { target = await openTestDatabase(); });
 * afterAll(async () => { await target.close(); });
 *
 * it('stores a call', async () => {
 *   const calls = target.client.db(target.dbName).collection('calls');
 *   await calls.insertOne({ _id: 'c1' });
 *   // ...
 * });
 * ```
 *
 * - With MONGODB_URI (a replica set: change streams need one), each call gets a database
 *   with a fresh unique name, dropped by close().
 * - Without it, each call starts its own emulator (random port), stopped by close().
 * - `uri` is what to hand to code under test that opens its own MongoClient (same deployment);
 *   use `dbName` there too.
 * - `usingEmulator` lets a test skip what only a real server can do (say why when skipping).
 */
import { MongoClient, type MongoClientOptions } from 'mongodb';
import { startEmulator, type EmulatorOptions } from './server';

export interface TestDatabase {
  uri: string;
  dbName: string;
  /** A connected client (closed by close()). */
  client: MongoClient;
  usingEmulator: boolean;
  /**
   * The `appName` of `client` (unique per call unless clientOptions set one). Scope fail
   * points to it (`data: { appName }`) so parallel test files sharing a MONGODB_URI
   * deployment do not fail each other's commands.
   */
  appName: string;
  /** Drops the database (real server) or stops the emulator, and closes the client. */
  close(): Promise<void>;
}

export interface TestDatabaseOptions {
  /** Extra MongoClient options for `client` (e.g. `{ monitorCommands: true }`). */
  clientOptions?: MongoClientOptions;
  /** Emulator options when no MONGODB_URI is set (e.g. a small historySize). */
  emulator?: EmulatorOptions;
  /** Database name prefix; default `test`. */
  prefix?: string;
  /** Defaults to process.env. */
  env?: NodeJS.ProcessEnv;
}

let counter = 0;

function uniqueName(prefix: string): string {
  counter += 1;
  const random = Math.random().toString(36).slice(2, 8);
  return `${prefix}_${process.pid}_${Date.now().toString(36)}_${counter}_${random}`.slice(0, 60);
}

export async function openTestDatabase(options: TestDatabaseOptions = {}): Promise<TestDatabase> {
  const env = options.env ?? process.env;
  const dbName = uniqueName(options.prefix ?? 'test');
  const external = env.MONGODB_URI && env.MONGODB_URI !== '' ? env.MONGODB_URI : undefined;
  const emulator = external ? undefined : await startEmulator(options.emulator);
  const uri = external ?? emulator!.uri;
  const appName = options.clientOptions?.appName ?? dbName;
  const client = new MongoClient(uri, { ...options.clientOptions, appName });
  try {
    await client.connect();
  } catch (error) {
    await client.close().catch(() => {});
    await emulator?.stop();
    throw error;
  }
  let closing: Promise<void> | undefined;
  return {
    uri,
    dbName,
    client,
    usingEmulator: emulator !== undefined,
    appName,
    close() {
      closing ??= (async () => {
        try {
          if (!emulator) await client.db(dbName).dropDatabase();
        } finally {
          await client.close();
          await emulator?.stop();
        }
      })();
      return closing;
    },
  };
}
