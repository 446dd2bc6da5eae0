import { describe, expect, it } from 'vitest';
import type { ServerToClientEvents } from '../protocol/events';
import { fromServerEvent } from './from-protocol';

const AT = 1_000;
const ts = '2026-11-26T20:00:00.000Z';
const good = { callSid: 'CA1', status: 'ringing', to: '+15550001' };
const goodCampaign = { campaignId: 'K1', name: 'Spring', status: 'running', totalCalls: '10' };
const huge = 'x'.repeat(200_000);

describe('fromServerEvent: valid payloads', () => {
  it('active_calls (seed) -> calls snapshot without cursor', () => {
    const r = fromServerEvent('active_calls', { calls: [good], count: 1, timestamp: ts }, AT);
    expect(r.problems).toEqual([]);
    expect(r.message).toEqual({
      kind: 'snapshot',
      stream: 'calls',
      calls: [{ callSid: 'CA1', status: 'ringing', to: '+15550001' }],
      at: AT,
    });
  });

  it('active_campaigns (v2) -> campaigns snapshot with epoch and seq, numbers parsed', () => {
    const r = fromServerEvent(
      'active_campaigns',
      { campaigns: [goodCampaign], count: 1, timestamp: ts, v: 2, epoch: 'e1', seq: 4 },
      AT,
    );
    expect(r.problems).toEqual([]);
    expect(r.message).toMatchObject({
      kind: 'snapshot',
      stream: 'campaigns',
      epoch: 'e1',
      seq: 4,
      campaigns: [{ campaignId: 'K1', totalCalls: 10 }],
    });
  });

  it.each<[keyof ServerToClientEvents, unknown, object]>([
    [
      'call_update',
      { call: good, timestamp: ts },
      { kind: 'batch', stream: 'calls', calls: [good], removed: [] },
    ],
    [
      'call_update',
      { call: good, timestamp: ts, v: 2, epoch: 'e', seq: 7, fromSeq: 'junk' },
      { kind: 'batch', stream: 'calls', epoch: 'e', seq: 7 },
    ],
    [
      'campaign_update',
      { campaign: goodCampaign, timestamp: ts },
      { kind: 'batch', stream: 'campaigns', removed: [] },
    ],
    [
      'calls_batch_update',
      {
        calls: [good],
        removed: [{ callSid: 'CA9', reason: 'deleted' }],
        timestamp: ts,
        v: 2,
        epoch: 'e',
        seq: 9,
        fromSeq: 5,
      },
      {
        stream: 'calls',
        removed: [{ callSid: 'CA9', reason: 'deleted' }],
        fromSeq: 5,
        seq: 9,
      },
    ],
    [
      'campaigns_batch_update',
      {
        campaigns: [goodCampaign],
        removed: [{ campaignId: 'K0', reason: 'terminal' }],
        fromSeq: 2,
        timestamp: ts,
        v: 2,
        epoch: 'e',
        seq: 3,
      },
      { stream: 'campaigns', removed: [{ campaignId: 'K0', reason: 'terminal' }], fromSeq: 2 },
    ],
    [
      'call_removed',
      { callSid: 'CA1', reason: 'terminal', timestamp: ts, v: 2, epoch: 'e', seq: 3 },
      { stream: 'calls', calls: [], removed: [{ callSid: 'CA1', reason: 'terminal' }], seq: 3 },
    ],
    [
      'campaign_removed',
      { campaignId: 'K1', reason: 'deleted', timestamp: ts, v: 2, epoch: 'e', seq: 3 },
      { stream: 'campaigns', campaigns: [], removed: [{ campaignId: 'K1', reason: 'deleted' }] },
    ],
  ])('%s %#', (event, payload, expected) => {
    const r = fromServerEvent(event, payload, AT);
    expect(r.problems).toEqual([]);
    expect(r.message).toMatchObject({ ...expected, at: AT });
    if (r.message?.kind === 'batch' && r.message.stream === 'calls' && event === 'call_update') {
      // An extra fromSeq on a single update is not read: its range is its seq.
      expect(r.message.fromSeq).toBeUndefined();
    }
  });

  it('resync and error are reported, not turned into messages', () => {
    expect(
      fromServerEvent(
        'resync',
        { v: 2, stream: 'calls', epoch: 'e2', reason: 'slow', timestamp: ts },
        AT,
      ),
    ).toEqual({ problems: [], resync: { stream: 'calls', epoch: 'e2', reason: 'slow' } });
    expect(fromServerEvent('error', { type: 'active_calls', message: 'db down' }, AT)).toEqual({
      problems: [],
      serverError: { type: 'active_calls', message: 'db down' },
    });
  });
});

