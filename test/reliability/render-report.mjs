// Renders the figures of the latest run (test/reliability/results/*.json, written by the
// suites) into docs/reliability.md, between the "reliability:results" markers. Run by
// `npm run test:reliability` after the suites; `node test/reliability/render-report.mjs`
// alone re-renders from the files present.
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const resultsDir = join(here, 'results');
const doc = join(here, '..', '..', 'docs', 'reliability.md');
const START = '<!-- reliability:results:start -->';
const END = '<!-- reliability:results:end -->';

const read = (name) => {
  const file = join(resultsDir, `${name}.json`);
  return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : null;
};
const cell = (v) => String(v ?? '').replace(/\|/g, '\\|');
const table = (headers, rows) =>
  [
    `| ${headers.join(' | ')} |`,
    `|${headers.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
  ].join('\n');

const files = existsSync(resultsDir)
  ? readdirSync(resultsDir).filter((f) => f.endsWith('.json'))
  : [];
const runs = files.map((f) => JSON.parse(readFileSync(join(resultsDir, f), 'utf8')));
const when = runs.map((r) => r.at).sort();
const out = [];
out.push(
  `Latest run: ${when[0] ?? 'none'} to ${when.at(-1) ?? 'none'}, against ${[...new Set(runs.map((r) => r.target))].join(', ') || 'nothing'}, Node ${runs[0]?.node ?? '?'}.`,
  '',
  '### Faults',
  '',
);
const faults = ['mongo-faults', 'network-faults', 'process-faults'].flatMap(
  (s) => read(s)?.rows ?? [],
);
out.push(
  faults.length
    ? table(
        ['fault', 'writes during the fault', 'updates lost', 'time to converge (ms)', 'notes'],
        faults.map((r) => [r.fault, r.writesDuringFault, r.updatesLost, r.convergeMs, r.notes]),
      )
    : '_no fault results: run the suite_',
  '',
  '### Load',
  '',
);
const load = read('load')?.rows ?? [];
out.push(
  load.length
    ? table(
        ['figure', 'value'],
        Object.entries(load[0]).map(([k, v]) => [k, v]),
      )
    : '_no load results: run the suite_',
  '',
  '### Hostile input (inputs tried per surface)',
  '',
);
const fuzz = ['fuzz-socket', 'fuzz-ipc-settings', 'fuzz-cli', 'fuzz-documents'].flatMap(
  (s) => read(s)?.rows ?? [],
);
out.push(
  fuzz.length
    ? table(
        ['surface', 'inputs', 'outcome'],
        fuzz.map((r) => [r.surface, r.inputs, r.outcome]),
      )
    : '_no fuzz results: run the suite_',
);

const text = readFileSync(doc, 'utf8');
const a = text.indexOf(START);
const b = text.indexOf(END);
if (a < 0 || b < a) {
  process.stderr.write(`${doc} has no ${START} ... ${END} section\n`);
  process.exit(1);
}
writeFileSync(doc, `${text.slice(0, a + START.length)}\n${out.join('\n')}\n${text.slice(b)}`);
process.stdout.write(`rendered ${runs.length} result files into ${doc}\n`);
