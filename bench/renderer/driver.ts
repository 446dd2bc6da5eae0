/**
 * Injected into the page before its scripts (page.addInitScript), for both renderers:
 * - `callboard`: defines `window.callboard` (the CallboardApi the preload would expose) with a
 *   snapshot of `calls` active calls; updates arrive as MonitorDeltas, one per `batchMs`
 *   holding every update of that window, as the monitor core batches them;
 * - `baseline`: defines `window.benchFeed`, a socket-like source that delivers one event per
 *   update, each in its own task, as Socket.IO messages arrive.
 * Deliveries go through a MessageChannel, so each is a separate task with a structured-clone
 * copy, like an IPC or WebSocket message.
 *
 * `window.__bench.run(rate, durationMs)` drives `rate` row updates per second and measures
 * frame intervals (requestAnimationFrame) and long tasks. This function is serialised into
 * the page: it must not use anything from its module scope.
 */
export interface DriverConfig {
  mode: 'callboard' | 'baseline';
  calls: number;
  campaigns: number;
  batchMs: number;
  /** callboard only: ended calls in the recent window, with ElevenLabs-shaped outcomes. */
  recent: number;
  /** Distinct agents across the active and recent calls (the Agents panel's rows). */
  agents: number;
}

export interface DriverRunResult {
  frames: number[];
  longTasks: number[];
  sent: number;
  delivered: number;
  /** Updates still queued when the run ended. */
  backlog: number;
  heapUsed: number | null;
}

