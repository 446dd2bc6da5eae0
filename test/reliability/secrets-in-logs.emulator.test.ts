/**
 * Secrets never logged: a full `callboard serve` (as a process, --log-level debug) with
 * --token and a MongoDB URI holding a password (through support/auth-proxy.ts, which accepts
 * PLAIN auth in front of the emulator), plus a `callboard tail`, a wrong-token client, writes,
 * MongoDB dropping every connection once, and a clean stop. Every line either process wrote
 * is searched for the token and the password (raw and URL-encoded).
 * Needs the built CLI (`npm run build:cli`). Emulator only: the proxy stands in for MongoDB auth.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io as connect } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import { startAuthProxy } from './support/auth-proxy';
import { CLI_BUILT, spawnCli } from './support/cli-process';
import { openHarness, until, type Harness } from './support/harness';

const TOKEN = 'tok-7Qx2-LeakCanary-91';
const PASSWORD = 'Pw-4kZ@canary';
const ENCODED = encodeURIComponent(PASSWORD);
let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe.skipIf(!CLI_BUILT || Boolean(process.env.MONGODB_URI))(
  'secrets in logs (needs out/cli; emulator only)',
  () => {
    it('a full serve + tail run never writes the token or the MongoDB password', async () => {
      h = await openHarness();
      const emulator = new URL(h.target.uri.replace(/^mongodb:/, 'http:'));
      const proxy = await startAuthProxy({ host: emulator.hostname, port: Number(emulator.port) });
      h.defer(() => proxy.close());
      const stateDir = await mkdtemp(join(tmpdir(), 'callboard-secrets-'));
      h.defer(() => rm(stateDir, { recursive: true, force: true }));
      const uri = `mongodb://supervisor:${ENCODED}@127.0.0.1:${proxy.port}/?directConnection=true&authMechanism=PLAIN&authSource=%24external`;
      const serve = spawnCli([
        'serve',
        '--mongo',
        uri,
        '--db',
        h.target.dbName,
        '--port',
        '0',
        '--token',
        TOKEN,
        '--state-dir',
        stateDir,
        '--static-dir',
        stateDir,
        '--log-level',
        'debug',
      ]);
      h.defer(() => serve.close());
      const [, url] = await serve.waitForOut(/listening on (http:\/\/\S+?) /);
      expect(proxy.credentials()).toContain(`supervisor:${PASSWORD}`);

      const tail = spawnCli([
        'tail',
        '--url',
        url!,
        '--token',
        TOKEN,
        '--json',
        '--campaigns',
        '--verbose',
      ]);
      h.defer(() => tail.close());
      const calls = h.db.collection('calls');
      await calls.insertOne({ callSid: 'SECRET1', status: 'ringing', to: '+15550001' });
      await tail.waitForOut(/SECRET1/);

      // A client with a wrong token, and MongoDB dropping every connection once.
      const intruder = connect(url!, {
        transports: ['websocket'],
        reconnection: false,
        forceNew: true,
        auth: { token: `${TOKEN}-wrong` },
      });
      await new Promise<void>((resolve) => intruder.once('connect_error', () => resolve()));
      intruder.disconnect();
      proxy.dropConnections();
      await calls.insertOne({ callSid: 'SECRET2', status: 'queued' });
      await tail.waitForOut(/SECRET2/);

      tail.child.kill('SIGINT');
      serve.child.kill('SIGINT');
      const [servedExit] = await Promise.all([serve.exited, tail.exited]);
      expect(servedExit.code).toBe(0);
      const logs = [serve.stdout(), serve.stderr(), tail.stdout(), tail.stderr()].join('\n');
      await until(() => logs.length > 0, 'logs');
      expect(serve.stderr()).toMatch(/refused a client/); // the run did log its events
      for (const secret of [TOKEN, PASSWORD, ENCODED, 'Pw-4kZ']) {
        const at = logs.indexOf(secret);
        expect(
          at,
          `"${secret}" appears in the logs: ...${logs.slice(Math.max(0, at - 120), at + 60)}...`,
        ).toBe(-1);
      }
    });
  },
);
