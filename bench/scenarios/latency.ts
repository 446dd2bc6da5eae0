import type { ContenderName } from '../contenders/registry';
import type { RunResult } from '../lib/run';
import { median } from '../lib/stats';
import { rotated, run, type ScenarioContext } from './context';

export interface LatencyFigures {
  contender: ContenderName;
  runs: number;
  p50: number;
  p99: number;
  max: number;
  messagesPerUpdatePerClient: number;
  bytesPerUpdatePerClient: number;
  /** Median latency of isolated single updates on an idle system (one client). */
  idleP50: number;
  okRuns: number;
  /** The 10 full clients alone (the contender's real client path). */
  fullP50: number;
  fullP99: number;
  /** Server CPU (% of one core) during the writes, and the machine's load average. */
  serverCpu: number;
  loadAvg: number;
}

/**
 * (1) write-to-client latency at 200 updates/s with 100 clients, (4) messages and bytes per
 * update per client, and the idle single-update latency: every contender, `repetitions` times,
 * in rotating order; medians over repetitions.
 */
export async function measureLatency(
  ctx: ScenarioContext,
): Promise<{ figures: LatencyFigures[]; runs: RunResult[] }> {
  const full = ctx.options.mode === 'full';
  const durationS = full ? 20 : 3;
  // The quick mode repeats only the contenders that the targets compare (baseline, callboard,
  // ceiling); the emulator's own stream and hub-direct run once.
  const repeated = (c: ContenderName) =>
    full || c === 'baseline' || c === 'callboard' || c === 'ceiling';
  const runs: RunResult[] = [];
  const idle: RunResult[] = [];
  for (let rep = 0; rep < ctx.options.repetitions; rep++) {
    ctx.log(`latency: repetition ${rep + 1}/${ctx.options.repetitions}`);
    for (const contender of rotated(ctx.options.contenders, rep)) {
      if (rep > 0 && !repeated(contender)) continue;
      const clients = contender === 'emulator' ? 1 : 100;
      runs.push(await run(ctx, { contender, rate: 200, clients, durationS }));
      // One update every 200 ms on an otherwise idle system, one client.
      if (rep === 0 || full) {
        idle.push(await run(ctx, { contender, rate: 5, clients: 1, durationS: 2, warmupS: 0 }));
      }
    }
  }
  const figures = ctx.options.contenders.map((contender): LatencyFigures => {
    const mine = runs.filter((r) => r.contender === contender);
    const idleMine = idle.filter((r) => r.contender === contender);
    return {
      contender,
      runs: mine.length,
      p50: median(mine.map((r) => r.latency.p50)),
      p99: median(mine.map((r) => r.latency.p99)),
      max: median(mine.map((r) => r.latency.max)),
      messagesPerUpdatePerClient: median(mine.map((r) => r.messagesPerUpdatePerClient)),
      bytesPerUpdatePerClient: median(mine.map((r) => r.bytesPerUpdatePerClient)),
      idleP50: median(idleMine.map((r) => r.latency.p50)),
      okRuns: mine.filter((r) => r.ok).length,
      fullP50: median(mine.map((r) => r.fullLatency.p50)),
      fullP99: median(mine.map((r) => r.fullLatency.p99)),
      serverCpu: median(mine.map((r) => r.cpu.server ?? Number.NaN)),
      loadAvg: median(mine.map((r) => r.cpu.loadAvg)),
    };
  });
  return { figures, runs: [...runs, ...idle] };
}