describe('fromServerEvent: bad documents are left out, the rest applies', () => {
  it.each<[string, unknown, RegExp]>([
    [
      'missing callSid',
      { status: 'ringing' },
      /calls\[1\]: invalid call: callSid: callSid is required/,
    ],
    ['empty callSid', { callSid: '  ', status: 'ringing' }, /callSid must not be empty/],
    ['callSid too long', { callSid: huge, status: 'ringing' }, /longer than 256/],
    ['a string, not a document', 'CA1', /calls\[1\]: invalid call/],
    ['null', null, /calls\[1\]: invalid call/],
    ['an array', [good], /calls\[1\]: invalid call/],
  ])('%s', (_name, bad, problem) => {
    const r = fromServerEvent('calls_batch_update', { calls: [good, bad], timestamp: ts }, AT);
    expect(r.message).toMatchObject({ calls: [{ callSid: 'CA1' }] });
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]).toMatch(/^calls_batch_update: /);
    expect(r.problems[0]).toMatch(problem);
    expect(r.problems[0]!.length).toBeLessThanOrEqual(1003);
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['date junk', { startTime: 'yesterday-ish' }, 'startTime: "yesterday-ish" is not a date'],
    ['nested junk in a field', { duration: { $gt: 1 } }, 'duration: {"$gt":1} is not a number'],
    ['an unknown status', { status: 'exploded' }, ''],
    ['a status of the wrong type', { status: 42 }, ''],
  ])('keeps a call with %s, naming any field left out', (_name, extra, leftOut) => {
    const bad = { callSid: 'X', status: 'ringing', ...extra };
    const r = fromServerEvent('calls_batch_update', { calls: [good, bad], timestamp: ts }, AT);
    const calls = (r.message as { calls: Record<string, unknown>[] }).calls;
    expect(calls.map((c) => c.callSid)).toEqual(['CA1', 'X']);
    const field = Object.keys(extra)[0]!;
    if (leftOut === '') {
      expect(r.problems).toEqual([]);
      expect(calls[1]![field]).toBe(String(extra[field]));
    } else {
      expect(calls[1]).not.toHaveProperty(field);
      expect(r.problems).toEqual([
        `calls_batch_update: calls[1]: call X: left out unreadable fields: ${leftOut}`,
      ]);
    }
  });

  it('a bad single update names the event and the field', () => {
    const r = fromServerEvent('call_update', { call: { status: 'ringing' }, timestamp: ts }, AT);
    expect(r.problems).toEqual([
      'call_update: invalid call: callSid: callSid is required (a non-empty string)',
    ]);
    expect(r.message).toMatchObject({ calls: [] });
  });

  it('keeps a huge bad value out of the problem text', () => {
    const r = fromServerEvent(
      'call_update',
      { call: { callSid: 'a', status: 'ringing', duration: huge } },
      AT,
    );
    expect(r.problems[0]!.length).toBeLessThan(300);
    expect(r.problems[0]).toMatch(/200002 chars/);
  });

  it('bounds the number of problems for a snapshot full of junk', () => {
    const calls = Array.from({ length: 500 }, () => ({ nope: true }));
    const r = fromServerEvent('active_calls', { calls: [...calls, good], count: 501 }, AT);
    expect(r.message).toMatchObject({ calls: [{ callSid: 'CA1' }] });
    expect(r.problems).toHaveLength(21);
    expect(r.problems[20]).toBe('active_calls: and 480 more invalid calls');
  });

  it('drops __proto__ keys instead of polluting anything', () => {
    const payload = JSON.parse(
      `{"calls":[{"callSid":"__proto__","status":"ringing","__proto__":{"polluted":true}}],"timestamp":"x"}`,
    ) as unknown;
    const r = fromServerEvent('calls_batch_update', payload, AT);
    expect(r.problems).toEqual([]);
    const [doc] = (r.message as { calls: object[] }).calls;
    expect(Object.getPrototypeOf(doc)).toBe(Object.prototype);
    expect((doc as { polluted?: unknown }).polluted).toBeUndefined();
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
  });

  it('reports a count that does not match, but still applies', () => {
    const r = fromServerEvent('active_calls', { calls: [good], count: 3 }, AT);
    expect(r.problems).toEqual(['active_calls: count 3 does not match the 1 calls sent']);
    expect(r.message).toBeDefined();
  });
});

