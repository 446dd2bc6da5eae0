import type { TranscriptTurn } from '../../../shared/protocol/transcript';

/** One occurrence of the search text inside a turn's message. */
export interface TranscriptMatch {
  turnId: string;
  start: number;
  end: number;
}

/** Every occurrence of `query` (case-insensitive, not overlapping), in the turns' order. */
export function findInTranscript(
  turns: readonly TranscriptTurn[],
  query: string,
): TranscriptMatch[] {
  const needle = query.trim().toLocaleLowerCase();
  if (needle === '') return [];
  const matches: TranscriptMatch[] = [];
  for (const turn of turns) {
    const text = turn.message.toLocaleLowerCase();
    // Lower-casing can change a string's length (e.g. "İ"): then match on the message as is.
    const haystack = text.length === turn.message.length ? text : turn.message;
    let from = 0;
    for (;;) {
      const at = haystack.indexOf(needle, from);
      if (at < 0) break;
      matches.push({ turnId: turn.id, start: at, end: at + needle.length });
      from = at + needle.length;
    }
  }
  return matches;
}

export interface TextPart {
  text: string;
  /** Index into the matches list when this part is a match. */
  match?: number;
}

/** A message cut into plain and matching parts, for <mark>. */
export function splitForHighlight(
  message: string,
  matches: readonly TranscriptMatch[],
  turnId: string,
): TextPart[] {
  const parts: TextPart[] = [];
  let at = 0;
  matches.forEach((m, index) => {
    if (m.turnId !== turnId) return;
    if (m.start > at) parts.push({ text: message.slice(at, m.start) });
    parts.push({ text: message.slice(m.start, m.end), match: index });
    at = m.end;
  });
  if (at < message.length || parts.length === 0) parts.push({ text: message.slice(at) });
  return parts;
}
