import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { chromiumLaunchOptions } from '../../e2e/support/chromium';
import { serveStatic } from '../../e2e/support/static-server';
import { installBenchDriver, type DriverConfig, type DriverRunResult } from '../renderer/driver';
import { median, percentile } from '../lib/stats';
import type { Call } from '../../src/shared/domain/schemas';
import { computeOutcomeKpis } from '../../src/shared/kpi';
import { LAST_60_MINUTES } from '../../src/shared/kpi/kpi-window';
import type { CallEntry } from '../../src/shared/feed/types';
import type { ScenarioContext } from './context';

/** 60 Hz: the budget of one frame. */
export const FRAME_BUDGET_MS = 1000 / 60;
const CALLS = 10_000;
/** Issue 14's size: the recent window and the agents beside the 10,000 active calls. */
const RECENT = 2_000;
const AGENTS = 50;
/** The monitor core's default delta window (src/core/monitor/monitor-core.ts DEFAULT_BATCH_MS). */
const BATCH_MS = 50;
const STEPS = [1, 3, 10, 30, 100, 300, 1000, 2000, 4000, 8000, 16000];

export interface RendererStep {
  rate: number;
  p95FrameMs: number;
  maxFrameMs: number;
  frames: number;
  longTasks: number;
  longTaskMs: number;
  /** Updates delivered / sent during the window (a page that falls behind queues them). */
  deliveredShare: number;
  ok: boolean;
}

export interface RendererFigures {
  page: 'callboard' | 'baseline';
  /** The side panel open during the ramp (callboard): the default, Agents, Recent calls. */
  panel: SidePanelTab;
  /** Highest rate (row updates/s) with p95 frame <= 16.7 ms and every update delivered. */
  maxRate: number;
  steps: RendererStep[];
}

/** The side-panel tabs a ramp runs with (their accessible names). */
type SidePanelTab = 'Campaigns' | 'Agents' | 'Recent calls';

/** Where each page is served from and how it is told it is ready. */
const PAGES = {
  callboard: {
    dir: 'out/renderer',
    ready: '.calls-body [role=row]',
    count: '[data-testid=calls-count]',
  },
  baseline: { dir: 'out/bench/baseline-renderer', ready: 'tbody tr', count: 'h1' },
} as const;

/**
 * (5) Renderer in Chromium: 10,000 active calls, N row updates per second, p95 frame interval
 * (requestAnimationFrame) and long tasks; the highest N whose p95 frame fits the 60 Hz budget.
 * Callboard's real renderer (out/renderer, driven through an injected CallboardApi) against
 * the usual React page (bench/renderer/baseline).
 */
export async function measureRenderer(
  ctx: ScenarioContext,
): Promise<{ figures: RendererFigures[]; kpi: KpiCost }> {
  ensureBuilt(ctx);
  const durationMs = ctx.options.mode === 'full' ? 8_000 : 2_000;
  const repetitions = ctx.options.mode === 'full' ? ctx.options.repetitions : 1;
  const browser = await chromium.launch({ ...chromiumLaunchOptions(), headless: true });
  const runs: { page: 'callboard' | 'baseline'; panel: SidePanelTab }[] = [
    { page: 'callboard', panel: 'Campaigns' },
    { page: 'baseline', panel: 'Campaigns' },
    // The AI-agent panels recompute their KPIs over all 12,000 calls as rows change.
    { page: 'callboard', panel: 'Agents' },
    { page: 'callboard', panel: 'Recent calls' },
  ];
  const found = new Map<string, { rate: number; steps: RendererStep[] }[]>();
  try {
    for (let rep = 0; rep < repetitions; rep++) {
      const order = rep % 2 === 0 ? runs : [...runs].reverse();
      for (const run of order) {
        ctx.log(`renderer: ${run.page}, ${run.panel} open (repetition ${rep + 1}/${repetitions})`);
        const key = `${run.page}/${run.panel}`;
        found.set(key, [
          ...(found.get(key) ?? []),
          await rampPage(ctx, browser, run.page, durationMs, run.panel),
        ]);
      }
    }
  } finally {
    await browser.close();
  }
  const kpi = measureKpiCost();
  ctx.log(
    `renderer: KPIs over ${kpi.calls} calls (${kpi.agents} agents): median ${kpi.medianMs.toFixed(2)} ms, p95 ${kpi.p95Ms.toFixed(2)} ms per computation`,
  );
  return {
    figures: runs.map(({ page, panel }) => {
      const all = found.get(`${page}/${panel}`) ?? [];
      return {
        page,
        panel,
        maxRate: median(all.map((f) => f.rate)),
        steps: all[all.length - 1]?.steps ?? [],
      };
    }),
    kpi,
  };
}

export interface KpiCost {
  calls: number;
  agents: number;
  runs: number;
  medianMs: number;
  p95Ms: number;
}

/**
 * What the Agents panel and the outcome tiles pay on each tick: computeOutcomeKpis over
 * 10,000 active and 2,000 recent calls of 50 agents, in Node (the same code the renderer
 * runs; V8 either way), after a warm-up.
 */
