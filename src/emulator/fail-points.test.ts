import { describe, expect, it } from 'vitest';
import { CursorRegistry } from './context';
import { FailPoints } from './fail-points';

describe('FailPoints', () => {
  it('adds the labels a server would when none are configured', () => {
    const points = new FailPoints();
    points.configure({
      configureFailPoint: 'failCommand',
      mode: 'alwaysOn',
      data: { failCommands: ['getMore', 'insert', 'find'], errorCode: 6 },
    });
    expect(points.check('getMore', undefined)?.error?.labels).toEqual([
      'ResumableChangeStreamError',
    ]);
    expect(points.check('insert', undefined, true)?.error?.labels).toEqual(['RetryableWriteError']);
    expect(points.check('insert', undefined, false)?.error?.labels).toEqual([]);
    expect(points.check('find', undefined)?.error?.labels).toEqual([]);
    expect(points.check('ping', undefined)).toBeUndefined();
  });

  it('rejects unknown fail points and bad modes, changing nothing', () => {
    const points = new FailPoints();
    expect(() => points.configure({ configureFailPoint: 'other', mode: 'alwaysOn' })).toThrow(
      /Unknown fail point/,
    );
    expect(() =>
      points.configure({
        configureFailPoint: 'failCommand',
        mode: { times: -1 },
        data: { failCommands: ['find'] },
      }),
    ).toThrow(/mode/);
    expect(() =>
      points.configure({ configureFailPoint: 'failCommand', mode: 'alwaysOn', data: {} }),
    ).toThrow(/failCommands/);
    expect(points.check('find', undefined)).toBeUndefined();
  });
});

describe('CursorRegistry', () => {
  it('drops cursors left idle past the timeout when a new one is made', () => {
    const cursors = new CursorRegistry(-1);
    const id = cursors.allocateId();
    cursors.add({ kind: 'docs', id, ns: 'd.c', docs: [], offset: 0 });
    expect(cursors.has(id)).toBe(true);
    cursors.allocateId();
    expect(cursors.has(id)).toBe(false);
  });
});
