import { isMap } from 'immutable';
import type { Entries } from './types';

/**
 * The entries a figure or rule reads: the feed state's persistent map (the monitor core), a
 * key -> entry record (the renderer's store) or any iterable of entries.
 */
export type EntryCollection<E> = Entries<E> | Iterable<E> | Readonly<Record<string, E>>;

/** The entries of any EntryCollection, once each. */
export function entriesOf<E>(entries: EntryCollection<E>): Iterable<E> {
  if (isMap(entries)) return (entries as Entries<E>).values();
  return Symbol.iterator in entries
    ? (entries as Iterable<E>)
    : Object.values(entries as Readonly<Record<string, E>>);
}
