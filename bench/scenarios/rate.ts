import type { ContenderName } from '../contenders/registry';
import type { RunResult } from '../lib/run';
import { median } from '../lib/stats';
import { rotated, run, type ScenarioContext } from './context';

export interface RateFigures {
  contender: ContenderName;
  /** Highest rate (updates/s) that passed: p99 < 250 ms, nothing lost, writer kept up. Median over repetitions. */
  maxRate: number;
  /** Client deliveries per second at that rate (clients x updates actually held per second). */
  deliveriesPerSecond: number;
  /** What stopped the next step up. */
  limitedBy: string;
}

/**
 * (2) the highest sustained update rate with 100 clients (one change stream for the emulator's
 * own ceiling): doubling steps from 200/s until a step fails, then bisecting between the last
 * pass and the first failure.
 */
export async function measureRate(
  ctx: ScenarioContext,
): Promise<{ figures: RateFigures[]; runs: RunResult[] }> {
  const full = ctx.options.mode === 'full';
  const durationS = full ? 10 : 2;
  const bisections = full ? 3 : 1;
  const repetitions = full ? ctx.options.repetitions : 1;
  const runs: RunResult[] = [];
  const found = new Map<ContenderName, { rate: number; deliveries: number; limitedBy: string }[]>();
  for (let rep = 0; rep < repetitions; rep++) {
    for (const contender of rotated(ctx.options.contenders, rep)) {
      ctx.log(`rate: ${contender} (repetition ${rep + 1}/${repetitions})`);
      const clients = contender === 'emulator' ? 1 : 100;
      const attempt = async (rate: number) => {
        const r = await run(ctx, { contender, rate, clients, durationS, drainMs: 3_000 });
        runs.push(r);
        return r;
      };
      let pass: RunResult | null = null;
      let fail: RunResult | null = null;
      for (let rate = 200; rate <= 25_600; rate *= 2) {
        const r = await attempt(rate);
        if (r.ok) pass = r;
        else {
          fail = r;
          break;
        }
      }
      // The first step failed: halve down, so a loaded machine still gives a figure.
      for (let rate = 100; !pass && rate >= (full ? 25 : 50); rate /= 2) {
        const r = await attempt(rate);
        if (r.ok) pass = r;
      }
      // Quick mode bisects only for the contenders the targets compare.
      const bisect =
        full || contender === 'baseline' || contender === 'callboard' || contender === 'ceiling';
      for (let i = 0; bisect && i < bisections && pass && fail; i++) {
        const rate = Math.round((pass.rate + fail.rate) / 2 / 50) * 50;
        if (rate <= pass.rate || rate >= fail.rate) break;
        const r = await attempt(rate);
        if (r.ok) pass = r;
        else fail = r;
      }
      const list = found.get(contender) ?? [];
      list.push({
        rate: pass?.rate ?? 0,
        deliveries: pass?.deliveriesPerSecond ?? 0,
        limitedBy: fail ? describeFailure(fail) : 'not reached (top of the ramp)',
      });
      found.set(contender, list);
    }
  }
  const figures = ctx.options.contenders.map((contender): RateFigures => {
    const list = found.get(contender) ?? [];
    return {
      contender,
      maxRate: median(list.map((f) => f.rate)),
      deliveriesPerSecond: median(list.map((f) => f.deliveries)),
      limitedBy: list[list.length - 1]?.limitedBy ?? '-',
    };
  });
  return { figures, runs };
}

/** Why a run did not pass, in words, with the figure that broke the limit. */
export function describeFailure(r: RunResult): string {
  const reasons: string[] = [];
  if (r.achievedRate < r.rate * 0.95)
    reasons.push(`writer reached ${r.achievedRate.toFixed(0)}/s of ${r.rate}/s`);
  if (!(r.latency.p99 < 250)) reasons.push(`p99 ${r.latency.p99.toFixed(0)} ms at ${r.rate}/s`);
  if (r.missingWrites > 0) reasons.push(`${r.missingWrites} writes never held`);
  if (r.clientsDiffering > 0)
    reasons.push(`${r.clientsDiffering} clients differ from the database`);
  if (r.server) reasons.push(`server CPU ${r.server.cpuPercent.toFixed(0)}%`);
  return reasons.join('; ');
}
