import { describe, expect, it } from 'vitest';
import { parseTurnDocument, postCallTurns, roleOf } from './transcript-turn';

describe('parseTurnDocument', () => {
  it('reads the ElevenLabs spellings and camelCase alike', () => {
    const camel = parseTurnDocument({
      _id: 't1',
      callSid: 'CA1',
      role: 'agent',
      message: 'Hello',
      timeInCallSecs: 3,
      createdAt: '2026-12-04T01:00:00Z',
    });
    const snake = parseTurnDocument({
      _id: 't1',
      conversation_id: 'CA1',
      role: 'agent',
      message: 'Hello',
      time_in_call_secs: '3',
      created_at: 1_796_346_000,
    });
    const expected = {
      callSid: 'CA1',
      turn: { id: 't1', role: 'agent', message: 'Hello', timeInCallSecs: 3 },
    };
    expect(camel).toMatchObject({ ok: true, value: expected });
    expect(snake).toMatchObject({ ok: true, value: expected });
    expect(camel.ok && camel.value.turn.createdAt).toBe('2026-12-04T01:00:00.000Z');
  });

  it('names who spoke the way the screen does', () => {
    expect([roleOf('agent'), roleOf(' User '), roleOf('system'), roleOf(7)]).toEqual([
      'agent',
      'caller',
      'other',
      'other',
    ]);
  });

  it('turns tool calls and transfers into labelled actions', () => {
    const parsed = parseTurnDocument({
      _id: 't2',
      callSid: 'CA1',
      role: 'agent',
      message: null, // a turn that only calls a tool
      tool_calls: [
        { tool_name: 'lookup_order' },
        { name: 'check_rate' },
        { tool_name: 'transfer_to_number', params_as_json: '{"transfer_number":"+15550100"}' },
        { tool_name: 'transfer_to_agent', params_as_json: 'not json' },
        'junk',
        { tool_name: '' },
      ],
      transfer: { to: 'billing desk' },
    });
    expect(parsed.ok && parsed.value.turn).toEqual({
      id: 't2',
      role: 'agent',
      message: '',
      actions: [
        { kind: 'tool_call', label: 'lookup_order' },
        { kind: 'tool_call', label: 'check_rate' },
        { kind: 'transfer', label: '+15550100' },
        { kind: 'transfer', label: 'transfer_to_agent' },
        { kind: 'transfer', label: 'billing desk' },
      ],
    });
  });

  it.each([
    [{ _id: 't', role: 'agent', message: 'x' }, /callSid is required/],
    [{ _id: 't', callSid: '../../etc', message: 'x' }, /callSid must be/],
    [{ _id: 't', callSid: 'A'.repeat(129), message: 'x' }, /callSid must be/],
    [{ _id: 't', callSid: { $gt: '' }, message: 'x' }, /callSid/],
    [{ _id: 't', callSid: 'CA1', message: { text: 'x' } }, /message: .* is not text/],
    [{ _id: 't', callSid: 'CA1', message: 'x'.repeat(100_001) }, /longer than 100000/],
    [{ _id: 't', callSid: 'CA1', timeInCallSecs: 'soon' }, /"soon" is not a number/],
    [{ _id: 't', callSid: 'CA1', timeInCallSecs: -4 }, /must not be negative/],
    [{ _id: 't', callSid: 'CA1', createdAt: 'yesterday' }, /"yesterday" is not a date/],
    [{ _id: 't', callSid: 'CA1', tool_calls: 'lookup' }, /not a list of tool calls/],
    [{ _id: 't', callSid: 'CA1', tool_calls: new Array(51).fill({ name: 'x' }) }, /more than 50/],
    [{ callSid: 'CA1', message: 'x' }, /_id/],
    [{ _id: 'x'.repeat(300), callSid: 'CA1' }, /_id/],
    [{ _id: 'post-call:0', callSid: 'CA1' }, /_id "post-call:0" is not usable/],
    [null, /is not a document/],
    [['CA1'], /is not a document/],
  ])('refuses %j with an error naming the problem', (input, message) => {
    const parsed = parseTurnDocument(input);
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.error).toMatch(message);
  });

  it('never reaches into a prototype', () => {
    const hostile = JSON.parse('{"_id":"t","__proto__":{"callSid":"CA1"},"message":"x"}');
    expect(parseTurnDocument(hostile).ok).toBe(false);
  });
});

describe('postCallTurns', () => {
  it('reads transcript[] (or data.transcript[]) with ids post-call:<index>, counting bad entries', () => {
    const doc = {
      callSid: 'CA1',
      data: {
        transcript: [
          { role: 'agent', message: 'Hi', time_in_call_secs: 0 },
          { role: 'user', message: 'Bye', time_in_call_secs: 2 },
          'junk',
          { role: 'agent', time_in_call_secs: 'late' },
        ],
      },
    };
    const post = postCallTurns(doc);
    expect(post?.turns).toEqual([
      { id: 'post-call:0', role: 'agent', message: 'Hi', timeInCallSecs: 0 },
      { id: 'post-call:1', role: 'caller', message: 'Bye', timeInCallSecs: 2 },
    ]);
    expect(post?.bad).toHaveLength(2);
    expect(post?.bad[1]).toMatch(/post-call turn 3: .*"late" is not a number/);
    expect(postCallTurns({ callSid: 'CA1' })).toBeNull();
    expect(postCallTurns({ callSid: 'CA1', transcript: 'text' })).toBeNull();
  });
});
