import { describe, expect, it } from 'vitest';
import { describeZodError, parseCall, parseCampaign, previewValue } from './schemas';
import { z } from 'zod';

describe('parseCall', () => {
  it('normalises messy real-world values and keeps unknown fields', () => {
    const r = parseCall({
      callSid: ' CA1 ',
      status: ' In-Progress ',
      to: 15550001,
      startTime: new Date('2026-01-01T10:00:00Z'),
      endTime: 1767261660000,
      updatedAt: '2026-01-01T10:01:00+01:00',
      duration: ' 42 ',
      custom: { nested: [1, 2] },
    });
    expect(r).toEqual({
      ok: true,
      value: {
        callSid: 'CA1',
        status: 'in-progress',
        to: '15550001',
        startTime: '2026-01-01T10:00:00.000Z',
        endTime: '2026-01-01T10:01:00.000Z',
        updatedAt: '2026-01-01T09:01:00.000Z',
        duration: 42,
        custom: { nested: [1, 2] },
      },
      leftOut: [],
    });
  });

  it('accepts null for optional fields', () => {
    const r = parseCall({ callSid: 7, status: 'queued', endTime: null, duration: null });
    expect(r).toMatchObject({ ok: true, value: { callSid: '7', endTime: null, duration: null } });
  });

  it.each<[string, unknown, string]>([
    [
      'no callSid',
      { status: 'ringing' },
      'invalid call: callSid: callSid is required (a non-empty string)',
    ],
    [
      'blank callSid',
      { callSid: '   ', status: 'ringing' },
      'invalid call: callSid: callSid must not be empty',
    ],
    [
      'long callSid',
      { callSid: 'x'.repeat(257), status: 'ringing' },
      'invalid call: callSid: callSid is longer than 256 characters',
    ],
    [
      'object callSid',
      { callSid: { $ne: null }, status: 'ringing' },
      'invalid call: callSid: callSid is required (a non-empty string)',
    ],
    ['not an object', 'CA1', 'invalid call: Invalid input: expected object, received string'],
  ])('rejects %s with a clear error', (_name, input, error) => {
    expect(parseCall(input)).toEqual({ ok: false, error });
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['bad date', { startTime: 'soon' }, 'startTime: "soon" is not a date'],
    ['NaN duration', { duration: 'NaN' }, 'duration: "NaN" is not a number'],
    ['blank duration', { duration: ' ' }, 'duration: " " is not a number'],
    ['infinite duration', { duration: Infinity }, 'duration: Infinity is not a number'],
    [
      'two bad fields',
      { duration: 'x', endTime: 'y' },
      'endTime: "y" is not a date; duration: "x" is not a number',
    ],
  ])('keeps the call with a %s, leaving the field out by name', (_name, extra, problems) => {
    const r = parseCall({ callSid: 'a', status: 'queued', keep: 1, ...extra });
    expect(r).toEqual({
      ok: true,
      value: { callSid: 'a', status: 'queued', keep: 1 },
      leftOut: [`call a: left out unreadable fields: ${problems}`],
    });
  });

  it('keeps a huge bad value out of the message', () => {
    const r = parseCall({ callSid: 'a', status: 'queued', startTime: 'y'.repeat(1_000_000) });
    expect(r.ok && r.leftOut[0]!.length).toBeLessThan(200);
  });
});

describe('parseCampaign', () => {
  it('parses counters given as strings and lower-cases the status', () => {
    const r = parseCampaign({
      campaignId: 'K',
      status: 'RUNNING',
      totalCalls: '100',
      failedCalls: 3,
    });
    expect(r).toMatchObject({
      ok: true,
      value: { status: 'running', totalCalls: 100, failedCalls: 3 },
    });
  });

  it.each<[unknown, RegExp]>([[{ status: 'running' }, /campaignId: campaignId is required/]])(
    'rejects %j',
    (input, error) => {
      const r = parseCampaign(input);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error).toMatch(error);
    },
  );
});

describe('describeZodError', () => {
  it('joins every issue with its path, bounded', () => {
    const schema = z.array(z.number());
    const r = schema.safeParse(Array.from({ length: 30 }, () => 'x'));
    expect(r.success).toBe(false);
    if (!r.success) {
      const text = describeZodError('numbers', r.error);
      expect(text.startsWith('numbers: 0: Invalid input')).toBe(true);
      expect(text).toMatch(/and 20 more problems$/);
    }
  });

  it('does not throw on symbol keys in a path', () => {
    const error = new z.ZodError([
      { code: 'custom', path: [Symbol('s'), 1], message: 'bad', input: 1 },
    ]);
    expect(describeZodError('x', error)).toBe('x: Symbol(s).1: bad');
  });
});

describe('previewValue', () => {
  it.each<[unknown, string]>([
    ['short', '"short"'],
    [undefined, 'undefined'],
    [10n, '[object BigInt]'],
    ['z'.repeat(100), `"${'z'.repeat(59)}...(102 chars)`],
  ])('%#', (value, text) => {
    expect(previewValue(value)).toBe(text);
  });

  it('survives a circular value', () => {
    const value: Record<string, unknown> = {};
    value.self = value;
    expect(previewValue(value)).toBe('[object Object]');
  });
});

describe('status and fields from other services', () => {
  it.each<[string, unknown, string]>([
    ['ElevenLabs processing', 'processing', 'completed'],
    ['ElevenLabs batch in_progress', 'in_progress', 'in-progress'],
    ['Twilio answered', 'Answered', 'in-progress'],
    ['a value no mapping knows', ' Transferring ', 'Transferring'],
    ['no status at all', undefined, ''],
    ['a number', 3, '3'],
  ])('keeps the call for %s (status held as %j)', (_name, status, held) => {
    const r = parseCall({ callSid: 'a', status });
    expect(r).toMatchObject({ ok: true, value: { callSid: 'a', status: held } });
  });

  it('keeps a call whose document has no status field', () => {
    expect(parseCall({ callSid: 'a' })).toEqual({
      ok: true,
      value: { callSid: 'a', status: '' },
      leftOut: [],
    });
  });

  it('reads nested and snake-case fields, keeping the originals', () => {
    const doc = {
      conversation_id: 'conv_1',
      status: 'done',
      agent_id: 'agent_7',
      metadata: { call_duration_secs: 93, start_time_unix_secs: 1767261600 },
    };
    const r = parseCall(doc);
    expect(r).toEqual({
      ok: true,
      value: {
        ...doc,
        callSid: 'conv_1',
        status: 'completed',
        agentId: 'agent_7',
        duration: 93,
        startTime: '2026-01-01T10:00:00.000Z',
      },
      leftOut: [],
    });
  });

  it('prefers the field at its own name over a candidate path', () => {
    const r = parseCall({ callSid: 'CA1', call_sid: 'CA2', status: 'ringing' });
    expect(r).toMatchObject({ ok: true, value: { callSid: 'CA1' } });
  });

  it('reads campaign counters under stats', () => {
    const r = parseCampaign({ campaign_id: 'K', status: 'Running', stats: { totalCalls: 9 } });
    expect(r).toMatchObject({
      ok: true,
      value: { campaignId: 'K', status: 'running', totalCalls: 9 },
    });
  });
});