describe('fromServerEvent: malformed payloads give no message and one problem', () => {
  it.each<[keyof ServerToClientEvents, unknown, RegExp]>([
    ['active_calls', null, /^active_calls: malformed payload/],
    ['active_calls', 'calls', /^active_calls: malformed payload/],
    ['active_calls', [good], /^active_calls: malformed payload/],
    ['active_calls', { calls: 'all of them' }, /calls:/],
    ['active_calls', { calls: [], count: '1' }, /count:/],
    ['active_calls', { calls: [], epoch: 'e' }, /incomplete v2 metadata: epoch without seq/],
    ['active_campaigns', { campaigns: [], seq: 1 }, /incomplete v2 metadata: seq without epoch/],
    ['active_campaigns', {}, /campaigns:/],
    ['call_update', { call: good, epoch: 'e', seq: -1 }, /seq:/],
    ['call_update', { call: good, epoch: 'e', seq: 1.5 }, /seq:/],
    ['call_update', { call: good, epoch: '', seq: 1 }, /epoch must not be empty/],
    ['call_update', { call: good, epoch: huge, seq: 1 }, /epoch:/],
    ['call_update', { call: good, timestamp: huge }, /timestamp:/],
    ['calls_batch_update', { calls: [], removed: [{ callSid: 'a', reason: 'gone' }] }, /reason/],
    [
      'calls_batch_update',
      { calls: [], removed: [{ callSid: 'a', reason: 'deleted', x: 1 }] },
      /removed/,
    ],
    ['calls_batch_update', { calls: [], fromSeq: 3 }, /fromSeq without epoch and seq/],
    [
      'calls_batch_update',
      { calls: [], epoch: 'e', seq: 2, fromSeq: 3 },
      /fromSeq 3 is after seq 2/,
    ],
    ['campaigns_batch_update', { campaigns: [], epoch: 'e', seq: 1 }, /removed|fromSeq/],
    ['call_removed', { callSid: '', reason: 'deleted', epoch: 'e', seq: 1 }, /callSid/],
    ['call_removed', { callSid: 'a', reason: 'deleted', seq: 2 }, /^call_removed: malformed/],
    ['campaign_removed', { campaignId: 5, reason: 'deleted', epoch: 'e', seq: 1 }, /campaignId/],
    ['resync', { stream: 'everything', epoch: 'e', reason: 'x' }, /stream/],
    ['error', { message: 42 }, /^error: malformed payload/],
  ])('%s %#', (event, payload, problem) => {
    const r = fromServerEvent(event, payload, AT);
    expect(r.message).toBeUndefined();
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]).toMatch(problem);
    expect(r.problems[0]!.length).toBeLessThanOrEqual(1003);
  });

  it('names an event it does not know', () => {
    const r = fromServerEvent('surprise' as keyof ServerToClientEvents, {}, AT);
    expect(r).toEqual({ problems: ['unknown server event "surprise"'] });
  });
});
