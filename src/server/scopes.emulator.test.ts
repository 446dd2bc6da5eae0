import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io as connect } from 'socket.io-client';
import { describe, expect, it } from 'vitest';
import { ALL_SCOPES, type Scope } from '../shared/privacy/scopes';
import type { SubscribeAck } from '../shared/protocol/events';
import type { TranscriptSubscribeAck } from '../shared/protocol/transcript';
import { openAuditLog } from './audit-log';
import { hashToken, type TokenEntry } from './auth/token-file';
import { TokenRegistry } from './auth/token-registry';
import { watchedServerTests } from './emulator-test-support';
import { until, type TestClient } from './test-support';

// Who may see what (issue 19), as a table: each token below opens every stream in both
// protocols (snapshots, live changes, a replay, the recent window, a transcript), while the
// database gets writes that hold a full number, a name, an outcome and transcript text.
// Then every byte each connection received is searched for what its scopes withhold.
// Finally two tokens are revoked mid-connection (one removed, one with fewer scopes).

const ctx = watchedServerTests('scopes');
const db = () => ctx.target.client.db(ctx.target.dbName);

// What must not leak, each a marker no other field contains.
const NUMBER = '4155550123'; // the digits of the full number (masked: ••••••0123)
const NAME = 'Ada Lovelace';
const SUMMARY = 'SUMMARY-MARKER';
const POST_CALL_TEXT = 'POSTCALL-MARKER';
const TURN_TEXT = 'TURN-MARKER';
const CAMPAIGN = 'Spring-Campaign-Marker';

const TOKENS: { name: string; scopes: readonly Scope[] }[] = [
  { name: 'all', scopes: ALL_SCOPES },
  { name: 'wallboard', scopes: ['calls', 'campaigns', 'outcomes'] },
  { name: 'desk-no-pii', scopes: ['calls', 'campaigns', 'outcomes', 'transcripts'] },
  { name: 'calls-only', scopes: ['calls'] },
  { name: 'campaigns-only', scopes: ['campaigns'] },
  { name: 'pii-and-transcripts', scopes: ['calls', 'pii', 'transcripts'] },
];
const secret = (name: string) => `secret-of-${name}-0123456789abcdef`;
const entries = (list = TOKENS): TokenEntry[] =>
  list.map((t) => ({ name: t.name, sha256: hashToken(secret(t.name)), scopes: t.scopes }));

interface Conn {
  token: string;
  socket: TestClient;
  /** Every event received, in order, as [event, payload]. */
  events: [string, unknown][];
  text(): string;
}

function open(url: string, token: string, auth: Record<string, unknown> = {}): Conn {
  const socket: TestClient = connect(url, {
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    auth: { token: secret(token), ...auth },
  });
  const events: [string, unknown][] = [];
  socket.onAny((event: string, payload: unknown) => events.push([event, payload]));
  ctx.defer(() => void socket.disconnect());
  return { token, socket, events, text: () => JSON.stringify(events) };
}

const errors = (c: Conn) =>
  c.events
    .filter(([e]) => e === 'error')
    .map(([, p]) => p as { type: string; details?: { scope?: string; event?: string } });
const got = (c: Conn, event: string) => c.events.some(([e]) => e === event);

