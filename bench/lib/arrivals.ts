/**
 * Per client: when did its state first hold each write of the trace? A write (key, seq) is held
 * once the client's state has a version of that key with benchSeq >= seq (a coalescing server
 * may deliver only the newest version; that version holds the older writes too), or once the
 * key left the client's state because the call ended (a terminal status is a key's last write).
 */
export class ArrivalTracker {
  /** Arrival time (ms since `origin`) per seq; NaN until held. Index 0 unused. */
  readonly arrivals: Float32Array;
  private readonly next = new Map<string, number>();
  private held = 0;

  constructor(
    private readonly seqsByKey: ReadonlyMap<string, readonly number[]>,
    private readonly totalOps: number,
    private readonly origin: number,
  ) {
    this.arrivals = new Float32Array(totalOps + 1).fill(Number.NaN);
  }

  /** The client's state now holds `key` at `seq` (its benchSeq). */
  observe(key: string, seq: number, now: number): void {
    const seqs = this.seqsByKey.get(key);
    if (!seqs) return;
    let i = this.next.get(key) ?? 0;
    const at = now - this.origin;
    while (i < seqs.length && (seqs[i] as number) <= seq) {
      this.arrivals[seqs[i] as number] = at;
      this.held++;
      i++;
    }
    this.next.set(key, i);
  }

  /** The key left the client's state as terminal: every write to it is held. */
  observeRemoval(key: string, now: number): void {
    this.observe(key, Number.POSITIVE_INFINITY, now);
  }

  /** Writes held so far. */
  get heldCount(): number {
    return this.held;
  }

  /** Whether every write of the trace is held (each seq is counted once, so a count will do). */
  isComplete(): boolean {
    return this.held === this.totalOps;
  }

  /**
   * Latency (ms) of every held write, given each write's send time (ms since the same origin);
   * and how many writes were never held.
   */
  latencies(
    writtenAt: Float64Array,
    upToSeq = this.totalOps,
    /** Writes up to this seq count as missing or not, but give no latency (warm-up). */
    warmupSeq = 0,
  ): { values: number[]; missing: number } {
    const values: number[] = [];
    let missing = 0;
    for (let s = 1; s <= upToSeq; s++) {
      const arrived = this.arrivals[s] as number;
      if (Number.isNaN(arrived)) missing++;
      else if (s > warmupSeq) values.push(Math.max(0, arrived - (writtenAt[s] as number)));
    }
    return { values, missing };
  }
}

export interface StateDiff {
  /** Keys the database has that the client lacks. */
  missing: number;
  /** Keys the client holds at an older write than the database. */
  stale: number;
  /** Keys the client holds that the database does not (ended calls still shown). */
  extra: number;
  equal: boolean;
}

/** Compares a client's final state (key -> benchSeq) with the database's. */
export function compareStates(
  expected: ReadonlyMap<string, number>,
  actual: ReadonlyMap<string, number>,
): StateDiff {
  let missing = 0;
  let stale = 0;
  let extra = 0;
  for (const [key, seq] of expected) {
    const held = actual.get(key);
    if (held === undefined) missing++;
    else if (held !== seq) stale++;
  }
  for (const key of actual.keys()) if (!expected.has(key)) extra++;
  return { missing, stale, extra, equal: missing === 0 && stale === 0 && extra === 0 };
}
