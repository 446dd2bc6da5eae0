// The emulator's own lifecycle tests (startEmulator() directly).
import { MongoClient } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { startEmulator } from './server';

describe('startEmulator', () => {
  it('rejects bad options, naming them', async () => {
    await expect(startEmulator({ port: -1 })).rejects.toThrow(/port/);
    await expect(startEmulator({ replicaSet: 'a b' })).rejects.toThrow(/replicaSet/);
    await expect(startEmulator({ historySize: 0 })).rejects.toThrow(/historySize/);
  });

  it('reports a port already in use', async () => {
    const first = await startEmulator();
    try {
      await expect(startEmulator({ port: first.port })).rejects.toThrow(/EADDRINUSE/);
    } finally {
      await first.stop();
    }
  });

  it('stop() ends open connections and change streams, and may be called twice', async () => {
    const emulator = await startEmulator();
    const client = new MongoClient(emulator.uri, {
      serverSelectionTimeoutMS: 300,
      monitorCommands: true,
    });
    try {
      const stream = client.db('life').collection('c').watch([], { maxAwaitTimeMS: 60_000 });
      const waiting = new Promise<void>((resolve) => {
        client.on('commandStarted', (event) => {
          if (event.commandName === 'getMore') resolve();
        });
      });
      const pending = stream.next().catch((e: unknown) => e);
      await waiting;
      await Promise.all([emulator.stop(), emulator.stop()]);
      expect(await pending).toBeInstanceOf(Error);
      await expect(client.db('admin').command({ ping: 1 })).rejects.toThrow();
    } finally {
      await client.close();
    }
  });
});
