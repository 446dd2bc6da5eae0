import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../shared/log';
import { createFileSink } from './file-sink';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'callboard-log-'));
});
afterEach(async () => rm(dir, { recursive: true, force: true }));

describe('file log sink', () => {
  it('writes one JSON line per record, with secrets redacted by the logger', async () => {
    const file = join(dir, 'logs', 'callboard.log');
    const logger = createLogger({ sink: createFileSink(file).sink, scope: 'main' });
    logger.info('connected', { uri: 'mongodb://app:hunter2@db:27017', token: 'abc' });
    const lines = (await readFile(file, 'utf8')).trim().split('\n');
    expect(lines).toHaveLength(1);
    const record = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(record).toMatchObject({ level: 'info', scope: 'main', msg: 'connected', token: '***' });
    expect(lines[0]).not.toContain('hunter2');
  });

  it('rotates to .1 past the size limit', async () => {
    const file = join(dir, 'callboard.log');
    const logger = createLogger({ sink: createFileSink(file, { maxBytes: 300 }).sink });
    for (let i = 0; i < 10; i += 1) logger.info(`line ${i}`);
    const current = await readFile(file, 'utf8');
    const previous = await readFile(`${file}.1`, 'utf8');
    expect(current.length).toBeLessThanOrEqual(300);
    expect(previous.length).toBeGreaterThan(0);
    expect(current).toContain('line 9');
  });

  it('keeps one descriptor open across lines, reopening only to rotate', async () => {
    const file = join(dir, 'callboard.log');
    const sink = createFileSink(file, { maxBytes: 400 });
    const logger = createLogger({ sink: sink.sink });
    const before = (await readdir('/proc/self/fd')).length;
    for (let i = 0; i < 50; i += 1) logger.info(`line ${i}`);
    const during = (await readdir('/proc/self/fd')).length;
    expect(during - before).toBe(1);
    sink.close();
    expect((await readdir('/proc/self/fd')).length).toBe(before);
    logger.info('after close');
    expect(await readFile(file, 'utf8')).toContain('line 49');
    expect(await readFile(file, 'utf8')).not.toContain('after close');
  });

  it('appends to the file a previous run left, counting its size', async () => {
    const file = join(dir, 'callboard.log');
    await writeFile(file, 'x'.repeat(250) + '\n');
    const sink = createFileSink(file, { maxBytes: 300 });
    createLogger({ sink: sink.sink }).info('next run');
    sink.close();
    expect(await readFile(`${file}.1`, 'utf8')).toBe('x'.repeat(250) + '\n');
    expect(await readFile(file, 'utf8')).toContain('next run');
  });
});
