/**
 * Hostile documents in MongoDB (missing keys, wrong types, bad dates, numeric strings, junk
 * and __proto__ fields, deep nesting), written into `calls` and `campaigns` next to valid
 * ones, flowing through the real Watcher -> Hub -> gateway -> RemoteFeed + reducer. Each run:
 * the server stays up, an invalid document is reported by the client (or dropped by the hub
 * for having no key) and skipped, and every client shows exactly the valid active documents,
 * field by field as the shared schema reads them. Count goes to results/fuzz-documents.json.
 */
import fc from 'fast-check';
import type { Document } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shownByHand } from '../../src/server/emulator-test-support';
import { toJsonDocument } from '../../src/server/json-safe';
import { isCallEnded, isCampaignEnded } from '../../src/shared/domain/lifecycle';
import { parseCall, parseCampaign } from '../../src/shared/domain/schemas';
import { clientView } from './support/db-state';
import { writeFuzzCounts, type FuzzCount } from './support/fuzz-counts';
import { openHarness, until, type Harness } from './support/harness';
import { hostileValue, prototypePolluted } from './support/hostile';

const RUNS = Number(process.env.CALLBOARD_FUZZ_DOC_RUNS ?? 25);
const counts: FuzzCount[] = [];
let h: Harness;
let serverHealth: () => { status: string };
let hubCounters: () => { listenerErrors: number; eventsDropped: number };
let hubDoc: (key: string) => object | undefined;

beforeAll(async () => {
  h = await openHarness();
  const { server, url } = await h.startServer();
  serverHealth = () => server.health();
  hubCounters = () => server.hub.counters();
  hubDoc = (key) =>
    server.hub.snapshot('calls').docs.find((d) => server.hub.rules.calls.keyOf(d) === key);
  h.addClient('client-a', url);
  h.addClient('client-b', url);
  await until(() => h.clients.every((c) => c.status() === 'live'), 'clients live');
});
afterAll(async () => {
  await h?.close();
  writeFuzzCounts('fuzz-documents', counts);
});

let serial = 0;
const field = <T>(valid: fc.Arbitrary<T>) =>
  fc.oneof(
    { weight: 3, arbitrary: valid.map((v) => ({ v })) },
    { weight: 1, arbitrary: hostileValue.map((v) => ({ v })) },
    { weight: 1, arbitrary: fc.constant(null) },
  );

