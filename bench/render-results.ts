/**
 * Prints the tables of a saved run: `npx jiti bench/render-results.ts [file.json] [md]`
 * (default bench/results/latest.json, plain text; `md` for Markdown).
 */
import { readFileSync } from 'node:fs';
import { markdownReport, printReport } from './report';

const file = process.argv[2] ?? 'bench/results/latest.json';
const results = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
process.stdout.write(process.argv[3] === 'md' ? markdownReport(results) : printReport(results));
