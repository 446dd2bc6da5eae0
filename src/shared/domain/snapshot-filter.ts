import type { StatusRule } from './lifecycle';

/**
 * The snapshot's MongoDB filter for one rule: "status is not a known ended spelling". It is
 * index-friendly (`$nin` on an indexed field gives index bounds that skip the ended values,
 * which are nearly all of a production `calls` collection), and it only ever excludes
 * documents the rule itself calls ended. Spellings it does not list (` Completed `, `dOnE`)
 * come back and are dropped in code by the same rule, so the snapshot is exactly the set the
 * stream shows (see snapshot-filter.property.test.ts and the watch-stream property test).
 */
export function snapshotFilter(rule: StatusRule, field = 'status'): Record<string, unknown> {
  return { [field]: { $nin: endedSpellings(rule) } };
}

/** The usual spellings of each ended value: lower, UPPER, Capitalised, Title, `-` `_` ` `. */
export function endedSpellings(rule: StatusRule): string[] {
  const out = new Set<string>();
  for (const value of rule.endedValues()) {
    const words = value.split('-');
    for (const sep of ['-', '_', ' ']) {
      const lower = words.join(sep);
      out.add(lower);
      out.add(lower.toUpperCase());
      out.add(lower.charAt(0).toUpperCase() + lower.slice(1));
      out.add(words.map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join(sep));
    }
  }
  // Safety net: every listed spelling must be one the rule ends (else the query would hide
  // a document the stream shows).
  return [...out].filter((spelling) => rule.of(spelling).phase === 'ended').sort();
}
