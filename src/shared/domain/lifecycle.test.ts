import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  callLifecycle,
  campaignLifecycle,
  createLifecycleRules,
  normaliseStatus,
  unknownStatusLabel,
} from './lifecycle';
import { endedSpellings, snapshotFilter } from './snapshot-filter';

/**
 * Every value of every vocabulary in ../shared/DATA.md ("Call status vocabularies"), with
 * what it means for a supervisor, written out by hand from that table.
 */
const VOCABULARIES: Record<string, [string, 'active' | 'ended', string | null][]> = {
  'Twilio CallStatus': [
    ['queued', 'active', null],
    ['initiated', 'active', null],
    ['ringing', 'active', null],
    ['in-progress', 'active', null],
    ['completed', 'ended', 'completed'],
    ['busy', 'ended', 'busy'],
    ['no-answer', 'ended', 'no-answer'],
    ['canceled', 'ended', 'canceled'],
    ['failed', 'ended', 'failed'],
  ],
  'Twilio StatusCallbackEvent': [
    ['initiated', 'active', null],
    ['ringing', 'active', null],
    ['answered', 'active', null],
    ['completed', 'ended', 'completed'],
  ],
  'ElevenLabs conversation status': [
    ['initiated', 'active', null],
    ['in-progress', 'active', null],
    ['processing', 'ended', 'completed'],
    ['done', 'ended', 'completed'],
    ['failed', 'ended', 'failed'],
  ],
  'ElevenLabs batch-call recipient status': [
    ['pending', 'active', null],
    ['initiated', 'active', null],
    ['in_progress', 'active', null],
    ['completed', 'ended', 'completed'],
    ['failed', 'ended', 'failed'],
    ['cancelled', 'ended', 'canceled'],
  ],
  'ElevenLabs call_initiation_failure failure_reason': [
    ['busy', 'ended', 'busy'],
    ['no-answer', 'ended', 'no-answer'],
    ['unknown', 'ended', 'unknown'],
  ],
};

const rows = Object.entries(VOCABULARIES).flatMap(([source, values]) =>
  values.map(([value, phase, outcome]) => ({ source, value, phase, outcome })),
);

describe('the call lifecycle over every vocabulary in DATA.md', () => {
  it.each(rows)('$source "$value" is $phase ($outcome)', ({ value, phase, outcome }) => {
    expect(callLifecycle(value)).toMatchObject({ phase, outcome, known: true, raw: value });
  });

  // Writers differ in case and separators (DATA.md): each spelling means the same.
  const respell = [
    (v: string) => v.toUpperCase(),
    (v: string) => ` ${v.replace(/[-_]/g, '_')} `,
    (v: string) => v.replace(/[-_]/g, ' '),
    (v: string) => v.charAt(0).toUpperCase() + v.slice(1).replace(/_/g, '-'),
  ];
  it.each(rows)('$value means the same in any case or separator', ({ value, phase, outcome }) => {
    for (const spell of respell) {
      expect(callLifecycle(spell(value)), spell(value)).toMatchObject({ phase, outcome });
    }
  });

  it('holds a known value in its canonical form, which reads back the same', () => {
    for (const { value } of rows) {
      const once = callLifecycle(value);
      expect(callLifecycle(once.status)).toEqual({ ...once, raw: once.status });
    }
  });

  it.each([' Transferring ', 'on-hold', '', '42'])(
    'keeps %j active, marked, as written',
    (value) => {
      const lifecycle = callLifecycle(value);
      expect(lifecycle).toMatchObject({ phase: 'active', known: false, status: value.trim() });
      expect(unknownStatusLabel(lifecycle.status)).toBe(
        value.trim() === '' ? 'unknown status: (none)' : `unknown status: ${value.trim()}`,
      );
    },
  );

  it('cuts a long unknown value for display', () => {
    expect(unknownStatusLabel(` ${'x'.repeat(5000)} `)).toBe(
      `unknown status: ${'x'.repeat(60)}...`,
    );
  });

  it('reads a non-text status as text, never throwing', () => {
    expect(callLifecycle(undefined)).toMatchObject({ phase: 'active', known: false, raw: '' });
    expect(callLifecycle(7)).toMatchObject({ known: false, status: '7' });
    expect(callLifecycle({ a: 1 })).toMatchObject({ known: false, status: '{"a":1}' });
  });

  it('normalises case, surrounding space and runs of separators', () => {
    expect(normaliseStatus('  No__Answer ')).toBe('no-answer');
    expect(normaliseStatus('IN - PROGRESS')).toBe('in-progress');
  });
});