describe('token scopes: no scope leaks, in any stream or protocol', () => {
  it('gives each token exactly what its scopes allow, and ends revoked tokens’ connections', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'callboard-audit-'));
    ctx.defer(() => rm(dir, { recursive: true, force: true }));
    const auditFile = join(dir, 'audit.jsonl');
    const audit = openAuditLog(auditFile);
    ctx.defer(() => audit.close());
    const tokens = TokenRegistry.fromEntries(entries());

    await db()
      .collection('campaigns')
      .insertOne({ campaignId: 'camp1', name: CAMPAIGN, status: 'active' });
    await db()
      .collection('calls')
      .insertMany([
        {
          callSid: 'CA-live',
          status: 'in-progress',
          campaignId: 'camp1',
          to: `+1${NUMBER}`,
          contactName: NAME,
          transcript: [{ role: 'user', message: `${POST_CALL_TEXT}-1` }],
        },
        {
          callSid: 'CA-done',
          status: 'completed',
          to: '+14155550177',
          analysis: { call_successful: 'success', transcript_summary: `${SUMMARY}-1` },
        },
      ]);
    await db()
      .collection('transcripts')
      .insertOne({
        callSid: 'CA-live',
        role: 'user',
        message: `${TURN_TEXT}-1`,
        timeInCallSecs: 1,
      });

    const { url, server } = await ctx.serve({ tokens, audit });

    // Per token: a seed connection and a v2 one (batched), each opening everything.
    const seed = new Map<string, Conn>();
    const v2 = new Map<string, Conn>();
    const acks = new Map<string, SubscribeAck>();
    const transcriptAcks = new Map<string, TranscriptSubscribeAck>();
    for (const { name } of TOKENS) {
      // A forged claim of scopes in the handshake changes nothing.
      const s = open(url, name, { scopes: ALL_SCOPES, v2: { scopes: ALL_SCOPES } });
      const v = open(url, name, { scopes: ALL_SCOPES });
      seed.set(name, s);
      v2.set(name, v);
      s.socket.emit('subscribe:calls');
      s.socket.emit('subscribe:campaigns');
      s.socket.emit('get:active_calls');
      s.socket.emit('get:active_campaigns');
      acks.set(name, await v.socket.emitWithAck('subscribe:calls', { v: 2 }));
      await v.socket.emitWithAck('subscribe:campaigns', { v: 2 });
      await v.socket.emitWithAck('subscribe:recent', { v: 2 });
      transcriptAcks.set(
        name,
        (await v.socket.emitWithAck('subscribe:transcript', {
          v: 2,
          callSid: 'CA-live',
        })) as TranscriptSubscribeAck,
      );
    }

    // Live changes of every kind while they are all open.
    await db()
      .collection('calls')
      .updateOne(
        { callSid: 'CA-live' },
        {
          $set: {
            contactName: `${NAME} King`,
            transcript: [{ role: 'user', message: `${POST_CALL_TEXT}-2` }],
          },
        },
      );
    await db()
      .collection('calls')
      .updateOne(
        { callSid: 'CA-done' },
        { $set: { 'analysis.transcript_summary': `${SUMMARY}-2`, 'metadata.cost': 77 } },
      );
    await db()
      .collection('transcripts')
      .insertOne({
        callSid: 'CA-live',
        role: 'agent',
        message: `${TURN_TEXT}-2`,
        timeInCallSecs: 2,
      });
    await db()
      .collection('calls')
      .insertOne({ callSid: 'CA-new', status: 'ringing', from: `+1${NUMBER}` });

    // Those that may see calls have seen the last write; those that may not, never will.
    for (const { name, scopes } of TOKENS) {
      if (!scopes.includes('calls')) continue;
      await until(
        () => seed.get(name)!.text().includes('CA-new'),
        `${name}'s seed client to see CA-new`,
      );
      await until(
        () => v2.get(name)!.text().includes('CA-new'),
        `${name}'s v2 client to see CA-new`,
      );
      await until(
        () => v2.get(name)!.text().includes('"cost":77') || !scopes.includes('outcomes'),
        `${name}: the late outcome`,
      );
      if (scopes.includes('transcripts')) {
        await until(
          () => v2.get(name)!.text().includes(`${TURN_TEXT}-2`),
          `${name}: the second turn`,
        );
      }
    }
    // A replay: a new v2 connection per token resumes from the first ack's seq.
    const replays = new Map<string, Conn>();
    for (const { name, scopes } of TOKENS) {
      if (!scopes.includes('calls')) continue;
      const first = acks.get(name)!;
      const r = open(url, name);
      const ack = await r.socket.emitWithAck('subscribe:calls', {
        v: 2,
        since: { epoch: first.epoch!, seq: first.seq! },
      });
      expect(ack.mode, `${name} resumes by replay`).toBe('replay');
      await until(() => r.text().includes('CA-new'), `${name}'s replay`);
      replays.set(name, r);
    }

    for (const { name, scopes } of TOKENS) {
      const has = (s: Scope) => scopes.includes(s);
      for (const [kind, c] of [
        ['seed', seed.get(name)!],
        ['v2', v2.get(name)!],
        ...(replays.has(name) ? [['replay', replays.get(name)!] as const] : []),
      ] as const) {
        const what = `${name} (${kind})`;
        const text = c.text();
        if (process.env.DEBUG_SCOPES) console.log(what, text.slice(0, 3000));
        expect(text.includes(NUMBER), `${what}: full number`).toBe(has('pii'));
        expect(text.includes(NAME), `${what}: contact name`).toBe(has('pii'));
        // The late outcome of an ended call: in the recent stream (v2) and as the one update
        // of a call first seen ended (every protocol). Its summary names the caller: personal
        // data too (src/shared/privacy/redact.ts).
        expect(text.includes(SUMMARY), `${what}: outcome text`).toBe(
          has('outcomes') && has('calls') && has('pii'),
        );
        expect(text.includes('call_successful'), `${what}: verdict`).toBe(
          has('outcomes') && has('calls'),
        );
        // The post-call transcript inside a call: seed documents only, and only with the scope.
        expect(text.includes(POST_CALL_TEXT), `${what}: post-call transcript`).toBe(
          kind === 'seed' && has('calls') && has('transcripts'),
        );
        expect(text.includes(TURN_TEXT), `${what}: live turns`).toBe(
          kind === 'v2' && has('transcripts'),
        );
        expect(text.includes(CAMPAIGN), `${what}: campaigns`).toBe(
          has('campaigns') && kind !== 'replay',
        );
        expect(
          got(c, 'active_calls') || got(c, 'call_update') || got(c, 'calls_batch_update'),
          `${what}: calls`,
        ).toBe(has('calls'));
        // Masked, not dropped: a seed client still gets the fields, as strings.
        if (has('calls') && !has('pii')) expect(text).toContain('"to":"+•••••••0123"');
        if (has('calls') && !has('pii')) expect(text).toContain('"contactName":"A. L.');
        // Refusals name the scope, one per request refused.
        const refused = errors(c)
          .filter((e) => e.type === 'forbidden')
          .map((e) => `${e.details?.event}:${e.details?.scope}`)
          .sort();
        const expected = (
          kind === 'seed'
            ? [
                ...(has('calls') ? [] : ['subscribe:calls:calls', 'get:active_calls:calls']),
                ...(has('campaigns')
                  ? []
                  : ['subscribe:campaigns:campaigns', 'get:active_campaigns:campaigns']),
              ]
            : kind === 'v2'
              ? [
                  ...(has('calls') ? [] : ['subscribe:calls:calls', 'subscribe:recent:calls']),
                  ...(has('campaigns') ? [] : ['subscribe:campaigns:campaigns']),
                  ...(has('transcripts') ? [] : ['subscribe:transcript:transcripts']),
                ]
              : []
        ).sort();
        expect(refused, `${what}: refusals`).toEqual(expected);
      }
      // The v2 ack says which scopes the token has (the dashboard shows them).
      if (has('calls')) expect(acks.get(name)!.scopes, name).toEqual(scopes);
      expect(transcriptAcks.get(name)!.ok, `${name}: transcript ack`).toBe(has('transcripts'));
    }

    // /metrics counts the refusals per scope: computed here from the table.
    const metrics = await server.metrics();
    const refusals = (scope: Scope) =>
      Number(
        new RegExp(`callboard_refused_requests_total\\{scope="${scope}"\\} (\\d+)`).exec(
          metrics,
        )?.[1],
      );
    const lacking = (s: Scope) => TOKENS.filter((t) => !t.scopes.includes(s)).length;
    expect(refusals('transcripts')).toBe(lacking('transcripts'));
    expect(refusals('campaigns')).toBe(lacking('campaigns') * 3);
    expect(refusals('calls')).toBe(lacking('calls') * 4);

    // Revoked mid-connection: desk-no-pii removed, wallboard with fewer scopes.
    const ended = ['desk-no-pii', 'wallboard'];
    const disconnected = ended.flatMap((n) => [
      seed.get(n)!,
      v2.get(n)!,
      ...(replays.has(n) ? [replays.get(n)!] : []),
    ]);
    tokens.replace(
      entries(
        TOKENS.filter((t) => t.name !== 'desk-no-pii').map((t) =>
          t.name === 'wallboard' ? { ...t, scopes: ['campaigns'] as Scope[] } : t,
        ),
      ),
    );
    await until(
      () => disconnected.every((c) => !c.socket.connected),
      'the revoked tokens’ connections to end',
    );
    for (const c of disconnected) {
      expect(
        errors(c).map((e) => e.type),
        c.token,
      ).toContain('unauthorized');
    }
    // Everyone else stays.
    for (const [n, c] of v2) if (!ended.includes(n)) expect(c.socket.connected, n).toBe(true);
    await db()
      .collection('transcripts')
      .insertOne({
        callSid: 'CA-live',
        role: 'user',
        message: `${TURN_TEXT}-after`,
        timeInCallSecs: 3,
      });
    await until(
      () => v2.get('all')!.text().includes(`${TURN_TEXT}-after`),
      'the turn after the revocation',
    );
    // Nothing after the error that ended it.
    for (const c of disconnected) {
      const last = c.events.at(-1) as [string, { type?: string }];
      expect(last[0], c.token).toBe('error');
      expect(last[1].type, c.token).toBe('unauthorized');
    }

    // The removed token is refused from now on; the narrowed one gets its new scopes.
    const again = open(url, 'desk-no-pii');
    const refusedAgain = await new Promise<Error>((resolve) =>
      again.socket.once('connect_error', resolve),
    );
    expect(refusedAgain.message).toBe('unauthorized');
    const narrowed = open(url, 'wallboard');
    // Refused for good: the ack carries the scopes, so a client need not retry.
    expect(await narrowed.socket.emitWithAck('subscribe:calls', { v: 2 })).toMatchObject({
      ok: false,
      scopes: ['campaigns'],
    });
    expect((await narrowed.socket.emitWithAck('subscribe:campaigns', { v: 2 })).scopes).toEqual([
      'campaigns',
    ]);

    // The audit log: who opened which transcript, who was refused what, who was revoked;
    // never a token, never a word of a call.
    await audit.close();
    const text = await readFile(auditFile, 'utf8');
    const records = text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const opened = records
      .filter((r) => r.what === 'transcript_opened')
      .map((r) => r.token)
      .sort();
    expect(opened).toEqual(
      TOKENS.filter((t) => t.scopes.includes('transcripts'))
        .map((t) => t.name)
        .sort(),
    );
    expect(records.filter((r) => r.what === 'refused' && r.scope === 'transcripts').length).toBe(
      lacking('transcripts'),
    );
    expect(
      records
        .filter((r) => r.what === 'revoked')
        .map((r) => r.token)
        .sort(),
    ).toEqual(disconnected.map((c) => c.token).sort());
    expect(
      records.some((r) => r.what === 'refused' && r.reason === 'unauthorized' && r.token === null),
    ).toBe(true);
    for (const t of TOKENS) expect(text).not.toContain(secret(t.name));
    for (const marker of [NUMBER, NAME, SUMMARY, POST_CALL_TEXT, TURN_TEXT])
      expect(text).not.toContain(marker);
    for (const r of records)
      expect(typeof r.time === 'string' && !Number.isNaN(Date.parse(r.time))).toBe(true);
  }, 60_000);
});
