/** A bounded ring of the last `capacity` entries with consecutive sequence numbers. */
export class ReplayRing<T extends { seq: number }> {
  private readonly items: (T | undefined)[];
  private start = 0;
  private length = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`replay ring capacity must be a positive integer, got ${capacity}`);
    }
    this.items = new Array<T | undefined>(capacity);
  }

  get size(): number {
    return this.length;
  }

  /** Seq of the oldest entry held, or null when empty. */
  get oldestSeq(): number | null {
    return this.length === 0 ? null : this.items[this.start]!.seq;
  }

  push(item: T): void {
    const index = (this.start + this.length) % this.capacity;
    this.items[index] = item;
    if (this.length < this.capacity) this.length += 1;
    else this.start = (this.start + 1) % this.capacity;
  }

  clear(): void {
    this.items.fill(undefined);
    this.start = 0;
    this.length = 0;
  }

  /**
   * Entries with seq > `after`, oldest first, when the ring still holds all of them
   * (`currentSeq` is the seq of the newest change made, held or not); null when some are gone.
   */
  after(after: number, currentSeq: number): T[] | null {
    if (after > currentSeq) return null;
    if (after === currentSeq) return [];
    const oldest = this.oldestSeq;
    if (oldest === null || oldest > after + 1) return null;
    const out: T[] = [];
    for (let i = 0; i < this.length; i++) {
      const item = this.items[(this.start + i) % this.capacity]!;
      if (item.seq > after) out.push(item);
    }
    return out;
  }
}
