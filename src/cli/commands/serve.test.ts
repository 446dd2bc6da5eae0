import { createServer } from 'node:net';
import { io as connect } from 'socket.io-client';
import { describe, expect, it } from 'vitest';
import type { ActiveCallsPayload } from '../../shared/protocol/events';
import { CliError, UsageError } from '../command';
import { captureIo } from './capture-io';
import { serveCommand } from './serve';

/** A port with nothing listening on it. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

const FAST = { CALLBOARD_MONGO_TIMEOUT_MS: '300' };

describe('callboard serve', () => {
  it('serves live simulated data with --demo, and stops cleanly on the stop signal', async () => {
    const cap = captureIo();
    const exit = serveCommand.run(
      ['--demo', '--port', '0', '--demo-rate', '20', '--log-level', 'error'],
      cap.io,
    );
    const [, url] = await cap.waitForOut(/listening on (http:\/\/127\.0\.0\.1:\d+)/);
    const client = connect(url!, {
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
    });
    try {
      const active = new Promise<ActiveCallsPayload>((resolve) =>
        client.on('active_calls', resolve),
      );
      const update = new Promise<unknown>((resolve) => client.on('calls_batch_update', resolve));
      client.emit('subscribe:calls', { v: 2 });
      await active;
      expect(await update).toMatchObject({ v: 2, calls: expect.any(Array) });
      const health = await (await fetch(`${url}/healthz`)).json();
      expect(health).toMatchObject({ status: 'ok', mongo: { mongo: 'connected' } });
    } finally {
      client.disconnect();
    }
    cap.stop();
    expect(await exit).toBe(0);
    expect(cap.out()).toContain('callboard serve: stopped');
  });

  it('names a bad MongoDB URI', async () => {
    const cap = captureIo();
    await expect(
      serveCommand.run(['--mongo', 'postgres://x', '--port', '0'], cap.io),
    ).rejects.toThrow(/invalid MongoDB URI/);
  });

  it('names the host and port of an unreachable MongoDB', async () => {
    const port = await closedPort();
    const cap = captureIo(FAST);
    const run = serveCommand.run(
      ['--mongo', `mongodb://127.0.0.1:${port}/?directConnection=true`, '--port', '0'],
      cap.io,
    );
    await expect(run).rejects.toThrow(
      new CliError(`cannot reach MongoDB at 127.0.0.1:${port}: connection refused`),
    );
  });

  it('names a port already in use', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as { port: number };
    try {
      const cap = captureIo();
      await expect(
        serveCommand.run(['--demo', '--port', String(port), '--log-level', 'error'], cap.io),
      ).rejects.toThrow(`port ${port} on 127.0.0.1 is already in use`);
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
  });

  it('refuses a non-loopback address without a token unless --insecure-no-auth, and then warns', async () => {
    const cap = captureIo();
    await expect(
      serveCommand.run(['--demo', '--host', '0.0.0.0', '--port', '0'], cap.io),
    ).rejects.toThrow(/refusing to listen on 0\.0\.0\.0 without a token/);
    const insecure = captureIo();
    const exit = serveCommand.run(
      [
        '--demo',
        '--host',
        '0.0.0.0',
        '--port',
        '0',
        '--insecure-no-auth',
        '--demo-rate',
        '0',
        '--log-level',
        'warn',
      ],
      insecure.io,
    );
    await insecure.waitForOut(/listening on/);
    expect(insecure.err()).toMatch(/WITHOUT a token/);
    insecure.stop();
    expect(await exit).toBe(0);
  });

  it('wants --mongo or --demo, and checks its flags', async () => {
    const cap = captureIo();
    await expect(serveCommand.run([], cap.io)).rejects.toThrow(UsageError);
    await expect(serveCommand.run(['--demo', '--port', '99999'], cap.io)).rejects.toThrow(/--port/);
    await expect(serveCommand.run(['--demo', '--origin', 'evil'], cap.io)).rejects.toThrow(
      /--origin/,
    );
    await expect(serveCommand.run(['--demo', '--demo-rate', '-1'], cap.io)).rejects.toThrow(
      /--demo-rate/,
    );
  });
});
