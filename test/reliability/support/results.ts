/**
 * Figures of the latest run, one JSON file per suite in test/reliability/results/
 * (git-ignored); `node test/reliability/render-report.mjs` puts them into docs/reliability.md.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const RESULTS_DIR = join(__dirname, '..', 'results');

export function writeResults(suite: string, rows: readonly object[], extra: object = {}): void {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const target = process.env.MONGODB_URI ? 'MongoDB (MONGODB_URI)' : 'emulator';
  writeFileSync(
    join(RESULTS_DIR, `${suite}.json`),
    `${JSON.stringify({ suite, at: new Date().toISOString(), target, node: process.version, rows, ...extra }, null, 2)}\n`,
  );
}

export interface FaultRow {
  fault: string;
  writesDuringFault: number;
  updatesLost: number;
  convergeMs: number;
  notes: string;
}
