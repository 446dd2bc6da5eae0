import { describe, expect, it } from 'vitest';
import { installFailurePolicy, type FailureKind, type ProcessLike } from './failure-policy';

/** The two events of a process, as a plain emitter (this zone also runs in a browser). */
class FakeProcess implements ProcessLike {
  private readonly listeners = new Map<string, Set<(value: never) => void>>();
  on(event: string, listener: (value: never) => void) {
    if (!this.listeners.has(event)) this.listeners.set(event, new Set());
    this.listeners.get(event)!.add(listener);
    return this;
  }
  off(event: string, listener: (value: never) => void) {
    this.listeners.get(event)?.delete(listener);
    return this;
  }
  emit(event: string, value: unknown) {
    for (const listener of this.listeners.get(event) ?? []) listener(value as never);
  }
  listenerCount(event: string) {
    return this.listeners.get(event)?.size ?? 0;
  }
}

describe('failure policy', () => {
  it('exit: says what happened once and exits 70', () => {
    const target = new FakeProcess();
    const written: string[] = [];
    const exits: number[] = [];
    installFailurePolicy(target, {
      mode: 'exit',
      name: 'callboard',
      stderr: (t) => written.push(t),
      exit: (c) => exits.push(c),
    });
    target.emit('unhandledRejection', new Error('disk full'));
    target.emit('uncaughtException', new Error('second'));
    expect(exits).toEqual([70]);
    expect(written).toHaveLength(1);
    expect(written[0]).toMatch(
      /^callboard: internal error \(unhandled rejection\), exiting with code 70: Error: disk full\n/,
    );
  });

  it('recover: reports each one and goes on; uninstalling removes the listeners', () => {
    const target = new FakeProcess();
    const seen: [FailureKind, unknown][] = [];
    const remove = installFailurePolicy(target, {
      mode: 'recover',
      report: (kind, error) => seen.push([kind, error]),
    });
    target.emit('unhandledRejection', 'a string');
    target.emit('uncaughtException', new Error('x'));
    expect(seen.map(([kind]) => kind)).toEqual(['unhandled rejection', 'uncaught exception']);
    remove();
    expect(target.listenerCount('unhandledRejection')).toBe(0);
    expect(target.listenerCount('uncaughtException')).toBe(0);
  });
});
