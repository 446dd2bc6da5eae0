import { describe, expect, it } from 'vitest';
import { CursorRegistry } from './context';
import { FailPoints } from './fail-points';

describe('FailPoints', () => {
  it('adds the labels a server would when none are configured', () => {
    const points = new FailPoints();
    points.configure({
      configureFailPoint: 'failCommand',
      mode: 'alwaysOn',
      data: { failCommands: ['getMore', 'insert', 'find', 'aggregate'], errorCode: 6 },
    });
    // failCommand fires before a getMore checks out its cursor: not known as a change stream.
    expect(points.check('getMore', undefined)?.error?.labels).toEqual([]);
    expect(points.check('aggregate', undefined, { changeStream: true })?.error?.labels).toEqual([
      'ResumableChangeStreamError',
    ]);
    expect(points.check('aggregate', undefined)?.error?.labels).toEqual([]);
    expect(points.check('insert', undefined, { retryableWrite: true })?.error?.labels).toEqual([
      'RetryableWriteError',
    ]);
    expect(points.check('insert', undefined)?.error?.labels).toEqual([]);
    expect(points.check('find', undefined)?.error?.labels).toEqual([]);
    expect(points.check('ping', undefined)).toBeUndefined();
  });

  it('uses the configured errorLabels instead of its own', () => {
    const points = new FailPoints();
    points.configure({
      configureFailPoint: 'failGetMoreAfterCursorCheckout',
      mode: 'alwaysOn',
      data: { errorCode: 6, errorLabels: [] },
    });
    expect(points.afterCursorCheckout(undefined, true)?.labels).toEqual([]);
  });

  it('failGetMoreAfterCursorCheckout labels resumable codes on change streams only', () => {
    const points = new FailPoints();
    const labelsFor = (errorCode: number | undefined, changeStream: boolean) => {
      points.configure({
        configureFailPoint: 'failGetMoreAfterCursorCheckout',
        mode: { times: 1 },
        data: errorCode === undefined ? {} : { errorCode },
      });
      const error = points.afterCursorCheckout(undefined, changeStream);
      return [error?.code, error?.labels];
    };
    expect(labelsFor(6, true)).toEqual([6, ['ResumableChangeStreamError']]);
    expect(labelsFor(234, true)).toEqual([234, ['ResumableChangeStreamError']]);
    expect(labelsFor(6, false)).toEqual([6, []]);
    expect(labelsFor(50, true)).toEqual([50, []]);
    expect(labelsFor(43, true)).toEqual([43, []]);
    expect(labelsFor(undefined, true)).toEqual([1, []]);
    expect(points.afterCursorCheckout(undefined, true)).toBeUndefined(); // times: 1 used up
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

  it('onPrimaryTransactionalWrite: closes by default, fails with the code, counts statements', () => {
    const points = new FailPoints();
    points.configure({
      configureFailPoint: 'onPrimaryTransactionalWrite',
      mode: { times: 2 },
      data: { failBeforeCommitExceptionCode: 91 },
    });
    expect(points.check('insert', undefined)).toBeUndefined(); // not a failCommand
    const first = points.transactionalWrite('insert', undefined);
    expect(first?.closeConnection).toBe(true);
    expect(first?.error?.code).toBe(91);
    expect(points.transactionalWrite('findAndModify', undefined)?.error?.code).toBe(91);
    expect(points.transactionalWrite('update', undefined)).toBeUndefined();
    points.configure({
      configureFailPoint: 'onPrimaryTransactionalWrite',
      mode: 'alwaysOn',
      data: { closeConnection: false },
    });
    expect(points.transactionalWrite('delete', undefined)).toEqual({ closeConnection: false });
    expect(points.transactionalWrite('find', undefined)).toBeUndefined();
  });

  it('onPrimaryTransactionalWrite refuses data of the wrong types', () => {
    const points = new FailPoints();
    const configure = (data: object) =>
      points.configure({
        configureFailPoint: 'onPrimaryTransactionalWrite',
        mode: 'alwaysOn',
        data,
      });
    expect(() => configure({ closeConnection: 'yes' })).toThrow(
      /closeConnection must be a boolean/,
    );
    expect(() => configure({ failBeforeCommitExceptionCode: '1' })).toThrow(
      /failBeforeCommitExceptionCode must be a number/,
    );
    expect(points.transactionalWrite('insert', undefined)).toBeUndefined();
  });
});
