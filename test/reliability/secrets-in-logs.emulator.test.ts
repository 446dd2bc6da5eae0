/**
 * Secrets never logged: a full `callboard serve` (as a process, --log-level debug) with
 * --token and a MongoDB URI holding a password (through support/auth-proxy.ts, which accepts
 * PLAIN auth in front of the emulator), plus a `callboard tail`, a wrong-token client, writes,
 * MongoDB dropping every connection once, and a clean stop. Every line either process wrote
 * is searched for the token and the password (raw and URL-encoded).
 * Needs the built CLI (`npm run build:cli`). Emulator only: the proxy stands in for MongoDB auth.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
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

    it('named tokens and the audit log: neither the logs nor the audit hold a token or a word of a call', async () => {
      h = await openHarness();
      const dir = await mkdtemp(join(tmpdir(), 'callboard-secrets-'));
      h.defer(() => rm(dir, { recursive: true, force: true }));
      const tokensFile = join(dir, 'tokens.json');
      const auditFile = join(dir, 'audit.jsonl');
      // The tokens are made by the CLI itself, as an admin would.
      const create = async (name: string, scopes: string) => {
        const made = spawnCli([
          'token',
          'create',
          '--name',
          name,
          '--scopes',
          scopes,
          '--file',
          tokensFile,
        ]);
        expect((await made.exited).code).toBe(0);
        return made.stdout().trim();
      };
      const desk = await create('desk', 'all');
      const tv = await create('floor-tv', 'wallboard');
      const serve = spawnCli([
        'serve',
        '--mongo',
        h.target.uri,
        '--db',
        h.target.dbName,
        '--port',
        '0',
        '--tokens',
        tokensFile,
        '--audit-log',
        auditFile,
        '--state-dir',
        dir,
        '--static-dir',
        dir,
        '--log-level',
        'debug',
      ]);
      h.defer(() => serve.close());
      const [, url] = await serve.waitForOut(/listening on (http:\/\/\S+?) /);
      const SAID = 'Canary-words-the-caller-said';
      await h.db
        .collection('calls')
        .insertOne({ callSid: 'CA-S', status: 'in-progress', to: '+15550009999' });
      await h.db
        .collection('transcripts')
        .insertOne({ callSid: 'CA-S', role: 'user', message: SAID, timeInCallSecs: 1 });
      const client = (token: string) =>
        connect(url!, {
          transports: ['websocket'],
          reconnection: false,
          forceNew: true,
          auth: { token },
        });
      const deskClient = client(desk);
      h.defer(() => void deskClient.disconnect());
      const ack = await deskClient.emitWithAck('subscribe:transcript', { v: 2, callSid: 'CA-S' });
      expect(ack.ok).toBe(true);
      deskClient.emit('audit:export', { v: 2, view: 'active', rows: 1 });
      const tvClient = client(tv);
      h.defer(() => void tvClient.disconnect());
      expect(
        (await tvClient.emitWithAck('subscribe:transcript', { v: 2, callSid: 'CA-S' })).ok,
      ).toBe(false);
      const intruder = client(`${desk}-wrong`);
      await new Promise<void>((resolve) => intruder.once('connect_error', () => resolve()));

      serve.child.kill('SIGINT');
      expect((await serve.exited).code).toBe(0);
      const audit = await readFile(auditFile, 'utf8');
      const whats = audit
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as { what: string }).what);
      expect(whats.sort()).toEqual(['export', 'refused', 'refused', 'transcript_opened']);
      const written = [
        serve.stdout(),
        serve.stderr(),
        audit,
        await readFile(tokensFile, 'utf8'),
      ].join('\n');
      for (const secret of [desk, tv, SAID, '5550009999']) {
        const at = written.indexOf(secret);
        expect(
          at,
          `"${secret}" written: ...${written.slice(Math.max(0, at - 120), at + 60)}...`,
        ).toBe(-1);
      }
    });
  },
);
