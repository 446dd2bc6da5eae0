import { MongoClient } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { UsageError, type CliIo } from '../command';
import { emulatorCommand } from './emulator';

function fakeIo() {
  let stop: (() => void) | undefined;
  let printed: (uri: string) => void = () => {};
  const uri = new Promise<string>((resolve) => (printed = resolve));
  const io: CliIo = {
    stdout: (text) => printed(text.trim()),
    stderr: () => {},
    env: {},
    onStopSignal: (listener) => {
      stop = listener;
      return () => (stop = undefined);
    },
  };
  return { io, uri, stop: () => stop?.() };
}

describe('callboard emulator', () => {
  it('prints a connection string the driver can use, and stops on the stop signal', async () => {
    const fake = fakeIo();
    const exit = emulatorCommand.run(
      ['--port', '0', '--replica-set', 'demo', '--history', '50'],
      fake.io,
    );
    const uri = await fake.uri;
    expect(uri).toMatch(/^mongodb:\/\/127\.0\.0\.1:\d+\/\?replicaSet=demo$/);
    const client = new MongoClient(uri);
    try {
      const hello = await client.db('admin').command({ hello: 1 });
      expect(hello.setName).toBe('demo');
    } finally {
      await client.close();
    }
    fake.stop();
    expect(await exit).toBe(0);
  });

  it('rejects bad flags with a message naming them', async () => {
    const { io } = fakeIo();
    await expect(emulatorCommand.run(['--port', 'x'], io)).rejects.toThrow(/--port/);
    await expect(emulatorCommand.run(['--history', '0'], io)).rejects.toThrow(UsageError);
    await expect(emulatorCommand.run(['--replica-set', 'a b'], io)).rejects.toThrow(
      /--replica-set/,
    );
    await expect(emulatorCommand.run(['--nope'], io)).rejects.toThrow(UsageError);
  });
});
