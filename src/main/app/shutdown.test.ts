import { describe, expect, it } from 'vitest';
import { createLogger, type LogRecord } from '../../shared/log';
import { createShutdown } from './shutdown';

describe('shutdown', () => {
  it('closes in reverse order, survives a failing closer, and runs once', async () => {
    const records: LogRecord[] = [];
    const shutdown = createShutdown(createLogger({ sink: (r) => records.push(r) }), 1_000);
    const order: string[] = [];
    shutdown.add('feed', async () => void order.push('feed'));
    shutdown.add('broken', () => {
      throw new Error('boom');
    });
    shutdown.add('tray', () => void order.push('tray'));
    await Promise.all([shutdown.run(), shutdown.run()]);
    expect(order).toEqual(['tray', 'feed']);
    expect(records.some((r) => r.msg === 'broken failed to close')).toBe(true);
  });

  it('does not wait forever for a stuck closer', async () => {
    const records: LogRecord[] = [];
    const shutdown = createShutdown(createLogger({ sink: (r) => records.push(r) }), 20);
    shutdown.add('stuck', () => new Promise(() => {}));
    await shutdown.run();
    expect(records.map((r) => r.msg)).toContain('stuck did not close within 20 ms');
  });
});
