import type { SortDirection } from '../store/types';

export type SortValue = string | number;

export interface SortedRow {
  id: string;
  value: SortValue;
}

/** The table's order: by value in the chosen direction, ties by id ascending (stable). */
export function compareRows(a: SortedRow, b: SortedRow, sign: 1 | -1): number {
  const order = a.value < b.value ? -1 : a.value > b.value ? 1 : 0;
  if (order !== 0) return sign * order;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/**
 * Rows kept in table order, updated in place: removing or inserting one row is a binary search
 * plus one splice, so k changed calls cost O(k log n) comparisons instead of a full re-sort.
 * The caller remembers each row's value (the structure needs it to find the row again).
 */
export interface SortedRows {
  readonly rows: readonly SortedRow[];
  /** Inserts a row; returns its index. The id must not be present. */
  insert(row: SortedRow): number;
  /** Removes the row with this id and value; returns its former index, or -1 if absent. */
  remove(row: SortedRow): number;
  ids(): string[];
}

export function createSortedRows(direction: SortDirection, initial: SortedRow[] = []): SortedRows {
  const sign = direction === 'asc' ? 1 : -1;
  const rows = initial;
  rows.sort((a, b) => compareRows(a, b, sign));
  /** First index whose row does not sort before `row`. */
  const lowerBound = (row: SortedRow): number => {
    let lo = 0;
    let hi = rows.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareRows(rows[mid] as SortedRow, row, sign) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  return {
    rows,
    insert(row) {
      const at = lowerBound(row);
      rows.splice(at, 0, row);
      return at;
    },
    remove(row) {
      const at = lowerBound(row);
      const found = rows[at];
      if (!found || found.id !== row.id) return -1;
      rows.splice(at, 1);
      return at;
    },
    ids: () => rows.map((r) => r.id),
  };
}
