import { describe, expect, it } from 'vitest';
import type { TranscriptTurn } from '../../../shared/protocol/transcript';
import { findInTranscript, splitForHighlight } from './transcript-find';

const turn = (id: string, message: string): TranscriptTurn => ({
  id,
  seq: 1,
  role: 'agent',
  message,
});

describe('find in transcript', () => {
  const turns = [
    turn('a', 'Your Order is ready. order 42?'),
    turn('b', 'No order here'),
    turn('c', 'ok'),
  ];

  it('finds every occurrence, case-insensitive, in turn order', () => {
    expect(findInTranscript(turns, ' ORDER ')).toEqual([
      { turnId: 'a', start: 5, end: 10 },
      { turnId: 'a', start: 21, end: 26 },
      { turnId: 'b', start: 3, end: 8 },
    ]);
    expect(findInTranscript(turns, '')).toEqual([]);
    expect(findInTranscript(turns, 'zebra')).toEqual([]);
  });

  it('cuts a message into plain and matching parts that join back to the message', () => {
    const matches = findInTranscript(turns, 'order');
    const parts = splitForHighlight(turns[0]!.message, matches, 'a');
    expect(parts).toEqual([
      { text: 'Your ' },
      { text: 'Order', match: 0 },
      { text: ' is ready. ' },
      { text: 'order', match: 1 },
      { text: ' 42?' },
    ]);
    expect(parts.map((p) => p.text).join('')).toBe(turns[0]!.message);
    expect(splitForHighlight('ok', matches, 'c')).toEqual([{ text: 'ok' }]);
  });
});
