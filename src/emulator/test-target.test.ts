import { describe, expect, it } from 'vitest';
import { startEmulator } from './server';
import { openTestDatabase } from './test-target';

describe('openTestDatabase', () => {
  it('starts and stops its own emulator when MONGODB_URI is not set', async () => {
    const target = await openTestDatabase({ env: {} });
    expect(target.usingEmulator).toBe(true);
    await target.client.db(target.dbName).collection('c').insertOne({ a: 1 });
    await target.close();
    await expect(openTestDatabaseAt(target.uri)).rejects.toThrow();
  });

  it('uses MONGODB_URI with a fresh database per call, dropped on close', async () => {
    const server = await startEmulator();
    try {
      const env = { MONGODB_URI: server.uri };
      const [a, b] = await Promise.all([openTestDatabase({ env }), openTestDatabase({ env })]);
      expect(a.usingEmulator).toBe(false);
      expect(a.dbName).not.toBe(b.dbName);
      await a.client.db(a.dbName).collection('c').insertOne({ a: 1 });
      await a.close();
      const names = (await b.client.db('admin').admin().listDatabases()).databases.map(
        (d) => d.name,
      );
      expect(names).not.toContain(a.dbName);
      await b.close();
    } finally {
      await server.stop();
    }
  });
});

/** Connecting to a stopped emulator fails fast. */
async function openTestDatabaseAt(uri: string) {
  const target = await openTestDatabase({
    env: { MONGODB_URI: uri },
    clientOptions: { serverSelectionTimeoutMS: 300 },
  });
  await target.close();
}
