import { PerformanceObserver } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { collectProcessMetrics } from './process-metrics';
import { parseMetrics } from './scrape.test-support';

const monitorTick = () => new Promise((resolve) => setTimeout(resolve, 20));

/**
 * Blocks the event loop for `ms` between two turns of timers: the monitor samples every 10 ms
 * and measures from its previous sample (which a scrape's reset forgets).
 */
async function blockEventLoop(ms: number): Promise<void> {
  await monitorTick();
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // busy: nothing else can run, which is the point
  }
  await monitorTick();
}

/** The worst event-loop delay the registry's monitor saw since its last scrape (seconds). */
async function lagMax(registry: Registry): Promise<number> {
  return parseMetrics(await registry.metrics()).value('nodejs_eventloop_lag_max_seconds')!;
}

describe('collectProcessMetrics', () => {
  it("stops prom-client's event-loop monitor: a stall no longer shows once stopped", async () => {
    const registry = new Registry();
    const stop = collectProcessMetrics(registry);
    try {
      await lagMax(registry); // the scrape resets the monitor's window
      await blockEventLoop(120);
      expect(await lagMax(registry)).toBeGreaterThanOrEqual(0.1);
    } finally {
      stop();
    }
    await lagMax(registry);
    await blockEventLoop(120);
    expect(await lagMax(registry)).toBe(0);
  });

  it("disconnects prom-client's GC observer: a collection no longer counts once stopped", async () => {
    // A collection on demand, without starting the test process with --expose-gc.
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    /** Collects, and resolves once GC observers have been told (ours is told with the others). */
    const collect = () =>
      new Promise<void>((resolve) => {
        const ours = new PerformanceObserver(() => {
          ours.disconnect();
          setImmediate(resolve);
        });
        ours.observe({ entryTypes: ['gc'] });
        gc();
      });
    const collections = async (registry: Registry) =>
      parseMetrics(await registry.metrics()).value(
        'nodejs_gc_duration_seconds_count{kind="major"}',
      ) ?? 0;

    const registry = new Registry();
    const stop = collectProcessMetrics(registry);
    try {
      const before = await collections(registry);
      await collect();
      expect(await collections(registry)).toBeGreaterThan(before);
    } finally {
      stop();
    }
    const after = await collections(registry);
    await collect();
    expect(await collections(registry)).toBe(after);
  });

  it('leaves node:perf_hooks as it found it, and stopping twice is harmless', async () => {
    const perfHooks = await import('node:perf_hooks');
    const before = [perfHooks.monitorEventLoopDelay, perfHooks.PerformanceObserver];
    const stop = collectProcessMetrics(new Registry());
    expect([perfHooks.monitorEventLoopDelay, perfHooks.PerformanceObserver]).toEqual(before);
    stop();
    stop();
  });

  it('gives each registry its own set, so two servers in a process do not collide', async () => {
    const first = new Registry();
    const second = new Registry();
    const stops = [collectProcessMetrics(first), collectProcessMetrics(second)];
    try {
      for (const registry of [first, second]) {
        const m = parseMetrics(await registry.metrics());
        expect(m.type('process_cpu_user_seconds_total')).toBe('counter');
        expect(m.value('process_start_time_seconds')).toBeGreaterThan(0);
      }
    } finally {
      for (const stop of stops) stop();
    }
  });
});
