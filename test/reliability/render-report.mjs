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

// The scale-out suite (test/scale-out) renders into a section of its own; each section is
// rendered only when some of its result files are present, so running one suite alone leaves
// the other's figures as they were.
const scaleOut = [];
const scale = ['scale-out-faults', 'scale-out-health'].map(read).filter(Boolean);
const scaleRows = scale.flatMap((r) => r.rows);
scaleOut.push(
  scaleRows.length
    ? [
        `Run ${scale.map((r) => r.at).join(', ')} (${scale.some((r) => r.long) ? 'long form' : 'short form'}), load average ${[...new Set(scale.map((r) => r.loadAverage).filter(Boolean))].join('; ') || '?'}.`,
        '',
        table(
          [
            'fault',
            'instances',
            'clients',
            'writes during the fault',
            'updates lost',
            'clients affected',
            'per affected client p50 / max (ms)',
            'time to converge after writes stopped (ms)',
            'notes',
          ],
          scaleRows.map((r) => [
            r.fault,
            r.instances,
            r.clients,
            r.writesDuringFault,
            r.updatesLost,
            r.clientsAffected,
            `${r.clientMs.p50} / ${r.clientMs.max}`,
            r.convergeMs,
            r.notes,
          ]),
        ),
      ].join('\n')
    : '_no scale-out results: run the suite_',
  '',
);
const capacity = read('scale-out-capacity');
if (capacity) {
  scaleOut.push(
    `Capacity (\`CALLBOARD_SCALE_CAPACITY=1\`), ${capacity.at}: ${capacity.rate} updates/s aimed at, steps of ${capacity.step} clients up to ${capacity.max}, ${capacity.seconds} s each. Held: ${capacity.heldOne} clients on one instance, ${capacity.heldTwo} on two behind nginx (ratio ${capacity.ratio}). Least squares over the single-instance steps: ${capacity.rssMBPer100Clients} MB RSS per 100 clients on top of ${capacity.rssMBAtZeroClients} MB; CPU ${capacity.cpuCoresPer100Clients > 0 ? `${capacity.cpuCoresPer100Clients} cores per 100 clients on top of ${capacity.cpuCoresAtZeroClients}` : `no slope above the noise (fit ${capacity.cpuCoresPer100Clients} cores per 100 clients): read the per-step figures`}.`,
    '',
    table(
      [
        'setup',
        'clients',
        'held',
        'writes/s achieved',
        'CPU cores per instance',
        'RSS per instance (MB)',
        'nginx workers (cores)',
        'converged after the writer stopped (ms)',
        'load average (1, 5, 15 min)',
        'outcome',
      ],
      capacity.rows.map((r) => [
        r.setup,
        r.clients,
        r.held ? 'yes' : 'no',
        r.achievedRate,
        r.instanceCores.join(', '),
        r.instanceRssMB.join(', '),
        r.balancerCores ?? '',
        r.convergeMs ?? '',
        r.loadAverage,
        r.why,
      ]),
    ),
    '',
  );
}

// Live transcripts (test/reliability/transcript-faults.emulator.test.ts): a section of its own,
// rendered only when its result file is present, like the scale-out one.
const transcriptRun = read('transcript-faults');
const transcriptOut = transcriptRun
  ? [
      `Run ${transcriptRun.at}, against ${transcriptRun.target}, Node ${transcriptRun.node}.`,
      '',
      table(
        [
          'fault',
          'turns written during the fault (corrections included)',
          'turns lost',
          'turns repeated',
          'came back by',
          'fault cleared to caught up (ms)',
          'notes',
        ],
        transcriptRun.rows.map((r) => [
          r.fault,
          r.writesDuringFault,
          r.updatesLost,
          r.turnsRepeated,
          r.cameBackBy,
          r.convergeMs,
          r.notes,
        ]),
      ),
    ]
  : [];

const RELIABILITY_SUITES = [
  'mongo-faults',
  'network-faults',
  'process-faults',
  'load',
  'fuzz-socket',
  'fuzz-ipc-settings',
  'fuzz-cli',
  'fuzz-documents',
];
const sections = [
  [START, END, out, runs.some((r) => RELIABILITY_SUITES.includes(r.suite))],
  [
    '<!-- scale-out:results:start -->',
    '<!-- scale-out:results:end -->',
    scaleOut,
    runs.some((r) => r.suite.startsWith('scale-out')),
  ],
  [
    '<!-- transcript-faults:results:start -->',
    '<!-- transcript-faults:results:end -->',
    transcriptOut,
    transcriptRun !== null,
  ],
];
let text = readFileSync(doc, 'utf8');
for (const [start, end, lines, present] of sections) {
  const a = text.indexOf(start);
  const b = text.indexOf(end);
  if (a < 0 || b < a) {
    process.stderr.write(`${doc} has no ${start} ... ${end} section\n`);
    process.exit(1);
  }
  if (present) text = `${text.slice(0, a + start.length)}\n${lines.join('\n')}\n${text.slice(b)}`;
}
writeFileSync(doc, text);
process.stdout.write(`rendered ${runs.length} result files into ${doc}\n`);
