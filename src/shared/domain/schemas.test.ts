import { describe, expect, it } from 'vitest';
import {
  isActiveCampaignStatus,
  isActiveStatus,
  isCallStatus,
  isTerminalStatus,
} from './call-status';
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
    ['no status', { callSid: 'a' }, 'invalid call: status: status is required'],
    [
      'numeric status',
      { callSid: 'a', status: 3 },
      'invalid call: status: status must be text, not number',
    ],
    [
      'unknown status',
      { callSid: 'a', status: 'done' },
      'invalid call: status: status "done" is not one of initiated, queued, ringing, in-progress, completed, failed, busy, no-answer, canceled',
    ],
    [
      'bad date',
      { callSid: 'a', status: 'queued', startTime: 'soon' },
      'invalid call: startTime: "soon" is not a date',
    ],
    [
      'NaN duration',
      { callSid: 'a', status: 'queued', duration: 'NaN' },
      'invalid call: duration: "NaN" is not a number',
    ],
    [
      'blank duration',
      { callSid: 'a', status: 'queued', duration: ' ' },
      'invalid call: duration: " " is not a number',
    ],
    ['not an object', 'CA1', 'invalid call: Invalid input: expected object, received string'],
  ])('rejects %s with a clear error', (_name, input, error) => {
    expect(parseCall(input)).toEqual({ ok: false, error });
  });

  it('infinite duration is rejected', () => {
    expect(parseCall({ callSid: 'a', status: 'queued', duration: Infinity }).ok).toBe(false);
  });

  it('keeps a huge bad value out of the message', () => {
    const r = parseCall({ callSid: 'a', status: 'queued', startTime: 'y'.repeat(1_000_000) });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.length).toBeLessThan(200);
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

  it.each<[unknown, RegExp]>([
    [{ status: 'running' }, /campaignId: campaignId is required/],
    [{ campaignId: 'K', status: '' }, /status must not be empty/],
    [
      { campaignId: 'K', status: 'running', totalCalls: 'many' },
      /totalCalls: "many" is not a number/,
    ],
    [{ campaignId: 'K' }, /status: status is required/],
  ])('rejects %j', (input, error) => {
    const r = parseCampaign(input);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(error);
  });
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

describe('status helpers', () => {
  it.each([
    ['initiated', true, false],
    ['in-progress', true, false],
    ['no-answer', false, true],
    ['canceled', false, true],
    ['In-Progress', false, false],
    ['', false, false],
  ])('%s: active %s, terminal %s', (status, active, terminal) => {
    expect(isActiveStatus(status)).toBe(active);
    expect(isTerminalStatus(status)).toBe(terminal);
    expect(isCallStatus(status)).toBe(active || terminal);
  });

  it.each([
    ['running', true],
    ['paused', true],
    ['completed', false],
    ['cancelled', false],
    ['archived', false],
  ])('campaign %s active: %s', (status, active) => {
    expect(isActiveCampaignStatus(status)).toBe(active);
  });
});