function measureKpiCost(): KpiCost {
  const now = Date.now();
  const entries: CallEntry[] = [];
  for (let i = 0; i < CALLS + RECENT; i++) {
    const ended = i >= CALLS;
    const verdict = ['success', 'failure', 'unknown'][i % 3] as 'success';
    entries.push({
      receivedAt: now,
      call: {
        callSid: `CA${i}`,
        status: ended ? 'completed' : 'in-progress',
        agentId: `agent-${1 + (i % AGENTS)}`,
        campaignId: `CMP${1 + (i % 20)}`,
        startTime: new Date(now - 300_000).toISOString(),
        ...(ended
          ? {
              endTime: new Date(now - (i % 3000) * 1000).toISOString(),
              duration: 120,
              callSuccessful: verdict,
              evaluationCriteriaResults: { booked: { result: verdict } },
              answeredBy: i % 7 === 0 ? 'machine_end_beep' : 'human',
              cost: 300,
            }
          : {}),
      } as Call,
    });
  }
  const run = () => computeOutcomeKpis(entries, { window: LAST_60_MINUTES, now });
  for (let i = 0; i < 20; i++) run();
  const times: number[] = [];
  for (let i = 0; i < 200; i++) {
    const start = performance.now();
    run();
    times.push(performance.now() - start);
  }
  return {
    calls: entries.length,
    agents: AGENTS,
    runs: times.length,
    medianMs: median(times),
    p95Ms: percentile(times, 95),
  };
}

async function rampPage(
  ctx: ScenarioContext,
  browser: Browser,
  which: 'callboard' | 'baseline',
  durationMs: number,
  panel: SidePanelTab,
): Promise<{ rate: number; steps: RendererStep[] }> {
  const { page, close } = await openPage(browser, which);
  if (which === 'callboard' && panel !== 'Campaigns') {
    await page.getByRole('tab', { name: panel }).click();
    await page.getByRole('tabpanel').getByRole('heading', { name: panel }).waitFor();
  }
  const steps: RendererStep[] = [];
  let best = 0;
  try {
    // Settle: the first frames after a 10,000-row load are not the steady state.
    await runStep(page, 0, 1_000);
    for (const rate of STEPS) {
      const step = await runStep(page, rate, durationMs);
      steps.push(step);
      ctx.log(
        `  ${which.padEnd(9)} ${String(rate).padStart(6)} updates/s: p95 frame ${step.p95FrameMs.toFixed(1)} ms, ` +
          `max ${step.maxFrameMs.toFixed(0)} ms, ${step.longTasks} long tasks (${step.longTaskMs.toFixed(0)} ms), ` +
          `delivered ${(step.deliveredShare * 100).toFixed(0)}%${step.ok ? '' : '  [over budget]'}`,
      );
      if (!step.ok) break;
      best = rate;
    }
  } finally {
    await close();
  }
  return { rate: best, steps };
}

export async function openPage(
  browser: Browser,
  which: 'callboard' | 'baseline',
): Promise<{ page: Page; close: () => Promise<void> }> {
  const server = await serveStatic(PAGES[which].dir);
  const context = await browser.newContext({ viewport: { width: 1600, height: 900 } });
  const page = await context.newPage();
  const config: DriverConfig = {
    mode: which,
    calls: CALLS,
    campaigns: 20,
    batchMs: BATCH_MS,
    recent: which === 'callboard' ? RECENT : 0,
    agents: AGENTS,
  };
  await page.addInitScript(installBenchDriver, config);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(server.url);
  await page.waitForFunction(
    () =>
      ((window as unknown as { __bench?: { listeners(): number } }).__bench?.listeners() ?? 0) > 0,
    undefined,
    { timeout: 60_000 },
  );
  await page.waitForSelector(PAGES[which].ready, { timeout: 60_000 });
  if (errors.length > 0) throw new Error(`${which} page errors: ${errors.join('; ')}`);
  // Both pages must show the whole set: "Showing 10000 of 10000 calls" / "Active calls (10000)".
  const countText = (await page.textContent(PAGES[which].count)) ?? '';
  if (!countText.replace(/[,\s]/g, '').includes(String(CALLS))) {
    throw new Error(`${which} page does not show ${CALLS} calls: "${countText}"`);
  }
  return {
    page,
    close: async () => {
      await context.close();
      await server.close();
    },
  };
}

export async function runStep(page: Page, rate: number, durationMs: number): Promise<RendererStep> {
  const result = (await page.evaluate(
    ([r, ms]) =>
      (
        window as unknown as { __bench: { run(r: number, ms: number): Promise<unknown> } }
      ).__bench.run(r, ms),
    [rate, durationMs] as const,
  )) as DriverRunResult;
  const p95FrameMs = percentile(result.frames, 95);
  const deliveredShare = result.sent === 0 ? 1 : result.delivered / result.sent;
  return {
    rate,
    p95FrameMs,
    maxFrameMs: Math.max(0, ...result.frames),
    frames: result.frames.length,
    longTasks: result.longTasks.length,
    longTaskMs: result.longTasks.reduce((a, b) => a + b, 0),
    deliveredShare,
    // Frame intervals jitter around 16.7 ms even when idle; 10% is the jitter allowance
    // (a dropped frame shows as >= 33 ms). See docs/performance.md, "Renderer".
    ok: p95FrameMs <= FRAME_BUDGET_MS * 1.1 && deliveredShare >= 0.95,
  };
}

function ensureBuilt(ctx: ScenarioContext): void {
  if (existsSync('out/renderer/index.html')) return;
  ctx.log('renderer: out/renderer is missing; running `npm run build` (once)');
  const result = spawnSync('npm', ['run', 'build'], { stdio: 'inherit' });
  if (result.status !== 0 || !existsSync('out/renderer/index.html')) {
    throw new Error('`npm run build` did not produce out/renderer/index.html');
  }
}
