import { describe, expect, it } from 'vitest';
import { Emitter } from './emitter';

describe('Emitter', () => {
  it('calls each listener in order; the disposer removes it, twice is harmless', () => {
    const events = new Emitter<number>();
    const seen: string[] = [];
    const offA = events.on((n) => seen.push(`a${n}`));
    events.on((n) => seen.push(`b${n}`));
    events.emit(1);
    offA();
    offA();
    events.emit(2);
    expect(seen).toEqual(['a1', 'b1', 'b2']);
    expect(events.size).toBe(1);
  });

  it('a listener that throws is reported, and the others still run', () => {
    const errors: unknown[] = [];
    const events = new Emitter<string>((e) => errors.push(e));
    const seen: string[] = [];
    events.on(() => {
      throw new Error('boom');
    });
    events.on((s) => seen.push(s));
    events.emit('x');
    expect(seen).toEqual(['x']);
    expect(errors).toEqual([new Error('boom')]);
  });

  it('a listener removed or added during an emit takes effect from the next one', () => {
    const events = new Emitter<number>();
    const seen: string[] = [];
    let offB = () => {};
    events.on((n) => {
      seen.push(`a${n}`);
      offB();
      events.on((m) => seen.push(`c${m}`));
    });
    offB = events.on((n) => seen.push(`b${n}`));
    events.emit(1);
    expect(seen).toEqual(['a1', 'b1']);
  });
});