export function installBenchDriver(config: DriverConfig): void {
  type Doc = Record<string, unknown>;
  let seed = 20261126;
  const random = () => {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    return seed / 4294967296;
  };
  const statuses = ['initiated', 'queued', 'ringing', 'in-progress'];
  const started = Date.now();
  const calls: Doc[] = [];
  for (let i = 0; i < config.calls; i++) {
    calls.push({
      callSid: `CA${i.toString(16).padStart(10, '0')}`,
      status: statuses[3 - (i % 4)],
      to: `+1555${String(Math.floor(random() * 1e7)).padStart(7, '0')}`,
      from: '+15550000000',
      contactName: `Contact ${i}`,
      startTime: new Date(started - Math.floor(random() * 600_000)).toISOString(),
      duration: Math.floor(random() * 600),
      agentId: `agent-${1 + (i % config.agents)}`,
      campaignId: `CMP${String(1 + (i % config.campaigns)).padStart(4, '0')}`,
    });
  }
  // Ended calls with their post-call analysis: each agent has its own success rate (a share
  // of failures rising with its number), criteria, AMD and cost, as the demo writes them.
  const verdicts = ['success', 'failure', 'unknown'];
  const recent: Doc[] = [];
  for (let i = 0; i < config.recent; i++) {
    const agent = 1 + (i % config.agents);
    const verdict =
      random() < 0.1 ? 'unknown' : random() < agent / (config.agents * 2) ? 'failure' : 'success';
    const ended = started - Math.floor(random() * 3_000_000);
    recent.push({
      callSid: `CR${i.toString(16).padStart(10, '0')}`,
      status: 'completed',
      to: `+1555${String(Math.floor(random() * 1e7)).padStart(7, '0')}`,
      contactName: `Ended ${i}`,
      agentId: `agent-${agent}`,
      campaignId: `CMP${String(1 + (i % config.campaigns)).padStart(4, '0')}`,
      startTime: new Date(ended - 120_000).toISOString(),
      endTime: new Date(ended).toISOString(),
      duration: 60 + Math.floor(random() * 240),
      // As the monitor core hands them over: read through the field mapping already.
      answeredBy: random() < 0.15 ? 'machine_end_beep' : 'human',
      callSuccessful: verdict,
      transcriptSummary: `Summary of call ${i}.`,
      evaluationCriteriaResults: {
        greeted: { result: verdict === 'failure' ? 'failure' : 'success' },
        booked: { result: verdict },
      },
      cost: 200 + Math.floor(random() * 800),
    });
  }
  const nextOutcome = (): Doc => {
    const index = Math.floor(random() * recent.length);
    const previous = recent[index] as Doc;
    const next = {
      ...previous,
      callSuccessful: verdicts[(verdicts.indexOf(previous.callSuccessful as string) + 1) % 3],
    };
    recent[index] = next;
    return next;
  };
  const campaigns: Doc[] = [];
  for (let i = 0; i < config.campaigns; i++) {
    campaigns.push({
      campaignId: `CMP${String(i + 1).padStart(4, '0')}`,
      name: `Campaign ${i + 1}`,
      status: 'running',
      totalCalls: 1000,
      completedCalls: 100,
      failedCalls: 10,
      inProgressCalls: Math.floor(config.calls / config.campaigns),
    });
  }
  const nextVersion = (): Doc => {
    const index = Math.floor(random() * calls.length);
    const previous = calls[index] as Doc;
    const status = previous.status as string;
    const next = {
      ...previous,
      status: statuses[(statuses.indexOf(status) + 1) % statuses.length],
      duration: Number(previous.duration) + 1,
      updatedAt: new Date().toISOString(),
    };
    calls[index] = next;
    return next;
  };

  const listeners = new Set<(value: unknown) => void>();
  const channel = new MessageChannel();
  let delivered = 0;
  channel.port1.onmessage = (event: MessageEvent<{ count: number; value: unknown }>) => {
    delivered += event.data.count;
    for (const listener of listeners) listener(event.data.value);
  };
  const w = window as unknown as Record<string, unknown>;
  if (config.mode === 'callboard') {
    const unavailable = async () => ({ ok: false, code: 'unavailable', message: 'benchmark' });
    const now = Date.now();
    const api = {
      getSnapshot: async () => ({
        ok: true,
        value: {
          calls: calls.map((call) => ({ call, receivedAt: now })),
          campaigns: campaigns.map((campaign) => ({ campaign, receivedAt: now })),
          recent: recent.map((call) => ({ call, receivedAt: now })),
          recentStatus: { status: 'live' },
          connection: {
            status: 'live',
            mode: 'remote',
            target: 'benchmark',
            since: now,
            staleSince: null,
            lastEventAt: now,
            protocol: 2,
          },
          alerts: [],
          alertsPausedUntil: null,
          at: now,
        },
      }),
      onDidChange: (listener: (value: unknown) => void) => {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
      onDidRequestReveal: () => () => undefined,
      acknowledgeAlert: unavailable,
      acknowledgeAllAlerts: unavailable,
      snoozeAlert: unavailable,
      pauseAlerts: unavailable,
      getSettings: unavailable,
      saveSettings: unavailable,
      testConnection: unavailable,
      retryConnection: unavailable,
      openExternal: unavailable,
    };
    Object.defineProperty(window, 'callboard', { value: Object.freeze(api), writable: false });
  } else {
    w.benchFeed = {
      snapshot: () => calls.slice(),
      onCallUpdate: (listener: (value: unknown) => void) => {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
    };
  }

  w.__bench = {
    listeners: () => listeners.size,
    run: (rate: number, durationMs: number) =>
      new Promise((resolve) => {
        const frames: number[] = [];
        const longTasks: number[] = [];
        const observer = new PerformanceObserver((list) => {
          for (const entry of list.getEntries()) longTasks.push(entry.duration);
        });
        observer.observe({ type: 'longtask' });
        let running = true;
        let last = 0;
        const onFrame = (t: number) => {
          if (last > 0) frames.push(t - last);
          last = t;
          if (running) requestAnimationFrame(onFrame);
        };
        requestAnimationFrame(onFrame);
        const start = performance.now();
        const deliveredAtStart = delivered;
        let sent = 0;
        const tickMs = config.mode === 'callboard' ? config.batchMs : 4;
        const tick = () => {
          const elapsed = performance.now() - start;
          if (elapsed >= durationMs) {
            running = false;
            observer.disconnect();
            const memory = (performance as unknown as { memory?: { usedJSHeapSize: number } })
              .memory;
            resolve({
              frames,
              longTasks,
              sent,
              delivered: delivered - deliveredAtStart,
              backlog: sent - (delivered - deliveredAtStart),
              heapUsed: memory ? memory.usedJSHeapSize : null,
            });
            return;
          }
          const due = Math.floor((elapsed * rate) / 1000);
          if (config.mode === 'callboard') {
            if (due > sent) {
              const at = Date.now();
              const upserts = [];
              const outcomes = [];
              // One update in ten is a late outcome in the recent window (when there is one).
              for (; sent < due; sent++) {
                if (recent.length > 0 && sent % 10 === 9) {
                  outcomes.push({ call: nextOutcome(), receivedAt: at });
                } else upserts.push({ call: nextVersion(), receivedAt: at });
              }
              channel.port2.postMessage({
                count: upserts.length + outcomes.length,
                value: {
                  callsUpserted: upserts,
                  ...(outcomes.length > 0 ? { recentUpserted: outcomes } : {}),
                  at,
                },
              });
            }
          } else {
            for (; sent < due; sent++) {
              channel.port2.postMessage({
                count: 1,
                value: { call: nextVersion(), timestamp: new Date().toISOString() },
              });
            }
          }
          setTimeout(tick, tickMs);
        };
        setTimeout(tick, tickMs);
      }),
  };
}