const callDoc = fc
  .record({
    key: fc.oneof(
      { weight: 5, arbitrary: fc.constant('string') },
      fc.constantFrom('missing', 'number', 'object', 'empty'),
    ),
    status: field(
      fc.constantFrom(
        'initiated',
        'queued',
        'ringing',
        'in-progress',
        'completed',
        'failed',
        'RINGING',
        ' queued ',
      ),
    ),
    startTime: field(
      fc.oneof(
        fc.date({ noInvalidDate: true }),
        fc.constantFrom('2026-01-01T00:00:00Z', 'garbage', '1700000000000'),
        fc.integer(),
      ),
    ),
    duration: field(
      fc.oneof(fc.integer({ min: 0, max: 3600 }), fc.constantFrom('42', 'abc', '', ' 7 ')),
    ),
    agentId: field(fc.string({ maxLength: 12 })),
    extra: fc.dictionary(
      fc.constantFrom('__proto__', 'constructor', 'notes', 'x', '$meta'),
      hostileValue,
      { maxKeys: 2 },
    ),
  })
  .map((r) => {
    serial += 1;
    const doc: Document = {};
    const sid = `FZ${serial}`;
    if (r.key === 'string') doc.callSid = sid;
    else if (r.key === 'number') doc.callSid = 900_000 + serial;
    else if (r.key === 'object') doc.callSid = { sid };
    else if (r.key === 'empty') doc.callSid = '';
    for (const name of ['status', 'startTime', 'duration', 'agentId'] as const) {
      const f = r[name];
      if (f) doc[name] = f.v;
    }
    for (const [k, v] of Object.entries(r.extra)) {
      // An own `__proto__` field, as a driver decodes one from BSON (assignment would set
      // the prototype instead).
      Object.defineProperty(doc, k, {
        value: v,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return doc;
  });

const campaignDoc = fc
  .record({
    named: fc.boolean(),
    status: field(fc.constantFrom('running', 'active', 'paused', 'completed')),
    totalCalls: field(fc.integer({ min: 0, max: 1000 })),
    junk: hostileValue,
  })
  .map((r) => {
    serial += 1;
    const doc: Document = { junk: r.junk };
    if (r.named) doc.campaignId = `KZ${serial}`;
    if (r.status) doc.status = r.status.v;
    if (r.totalCalls) doc.totalCalls = r.totalCalls.v;
    return doc;
  });

/**
 * The oracle, written by hand from DATA.md and docs/protocol.md rather than with the code
 * under test: a call is shown when its key is usable and its status (any case or separator)
 * is not an ended one; an unknown or missing status keeps it shown.
 */
function keyByHand(value: unknown): string | null {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value !== 'string') return null;
  const key = value.trim();
  return key !== '' && key.length <= 256 ? key : null;
}
async function activeKeysByHand() {
  const calls = new Set<string>();
  const campaigns = new Set<string>();
  for (const doc of await h.db.collection('calls').find({}).toArray()) {
    const key = keyByHand(doc.callSid);
    if (key !== null && shownByHand('calls', doc.status)) calls.add(key);
  }
  for (const doc of await h.db.collection('campaigns').find({}).toArray()) {
    const key = keyByHand(doc.campaignId);
    if (key !== null && shownByHand('campaigns', doc.status)) campaigns.add(key);
  }
  return { calls: [...calls].sort(), campaigns: [...campaigns].sort() };
}

/** What a correct client shows, field by field: the documents as the shared schema reads them. */
async function expected() {
  const calls = new Map<string, string>();
  const campaigns = new Map<string, string>();
  for (const raw of await h.db.collection('calls').find({}).toArray()) {
    const p = parseCall(toJsonDocument(raw));
    if (p.ok && !isCallEnded(p.value.status)) calls.set(p.value.callSid, JSON.stringify(p.value));
  }
  for (const raw of await h.db.collection('campaigns').find({}).toArray()) {
    const p = parseCampaign(toJsonDocument(raw));
    if (p.ok && !isCampaignEnded(p.value.status))
      campaigns.set(p.value.campaignId, JSON.stringify(p.value));
  }
  return { calls, campaigns };
}

function shown(index: number) {
  const view = clientView(h.clients[index]!.state());
  const json = (m: Map<string, unknown>) => new Map([...m].map(([k, v]) => [k, JSON.stringify(v)]));
  return { calls: json(view.calls), campaigns: json(view.campaigns) };
}

describe('hostile documents in MongoDB', () => {
  it('are reported and skipped; clients show exactly the valid active documents', async () => {
    let tried = 0;
    let refusedByMongo = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(callDoc, { minLength: 1, maxLength: 6 }),
        fc.array(campaignDoc, { maxLength: 3 }),
        async (calls, campaigns) => {
          for (const [collection, docs] of [
            ['calls', calls],
            ['campaigns', campaigns],
          ] as const) {
            for (const doc of docs) {
              tried += 1;
              try {
                await h.db.collection(collection).insertOne(doc);
              } catch {
                refusedByMongo += 1; // too deep for BSON, or a key MongoDB refuses: never stored
              }
            }
          }
          // A marker written last: once every client has it, they have seen all the above.
          serial += 1;
          const marker = `MARK${serial}`;
          await h.db.collection('calls').insertOne({ callSid: marker, status: 'queued' });
          await until(
            () => h.clients.every((c) => c.state().calls.get(marker) !== undefined),
            'the marker',
            10_000,
          );
          const truth = await expected();
          const byHand = await activeKeysByHand();
          expect([...truth.calls.keys()].sort()).toEqual(byHand.calls);
          expect([...truth.campaigns.keys()].sort()).toEqual(byHand.campaigns);
          for (let i = 0; i < h.clients.length; i++) {
            const state = h.clients[i]!.state();
            for (const doc of calls) {
              const key = keyByHand(doc.callSid);
              const held = key === null ? undefined : state.calls.get(key)?.call;
              if (!held) continue;
              // The call object is a plain object whatever fields it carries...
              expect(Object.getPrototypeOf(held)).toBe(Object.prototype);
              // ...and the server holds a `__proto__` field as a field (passed on to seed
              // clients unchanged), not as the document's prototype; the client's schema
              // leaves it out.
              const live = state.calls.get(key!)!.endedAt === undefined;
              if (live && Object.prototype.hasOwnProperty.call(doc, '__proto__')) {
                const onServer = hubDoc(key!);
                expect(Object.getPrototypeOf(onServer)).toBe(Object.prototype);
                expect(Object.prototype.hasOwnProperty.call(onServer, '__proto__')).toBe(true);
              }
              if (typeof doc.status === 'string' && ['RINGING', ' queued '].includes(doc.status)) {
                expect(held.status).toBe(doc.status.trim().toLowerCase());
              }
            }
            const view = shown(i);
            expect([...view.calls.keys()].sort()).toEqual([...truth.calls.keys()].sort());
            expect([...view.campaigns.keys()].sort()).toEqual([...truth.campaigns.keys()].sort());
            for (const [k, v] of truth.calls) expect(view.calls.get(k)).toBe(v);
            for (const [k, v] of truth.campaigns) expect(view.campaigns.get(k)).toBe(v);
          }
          expect(serverHealth().status).toBe('ok');
          expect(hubCounters().listenerErrors).toBe(0);
          expect(prototypePolluted()).toBe(false);
        },
      ),
      {
        numRuns: RUNS,
        seed: Number(process.env.CALLBOARD_FUZZ_SEED ?? Date.now() % 2 ** 31),
        path: process.env.CALLBOARD_FUZZ_PATH,
      },
    );
    const problems = h.clients.reduce((n, c) => n + c.stats.problems.length, 0);
    expect(problems).toBeGreaterThan(0);
    counts.push({
      surface: 'database documents (Watcher -> Hub -> clients)',
      inputs: tried,
      outcome: `${refusedByMongo} refused by MongoDB itself, ${hubCounters().eventsDropped} dropped by the hub (no key or not active), ${problems} reported by the 2 clients; states exact`,
    });
  }, 120_000);
});
