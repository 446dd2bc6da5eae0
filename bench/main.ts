import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { parseOptions, USAGE, UsageError, type BenchOptions } from './lib/options';
import { startEmulatorProcess } from './lib/processes';
import { measureLatency } from './scenarios/latency';
import { measureRate } from './scenarios/rate';
import { measureClients } from './scenarios/clients';
import { measureRenderer } from './scenarios/renderer';
import { measureScreen } from './scenarios/screen';
import { measureSoak } from './scenarios/soak';
import { markdownReport, printReport } from './report';
import type { ScenarioContext } from './scenarios/context';

/** `npm run bench`: see bench/lib/options.ts for the options and docs/performance.md for the figures. */
export async function main(argv: string[]): Promise<number> {
  let options: BenchOptions;
  try {
    if (argv.includes('-h') || argv.includes('--help')) {
      process.stdout.write(USAGE);
      return 0;
    }
    options = parseOptions(argv);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`callboard bench: ${error.message}\n\n${USAGE}`);
      return 2;
    }
    throw error;
  }
  const started = Date.now();
  const log = (line: string) =>
    process.stdout.write(`[${((Date.now() - started) / 1000).toFixed(0).padStart(4)}s] ${line}\n`);
  const emulator = await startEmulatorProcess();
  const mongo = await MongoClient.connect(emulator.uri);
  const ctx: ScenarioContext = { mongo, emulator, emulatorUri: emulator.uri, options, log };
  const results: Record<string, unknown> = {
    startedAt: new Date(started).toISOString(),
    machine: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model ?? 'unknown',
      memoryGiB: Math.round(totalmem() / 2 ** 30),
      node: process.version,
      platform: `${process.platform} ${process.arch}`,
    },
    options: { ...options, only: [...options.only] },
  };
  try {
    if (options.only.has('latency')) results.latency = await measureLatency(ctx);
    if (options.only.has('rate')) results.rate = await measureRate(ctx);
    if (options.only.has('clients')) results.clients = await measureClients(ctx);
    if (options.only.has('renderer')) results.renderer = await measureRenderer(ctx);
    if (options.only.has('screen')) results.screen = await measureScreen(ctx);
    if (options.only.has('soak')) results.soak = await measureSoak(ctx);
  } finally {
    results.durationS = (Date.now() - started) / 1000;
    await mongo.close();
    await emulator.stop();
    mkdirSync(options.resultsDir, { recursive: true });
    const file = join(
      options.resultsDir,
      `bench-${new Date(started).toISOString().replace(/[:.]/g, '-')}.json`,
    );
    writeFileSync(file, `${JSON.stringify(results, replacer, 2)}\n`);
    writeFileSync(
      join(options.resultsDir, 'latest.json'),
      `${JSON.stringify(results, replacer, 2)}\n`,
    );
    // The same tables in Markdown, for docs/performance.md.
    writeFileSync(join(options.resultsDir, 'latest.md'), markdownReport(results));
    process.stdout.write(`\n${printReport(results)}\nresults: ${file}\n`);
  }
  return 0;
}

/** Typed arrays are not worth keeping in the JSON; NaN becomes null. */
function replacer(_key: string, value: unknown): unknown {
  if (ArrayBuffer.isView(value)) return undefined;
  if (typeof value === 'number' && !Number.isFinite(value)) return null;
  return value;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`callboard bench: ${(error as Error).stack ?? String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
