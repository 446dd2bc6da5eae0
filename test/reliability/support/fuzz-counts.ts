/** How many inputs each fuzzed surface was given, for docs/reliability.md. */
import { writeResults } from './results';

export interface FuzzCount {
  surface: string;
  inputs: number;
  outcome: string;
}

export function writeFuzzCounts(suite: string, counts: readonly FuzzCount[]): void {
  writeResults(suite, counts);
}
