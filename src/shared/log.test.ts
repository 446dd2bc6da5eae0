import { describe, expect, it } from 'vitest';
import {
  createLogger,
  formatLogLine,
  redact,
  redactText,
  silentLogger,
  type LogRecord,
} from './log';

const fixed = () => new Date('2026-11-26T20:00:00.000Z');

function capture(level?: 'debug' | 'info' | 'warn' | 'error') {
  const records: LogRecord[] = [];
  const logger = createLogger({ sink: (r) => records.push(r), level, now: fixed, scope: 'test' });
  return { logger, records };
}

describe('redactText', () => {
  it.each([
    ['mongodb://app:s3cret@db:27017/cc', 'mongodb://app:***@db:27017/cc'],
    ['mongodb+srv://app:s3cret@cluster.example/x', 'mongodb+srv://app:***@cluster.example/x'],
    ['mongodb://app:p@ss@db1,db2/cc?replicaSet=rs0', 'mongodb://app:***@db1,db2/cc?replicaSet=rs0'],
    ['redis://:pw@cache:6379', 'redis://:***@cache:6379'],
    ['two: http://a:x@h1/ and https://b:y@h2/', 'two: http://a:***@h1/ and https://b:***@h2/'],
    ['no password: mongodb://db:27017/cc', 'no password: mongodb://db:27017/cc'],
    ['a path with @: http://host:8080/a@b', 'a path with @: http://host:8080/a@b'],
    ['a query with @: https://host?to=a@b', 'a query with @: https://host?to=a@b'],
    ['plain text', 'plain text'],
  ])('%s', (input, output) => {
    expect(redactText(input)).toBe(output);
  });
});

describe('redact', () => {
  it('hides secret-named keys and passwords in URIs, at any depth it walks', () => {
    expect(
      redact({
        token: 'abc',
        authToken: 'abc',
        Authorization: 'Bearer x',
        password: '',
        secret: null,
        nested: { apiKey: 'k', uri: 'mongodb://u:pw@h/db', list: [{ cookie: 'c' }] },
        count: 3,
      }),
    ).toEqual({
      token: '***',
      authToken: '***',
      Authorization: '***',
      password: '',
      secret: null,
      nested: { apiKey: '***', uri: 'mongodb://u:***@h/db', list: [{ cookie: '***' }] },
      count: 3,
    });
  });

  it('cuts what is nested too deep instead of passing it through unredacted', () => {
    const deep = { a: { b: { c: { d: { e: { f: { g: { h: { token: 'leak' } } } } } } } } };
    expect(JSON.stringify(redact(deep))).not.toContain('leak');
    const circular: Record<string, unknown> = { name: 'x' };
    circular.self = circular;
    expect(() => JSON.stringify(redact(circular))).not.toThrow();
  });

  it('keeps an Error to its name and redacted message', () => {
    expect(redact(new TypeError('cannot reach mongodb://u:pw@db'))).toEqual({
      name: 'TypeError',
      message: 'cannot reach mongodb://u:***@db',
    });
  });

  it('turns Dates and BigInts into printable values', () => {
    expect(redact({ at: new Date(0), n: 10n })).toEqual({
      at: '1970-01-01T00:00:00.000Z',
      n: '10',
    });
  });

  it('keeps a __proto__ key as data without touching prototypes', () => {
    const hostile = JSON.parse('{"__proto__": {"token": "x", "polluted": true}}') as unknown;
    const out = redact(hostile) as Record<string, unknown>;
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.keys(out)).toEqual(['__proto__']);
    expect(JSON.stringify(out)).toBe('{"__proto__":{"token":"***","polluted":true}}');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('createLogger', () => {
  it('filters by level and writes structured records', () => {
    const { logger, records } = capture('warn');
    logger.debug('d');
    logger.info('i');
    logger.warn('w', { attempt: 2 });
    logger.error('e');
    expect(records).toEqual([
      { attempt: 2, time: '2026-11-26T20:00:00.000Z', level: 'warn', scope: 'test', msg: 'w' },
      { time: '2026-11-26T20:00:00.000Z', level: 'error', scope: 'test', msg: 'e' },
    ]);
  });

  it('defaults to info, redacts message and fields, and fields cannot overwrite core keys', () => {
    const { logger, records } = capture();
    logger.debug('hidden');
    logger.info('connecting to mongodb://u:pw@db', { token: 't', level: 'debug', msg: 'x' });
    expect(records).toEqual([
      {
        token: '***',
        time: '2026-11-26T20:00:00.000Z',
        level: 'info',
        scope: 'test',
        msg: 'connecting to mongodb://u:***@db',
      },
    ]);
  });

  it('children extend the scope', () => {
    const { logger, records } = capture();
    logger.child('feed').child('remote').info('up');
    expect(records[0]!.scope).toBe('test:feed:remote');
  });

  it('the silent logger writes nowhere and does not throw', () => {
    expect(() => silentLogger.error('x', { a: 1 })).not.toThrow();
  });
});

describe('formatLogLine', () => {
  it('prints one line with the fields as JSON', () => {
    const line = formatLogLine({
      time: '2026-11-26T20:00:00.000Z',
      level: 'warn',
      scope: 'cli',
      msg: 'slow',
      ms: 120,
    });
    expect(line).toBe('2026-11-26T20:00:00.000Z WARN  [cli] slow {"ms":120}');
  });

  it('survives fields JSON cannot print', () => {
    const line = formatLogLine({ time: 't', level: 'info', scope: 's', msg: 'm', n: 1n });
    expect(line).toBe('t INFO  [s] m [fields not printable]');
  });
});
