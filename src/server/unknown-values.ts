import { shortStatus } from '../shared/domain/lifecycle';
import type { StreamName } from '../shared/protocol/events';

/** One status value no mapping knows, as admins see it (/healthz, /metrics). */
export interface UnknownValue {
  stream: StreamName;
  /** The value as written, trimmed; `(other)` gathers values beyond the named limit. */
  value: string;
  /** Documents seen with it (each version of a document counts). */
  count: number;
}

export const OTHER_VALUES = '(other)';

/**
 * The distinct unknown status values seen, per stream, with a bound on how many are named
 * (a writer that puts ids in `status` must not grow memory or a metric's label set): beyond
 * `maxNamed`, values are counted together as `(other)`.
 */
export class UnknownValues {
  private readonly seen: Record<StreamName, Map<string, number>> = {
    calls: new Map(),
    campaigns: new Map(),
  };

  constructor(private readonly maxNamed = 50) {}

  /** Counts one document with `value`; true the first time the value is named. */
  note(stream: StreamName, written: string): boolean {
    // Cut: a status is a word, and it ends up in logs and metric labels.
    const value = shortStatus(written);
    const seen = this.seen[stream];
    const count = seen.get(value);
    if (count !== undefined) {
      seen.set(value, count + 1);
      return false;
    }
    const named = [...seen.keys()].filter((v) => v !== OTHER_VALUES).length;
    if (named < this.maxNamed) {
      seen.set(value, 1);
      return true;
    }
    seen.set(OTHER_VALUES, (seen.get(OTHER_VALUES) ?? 0) + 1);
    return false;
  }

  list(): UnknownValue[] {
    return (Object.keys(this.seen) as StreamName[]).flatMap((stream) =>
      [...this.seen[stream]].map(([value, count]) => ({ stream, value, count })),
    );
  }
}
