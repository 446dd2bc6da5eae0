/**
 * One event's listeners, the one way Callboard registers them (VS Code's `Event<T>`): `on`
 * returns the disposer; `emit` calls every listener registered when it starts, in order, and
 * a listener that throws is reported to `onError` without stopping the others.
 */
export type Listener<T> = (value: T) => void;
export type Disposer = () => void;

export class Emitter<T> {
  private readonly listeners = new Set<Listener<T>>();

  constructor(private readonly onError: (error: unknown) => void = () => {}) {}

  /** Registers `listener`; call what it returns to remove it (idempotent). */
  readonly on = (listener: Listener<T>): Disposer => {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  };

  emit(value: T): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(value);
      } catch (error) {
        this.onError(error);
      }
    }
  }

  get size(): number {
    return this.listeners.size;
  }

  /** Removes every listener (the owner is done). */
  clear(): void {
    this.listeners.clear();
  }
}