describe('campaign statuses', () => {
  it.each([
    ['running', 'active'],
    ['Paused', 'active'],
    ['scheduled', 'active'],
    ['pending', 'active'],
    ['in_progress', 'active'],
    ['completed', 'ended'],
    ['cancelled', 'ended'],
    ['ARCHIVED', 'ended'],
    ['stopped', 'ended'],
    ['failed', 'ended'],
  ])('%s is %s', (value, phase) => {
    expect(campaignLifecycle(value)).toMatchObject({ phase, known: true });
  });

  it('keeps an unknown campaign status running, marked', () => {
    expect(campaignLifecycle('warming-up')).toMatchObject({ phase: 'active', known: false });
  });
});

describe('admin overrides', () => {
  it('adds and overrides values in any spelling', () => {
    const result = createLifecycleRules({
      calls: { Transferring: 'in-progress', 'Voice Mail': 'COMPLETED', processing: 'in_progress' },
      campaigns: { paused: 'canceled' },
    });
    if (!result.ok) throw new Error(result.error);
    expect(result.rules.calls.of('transferring')).toMatchObject({ phase: 'active', known: true });
    expect(result.rules.calls.of('voice_mail')).toMatchObject({ outcome: 'completed' });
    expect(result.rules.calls.of('Processing')).toMatchObject({ phase: 'active' });
    expect(result.rules.campaigns.of('Paused')).toMatchObject({ phase: 'ended' });
    // The defaults are untouched.
    expect(callLifecycle('processing').phase).toBe('ended');
  });

  it.each<[unknown, string]>([
    [[], 'status mapping must be an object with "calls" and/or "campaigns"'],
    [{ call: {} }, 'status mapping: unknown section "call" (use "calls" or "campaigns")'],
    [{ calls: ['x'] }, 'status mapping: "calls" must be an object of value -> target'],
    [{ calls: { ' ': 'failed' } }, 'status mapping calls[" "]: the status value is empty'],
    [
      { calls: { parked: 'on-hold' } },
      'status mapping calls["parked"]: "on-hold" is not one of initiated, queued, ringing, in-progress, completed, failed, busy, no-answer, canceled, unknown',
    ],
    [
      { calls: { parked: 3 } },
      'status mapping calls["parked"]: 3 is not one of initiated, queued, ringing, in-progress, completed, failed, busy, no-answer, canceled, unknown',
    ],
    [
      { calls: { Completed: 'failed' } },
      'status mapping calls["Completed"]: "completed" is a Callboard status and cannot be remapped',
    ],
    [
      { campaigns: { paused: 'stopped' } },
      'status mapping campaigns["paused"]: "stopped" is not one of active, completed, failed, canceled',
    ],
  ])('refuses %j, naming the entry', (overrides, error) => {
    expect(createLifecycleRules(overrides)).toEqual({ ok: false, error });
  });
});

describe('the snapshot filter', () => {
  const rule = createLifecycleRules();
  if (!rule.ok) throw new Error(rule.error);
  const calls = rule.rules.calls;

  it('excludes only values the rule ends, in the usual spellings', () => {
    const listed = endedSpellings(calls);
    for (const value of listed) expect(calls.of(value).phase, value).toBe('ended');
    for (const value of ['done', 'Done', 'DONE', 'no_answer', 'No-Answer', 'Cancelled']) {
      expect(listed).toContain(value);
    }
    expect(snapshotFilter(calls)).toEqual({ status: { $nin: listed } });
  });

  it('never hides a document the rule calls active, whatever the spelling', () => {
    const listed = new Set(endedSpellings(calls));
    const word = fc.constantFrom(...rows.map((r) => r.value), 'transferring', 'x');
    const spelled = fc
      .tuple(word, fc.constantFrom('', ' '), fc.boolean(), fc.constantFrom('-', '_', ' '))
      .map(
        ([w, pad, upper, sep]) => `${pad}${(upper ? w.toUpperCase() : w).replace(/[-_]/g, sep)}`,
      );
    fc.assert(
      fc.property(fc.oneof(spelled, fc.string()), (value) => {
        if (listed.has(value)) expect(calls.of(value).phase).toBe('ended');
      }),
    );
  });
});
