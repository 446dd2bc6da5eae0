import type { MongoClient } from 'mongodb';
import type { ContenderName } from '../contenders/registry';
import type { BenchOptions } from '../lib/options';
import type { EmulatorProcess } from '../lib/processes';
import { runOnce, type RunParams, type RunResult } from '../lib/run';

/** What every scenario gets: the database, the options, and a way to log progress. */
export interface ScenarioContext {
  mongo: MongoClient;
  emulator: EmulatorProcess;
  emulatorUri: string;
  options: BenchOptions;
  log: (line: string) => void;
}

export const BASE = { activeCalls: 1000, campaigns: 20, workers: 2 };

/** Contenders that take part in client/server measurements (not the emulator's own stream). */
export function serverContenders(options: BenchOptions): ContenderName[] {
  return options.contenders.filter((c) => c !== 'emulator');
}

/** Contenders in an order that rotates with the repetition, so none always runs first. */
export function rotated<T>(items: readonly T[], repetition: number): T[] {
  if (items.length === 0) return [];
  const k = repetition % items.length;
  return [...items.slice(k), ...items.slice(0, k)];
}

export async function run(
  ctx: ScenarioContext,
  params: Partial<RunParams> & Pick<RunParams, 'contender' | 'rate' | 'clients' | 'durationS'>,
): Promise<RunResult> {
  const full: RunParams = {
    seed: ctx.options.seed,
    activeCalls: BASE.activeCalls,
    campaigns: BASE.campaigns,
    workers: BASE.workers,
    drainMs: 5_000,
    fullClients: 2,
    warmupS: 0.5,
    ...params,
  };
  const result = await runOnce(ctx.mongo, ctx.emulator, full);
  ctx.log(
    `  ${full.contender.padEnd(10)} ${String(full.rate).padStart(5)}/s ${String(full.clients).padStart(5)} clients: ` +
      `p50 ${fmt(result.latency.p50)} p99 ${fmt(result.latency.p99)} max ${fmt(result.latency.max)} ms ` +
      `(full clients p50 ${fmt(result.fullLatency.p50)} p99 ${fmt(result.fullLatency.p99)}), ` +
      `achieved ${result.achievedRate.toFixed(0)}/s, missing ${result.missingWrites}, differing ${result.clientsDiffering}` +
      `, cpu % server ${fmt(result.cpu.server ?? NaN, 0)} clients ${fmt(result.cpu.clients, 0)} ` +
      `emulator ${fmt(result.cpu.emulator, 0)}, load ${fmt(result.cpu.loadAvg)}` +
      ` [setup ${fmt(result.phases.setup / 1000)}s connect ${fmt(result.phases.connect / 1000)}s]` +
      (result.ok ? '' : '  [over limit]') +
      (result.problems.length > 0
        ? `\n    problems: ${result.problems.slice(0, 3).join(' | ')}`
        : ''),
  );
  return result;
}

export function fmt(n: number, digits = 1): string {
  return Number.isFinite(n) ? n.toFixed(digits) : '-';
}
