import perfHooks, { type IntervalHistogram } from 'node:perf_hooks';
import { collectDefaultMetrics, type Registry } from 'prom-client';

/** The two members of `node:perf_hooks` that prom-client's default metrics start monitors with. */
interface MonitorFactories {
  monitorEventLoopDelay: typeof perfHooks.monitorEventLoopDelay;
  PerformanceObserver: typeof perfHooks.PerformanceObserver;
}

/**
 * prom-client's default metrics (process CPU, memory, file descriptors, handles, GC, heap,
 * event-loop lag) in `registry`, under their standard unprefixed names (`process_*`,
 * `nodejs_*`, as the usual Node.js dashboards expect). Returns what stops them.
 *
 * Two of them start monitors that run until stopped: the event-loop lag a
 * `monitorEventLoopDelay` histogram (a timer sampling every 10 ms), the GC durations a
 * `PerformanceObserver`. prom-client 15 keeps both to itself and offers no way to stop them
 * (siimon/prom-client#494, #500), so a server that stopped would leave them running, one pair
 * per server ever started in the process. They are created synchronously inside
 * `collectDefaultMetrics`, so this wraps the two factories of the (shared) `node:perf_hooks`
 * module for the duration of that call, keeps what they return, and puts them back before
 * anything else can run.
 */
export function collectProcessMetrics(registry: Registry): () => void {
  const hooks = perfHooks as MonitorFactories;
  const original: MonitorFactories = {
    monitorEventLoopDelay: hooks.monitorEventLoopDelay,
    PerformanceObserver: hooks.PerformanceObserver,
  };
  const delayMonitors: IntervalHistogram[] = [];
  const observers: InstanceType<typeof perfHooks.PerformanceObserver>[] = [];
  hooks.monitorEventLoopDelay = (options) => {
    const monitor = original.monitorEventLoopDelay(options);
    delayMonitors.push(monitor);
    return monitor;
  };
  hooks.PerformanceObserver = class extends original.PerformanceObserver {
    constructor(...args: ConstructorParameters<typeof perfHooks.PerformanceObserver>) {
      super(...args);
      observers.push(this);
    }
  };
  try {
    collectDefaultMetrics({ register: registry });
  } finally {
    hooks.monitorEventLoopDelay = original.monitorEventLoopDelay;
    hooks.PerformanceObserver = original.PerformanceObserver;
  }
  let stopped = false;
  return () => {
    if (stopped) return;
    stopped = true;
    for (const monitor of delayMonitors) monitor.disable();
    for (const observer of observers) observer.disconnect();
  };
}
