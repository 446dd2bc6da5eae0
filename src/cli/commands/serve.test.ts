import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io as connect } from 'socket.io-client';
import { describe, expect, it } from 'vitest';
import { openTestDatabase } from '../../emulator/test-target';
import type { ActiveCallsPayload } from '../../shared/protocol/events';
import { CliError, UsageError } from '../command';
import { captureIo } from './capture-io.test-support';
import { until } from '../../shared/until.test-support';
import { readServeOptions, serveCommand } from './serve';
import { tokenCommand } from './token';

/** A port with nothing listening on it. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

const FAST = { CALLBOARD_MONGO_TIMEOUT_MS: '300' };

/** `serve` with these arguments, once it listens, and a websocket client connected to it. */
async function serving(args: string[]) {
  const cap = captureIo();
  const exit = serveCommand.run(args, cap.io);
  const [, url] = await cap.waitForOut(/listening on (http:\/\/127\.0\.0\.1:\d+)/);
  const client = connect(url!, { transports: ['websocket'], reconnection: false, forceNew: true });
  return { cap, exit, url: url!, client };
}

describe('callboard serve', () => {
  it('serves live simulated data with --demo, and stops cleanly on the stop signal', async () => {
    const { cap, exit, url, client } = await serving([
      '--demo',
      '--port',
      '0',
      '--demo-rate',
      '20',
      '--plan-limit',
      '40',
      '--log-level',
      'error',
    ]);
    try {
      const active = new Promise<ActiveCallsPayload>((resolve) =>
        client.on('active_calls', resolve),
      );
      const update = new Promise<unknown>((resolve) => client.on('calls_batch_update', resolve));
      client.emit('subscribe:calls', { v: 2 });
      await active;
      expect(await update).toMatchObject({ v: 2, calls: expect.any(Array) });
      const health = await (await fetch(`${url}/healthz`)).json();
      expect(health).toMatchObject({
        status: 'ok',
        planLimit: 40,
        mongo: { mongo: 'connected' },
      });
    } finally {
      client.disconnect();
    }
    cap.stop();
    expect(await exit).toBe(0);
    expect(cap.out()).toContain('callboard serve: stopped');
  });

  it('serves named tokens with their scopes (--tokens), audits to stdout, and ends a revoked token’s connections on SIGHUP', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'callboard-serve-tokens-'));
    try {
      const file = join(dir, 'tokens.json');
      const create = async (name: string, scopes: string) => {
        const cap = captureIo();
        await tokenCommand.run(
          ['create', '--name', name, '--scopes', scopes, '--file', file],
          cap.io,
        );
        return cap.out().trim();
      };
      const tv = await create('floor-tv', 'wallboard');
      const desk = await create('desk', 'all');
      const cap = captureIo();
      const exit = serveCommand.run(
        [
          '--demo',
          '--port',
          '0',
          '--demo-rate',
          '20',
          '--tokens',
          file,
          '--audit-log',
          '-',
          '--log-level',
          'error',
        ],
        cap.io,
      );
      const [, url] = await cap.waitForOut(/listening on (http:\/\/127\.0\.0\.1:\d+)/);
      const open = (token: string) =>
        connect(url!, {
          transports: ['websocket'],
          reconnection: false,
          forceNew: true,
          auth: { token },
        });
      const tvClient = open(tv);
      const deskClient = open(desk);
      try {
        // Every `to` either client is sent, from snapshots and batches alike.
        const numbers = (client: typeof tvClient) => {
          const seen: string[] = [];
          client.onAny((_event: string, payload: { calls?: { to?: unknown }[] }) => {
            for (const c of payload?.calls ?? []) if (typeof c.to === 'string') seen.push(c.to);
          });
          return seen;
        };
        const tvNumbers = numbers(tvClient);
        const deskNumbers = numbers(deskClient);
        expect((await tvClient.emitWithAck('subscribe:calls', { v: 2 })).scopes).toEqual([
          'calls',
          'campaigns',
          'outcomes',
        ]);
        await deskClient.emitWithAck('subscribe:calls', { v: 2 });
        await until(() => tvNumbers.length > 0 && deskNumbers.length > 0, 'calls with numbers');
        // The simulator's numbers: masked but for the last four digits on the TV only.
        for (const n of tvNumbers) expect(n).toMatch(/^\+?[•\s()-]+\d{4}$/);
        for (const n of deskNumbers) expect(n).toMatch(/^[+\d\s()-]*\d{7,}$/);
        const refused = await tvClient.emitWithAck('subscribe:transcript', {
          v: 2,
          callSid: 'CA1',
        });
        expect(refused).toMatchObject({
          ok: false,
          error: expect.stringContaining('no "transcripts" scope'),
        });
        const audit = await cap.waitForOut(
          /\{"time":"[^"]+","what":"refused","token":"floor-tv"[^\n]*\n/,
        );
        expect(JSON.parse(audit[0])).toMatchObject({
          event: 'subscribe:transcript',
          reason: 'scope',
          scope: 'transcripts',
        });

        await tokenCommand.run(['revoke', '--name', 'floor-tv', '--file', file], captureIo().io);
        cap.reload();
        await until(() => tvClient.disconnected, 'the revoked token’s connection to end');
        expect(deskClient.connected).toBe(true);
        await cap.waitForOut(/"what":"revoked","token":"floor-tv"/);
        expect(cap.out()).not.toContain(tv);
      } finally {
        tvClient.disconnect();
        deskClient.disconnect();
      }
      cap.stop();
      expect(await exit).toBe(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses --token with --tokens, and a bad token file by name, before starting anything', async () => {
    await expect(
      readServeOptions(['--demo', '--token', 't', '--tokens', 'f.json'], {}),
    ).rejects.toThrow(
      new UsageError(
        'give either --token (CALLBOARD_TOKEN) or --tokens FILE (CALLBOARD_TOKENS), not both: put the single token in the file with every scope',
      ),
    );
    const dir = await mkdtemp(join(tmpdir(), 'callboard-serve-tokens-'));
    try {
      const file = join(dir, 'tokens.json');
      await writeFile(file, JSON.stringify({ tokens: [{ name: 'tv', sha256: 'x', scopes: [] }] }), {
        mode: 0o600,
      });
      const cap = captureIo();
      await expect(
        serveCommand.run(['--demo', '--port', '0', '--tokens', file], cap.io),
      ).rejects.toThrow(
        new CliError(
          `the token file ${file}, entry 1 ("tv"): sha256 must be the token's SHA-256 as 64 lowercase hex digits (callboard token create writes it)`,
        ),
      );
      expect(cap.out()).not.toContain('listening');
      // A file of tokens allows a non-loopback address, like --token.
      expect(
        (await readServeOptions(['--demo', '--host', '0.0.0.0', '--tokens', file], {})).tokensFile,
      ).toBe(file);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('writes the ElevenLabs vocabulary with --demo-vocabulary elevenlabs', async () => {
    const { cap, exit, client } = await serving([
      '--demo',
      '--port',
      '0',
      '--demo-rate',
      '50',
      '--demo-vocabulary',
      'elevenlabs',
      '--log-level',
      'error',
    ]);
    try {
      const seen = new Set<string>();
      await new Promise<void>((resolve) => {
        const note = (calls: { status: string }[]) => {
          for (const call of calls) seen.add(call.status);
          if (seen.has('pending')) resolve();
        };
        client.on('call_update', ({ call }: { call: { status: string } }) => note([call]));
        client.on('calls_batch_update', ({ calls }: { calls: { status: string }[] }) =>
          note(calls),
        );
        client.on('active_calls', ({ calls }: { calls: { status: string }[] }) => note(calls));
        client.emit('subscribe:calls');
      });
      // DATA.md's ElevenLabs batch and conversation statuses, and the initiation failures.
      const elevenLabs = ['pending', 'initiated', 'in_progress', 'processing', 'done'].concat([
        'failed',
        'cancelled',
        'busy',
        'no-answer',
      ]);
      expect([...seen].filter((s) => !elevenLabs.includes(s))).toEqual([]);
    } finally {
      client.disconnect();
      cap.stop();
      await exit;
    }
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

  it('reads its options from flags and the environment before starting anything', async () => {
    const options = await readServeOptions(['--port', '0'], {
      CALLBOARD_MONGO_URI: 'mongodb://db1:27017/?replicaSet=rs0',
      CALLBOARD_DB: 'centre',
      CALLBOARD_ORIGINS: 'https://a.example.com, https://b.example.com',
      XDG_STATE_HOME: '/var/lib/x',
    });
    expect(options).toMatchObject({
      demo: false,
      mongoUri: 'mongodb://db1:27017/?replicaSet=rs0',
      dbName: 'centre',
      host: '127.0.0.1',
      port: 0,
      origins: ['https://a.example.com', 'https://b.example.com'],
      vocabulary: 'twilio',
      level: 'info',
      stateDir: '/var/lib/x/callboard',
      lifecycle: undefined,
      timeoutMs: 10_000,
    });
  });

  it('reads the recent window from flags or the environment, and refuses nonsense by name', async () => {
    const base = { CALLBOARD_MONGO_URI: 'mongodb://db1:27017/?replicaSet=rs0' };
    expect((await readServeOptions([], base)).recent).toEqual({ windowMinutes: 60, limit: 2000 });
    expect(
      (
        await readServeOptions(['--recent-minutes', '15'], {
          ...base,
          CALLBOARD_RECENT_LIMIT: '500',
        })
      ).recent,
    ).toEqual({ windowMinutes: 15, limit: 500 });
    await expect(readServeOptions(['--recent-minutes', '0'], base)).rejects.toThrow(
      '--recent-minutes must be a whole number from 1 to 1440, got "0"',
    );
    await expect(readServeOptions(['--recent-limit', '2.5'], base)).rejects.toThrow(
      '--recent-limit must be a whole number from 1 to 50000, got "2.5"',
    );
  });

  it('reads the transcripts collection and call key from flags or the environment', async () => {
    const base = { CALLBOARD_MONGO_URI: 'mongodb://db1:27017/?replicaSet=rs0' };
    expect(await readServeOptions([], base)).toMatchObject({
      transcriptsCollection: 'transcripts',
      transcriptsKey: undefined,
    });
    const fromEnv = await readServeOptions([], {
      ...base,
      CALLBOARD_TRANSCRIPTS_COLLECTION: 'turns',
      CALLBOARD_TRANSCRIPTS_KEY: 'callSid, data.conversation_id',
    });
    expect(fromEnv).toMatchObject({
      transcriptsCollection: 'turns',
      transcriptsKey: ['callSid', 'data.conversation_id'],
    });
    const fromFlags = await readServeOptions(
      ['--transcripts-collection', 'live_turns', '--transcripts-key', 'conversationId'],
      { ...base, CALLBOARD_TRANSCRIPTS_COLLECTION: 'turns' },
    );
    expect(fromFlags).toMatchObject({
      transcriptsCollection: 'live_turns',
      transcriptsKey: ['conversationId'],
    });
    for (const [flag, value] of [
      ['--transcripts-collection', 'system.profile'],
      ['--transcripts-collection', 'a$b'],
      ['--transcripts-collection', ' '],
      ['--transcripts-key', '$where'],
      ['--transcripts-key', ','],
      ['--transcripts-key', 'a..b'],
    ] as const) {
      await expect(readServeOptions([flag, value], base)).rejects.toThrow(
        new RegExp(`^${flag.replace(/-/g, '\\-')} must be`),
      );
    }
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
    await expect(
      serveCommand.run(['--demo', '--demo-vocabulary', 'genesys'], cap.io),
    ).rejects.toThrow('--demo-vocabulary must be twilio or elevenlabs, got "genesys"');
  });

  it.each([
    ['0', '--plan-limit: the plan limit must be at least 1 concurrent call, got "0"'],
    ['12.5', '--plan-limit: the plan limit must be a whole number of concurrent calls, got "12.5"'],
    ['forty', '--plan-limit: the plan limit must be a number of concurrent calls, got "forty"'],
    [' ', '--plan-limit: the plan limit must be a number of concurrent calls, got " "'],
    ['1e9', '--plan-limit: the plan limit must be at most 100000 concurrent calls, got "1e9"'],
  ])('refuses --plan-limit %j, saying why', async (value, message) => {
    await expect(readServeOptions(['--demo', '--plan-limit', value], {})).rejects.toThrow(
      new UsageError(message),
    );
    await expect(readServeOptions(['--demo'], { CALLBOARD_PLAN_LIMIT: value })).rejects.toThrow(
      message,
    );
  });

  it('reads the plan limit from the flag, else CALLBOARD_PLAN_LIMIT, else none', async () => {
    const env = { CALLBOARD_PLAN_LIMIT: '25' };
    expect((await readServeOptions(['--demo'], {})).planLimit).toBeUndefined();
    expect((await readServeOptions(['--demo'], env)).planLimit).toBe(25);
    expect((await readServeOptions(['--demo', '--plan-limit', '60'], env)).planLimit).toBe(60);
  });

  it('refuses a bad status mapping file, naming the file and the entry', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'callboard-mapping-'));
    try {
      const write = async (name: string, text: string) => {
        await writeFile(join(dir, name), text);
        return join(dir, name);
      };
      const run = (file: string) =>
        serveCommand.run(['--demo', '--port', '0', '--status-mapping', file], captureIo().io);
      await expect(run(join(dir, 'missing.json'))).rejects.toThrow(
        /^cannot read the status mapping .*missing\.json: ENOENT/,
      );
      await expect(run(await write('bad.json', '{"calls": {'))).rejects.toThrow(
        /^the status mapping .*bad\.json is not JSON: /,
      );
      const entry = await write('entry.json', '{"calls": {"parked": "on-hold"}}');
      await expect(run(entry)).rejects.toThrow(
        `${entry}: status mapping calls["parked"]: "on-hold" is not one of initiated, queued, ringing, in-progress, completed, failed, busy, no-answer, canceled, unknown`,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('applies a status mapping file, and reports the values no mapping knows', async () => {
    const target = await openTestDatabase({ prefix: 'serve-mapping' });
    const dir = await mkdtemp(join(tmpdir(), 'callboard-mapping-'));
    const file = join(dir, 'mapping.json');
    await writeFile(
      file,
      JSON.stringify({ calls: { Transferring: 'in-progress', voicemail: 'completed' } }),
    );
    const calls = target.client.db(target.dbName).collection('calls');
    await calls.insertMany([
      { callSid: 'T1', status: 'transferring' },
      { callSid: 'V1', status: 'Voicemail' },
      { callSid: 'P1', status: 'parked' },
      { callSid: 'P2', status: 'parked' },
    ]);
    const { cap, exit, url, client } = await serving([
      '--mongo',
      target.uri,
      '--db',
      target.dbName,
      '--port',
      '0',
      '--status-mapping',
      file,
    ]);
    try {
      const active = await new Promise<ActiveCallsPayload>((resolve) => {
        client.on('active_calls', resolve);
        client.emit('subscribe:calls');
      });
      client.disconnect();
      expect(active.calls.map((c) => c.callSid).sort()).toEqual(['P1', 'P2', 'T1']);
      const health = (await (await fetch(`${url}/healthz`)).json()) as { unknownStatuses: unknown };
      expect(health.unknownStatuses).toEqual([{ stream: 'calls', value: 'parked', count: 2 }]);
      const warned = cap
        .err()
        .split('\n')
        .filter((l) => l.includes('a status no mapping knows'));
      expect(warned).toHaveLength(1);
      expect(warned[0]).toContain('parked');
    } finally {
      cap.stop();
      await exit;
      await rm(dir, { recursive: true, force: true });
      await target.close();
    }
  });
});
