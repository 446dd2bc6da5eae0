import type { ClientFigures } from './scenarios/clients';
import { fmt } from './scenarios/context';
import type { LatencyFigures } from './scenarios/latency';
import type { RateFigures } from './scenarios/rate';
import type { KpiCost, RendererFigures } from './scenarios/renderer';
import type { ScreenFigures, ScreenLatency } from './scenarios/screen';
import type { SoakFigures } from './scenarios/soak';
import { evaluateTargets } from './targets';

interface Section {
  title: string;
  header: string[];
  rows: string[][];
  notes?: string[];
}

const MiB = 2 ** 20;

/** The figures of one run as tables (the same figures as the JSON). */
export function reportSections(results: Record<string, unknown>): Section[] {
  const sections: Section[] = [];
  const latency = (results.latency as { figures: LatencyFigures[] } | undefined)?.figures;
  if (latency) {
    sections.push({
      title:
        '1, 4. Latency at 200 updates/s with 100 clients (ms, medians of repetitions); traffic per update per client',
      header: [
        'contender',
        'p50',
        'p99',
        'max',
        'full clients p50 / p99',
        'idle p50',
        'msgs/update/client',
        'bytes/update/client',
        'server CPU %',
        'load',
        'runs within limits',
      ],
      rows: latency.map((f) => [
        f.contender,
        fmt(f.p50),
        fmt(f.p99),
        fmt(f.max),
        `${fmt(f.fullP50)} / ${fmt(f.fullP99)}`,
        fmt(f.idleP50),
        fmt(f.messagesPerUpdatePerClient, 3),
        fmt(f.bytesPerUpdatePerClient, 0),
        fmt(f.serverCpu, 0),
        fmt(f.loadAvg),
        `${f.okRuns}/${f.runs}`,
      ]),
    });
  }
  const rate = (results.rate as { figures: RateFigures[] } | undefined)?.figures;
  if (rate) {
    sections.push({
      title: '2. Highest sustained update rate, 100 clients (p99 < 250 ms, nothing lost)',
      header: ['contender', 'updates/s', 'deliveries/s', 'the next step failed on'],
      rows: rate.map((f) => [
        f.contender,
        fmt(f.maxRate, 0),
        fmt(f.deliveriesPerSecond, 0),
        f.limitedBy,
      ]),
    });
  }
  const clients = (results.clients as { figures: ClientFigures[] } | undefined)?.figures;
  if (clients) {
    sections.push({
      title:
        '3. Most clients at 200 updates/s (p99 < 250 ms, nothing lost); server memory per client',
      header: ['contender', 'clients', 'kB/client', 'the next step failed on'],
      rows: clients.map((f) => [
        f.contender,
        fmt(f.maxClients, 0),
        fmt(f.bytesPerClient / 1024, 1),
        f.limitedBy,
      ]),
    });
  }
  const renderer = (results.renderer as { figures: RendererFigures[] } | undefined)?.figures;
  if (renderer) {
    sections.push({
      title:
        '5. Renderer, 10,000 active calls: highest row updates/s with p95 frame within 60 Hz (+10% jitter)',
      header: ['page', 'updates/s', 'steps: rate -> p95 frame ms (long tasks)'],
      rows: renderer.map((f) => [
        f.panel && f.panel !== 'Campaigns' ? `${f.page}, ${f.panel} open` : f.page,
        fmt(f.maxRate, 0),
        f.steps
          .map((s) => `${s.rate}/s -> ${fmt(s.p95FrameMs)} (${s.longTasks})${s.ok ? '' : ' over'}`)
          .join(', '),
      ]),
    });
  }
  const kpi = (results.renderer as { kpi?: KpiCost } | undefined)?.kpi;
  if (kpi) {
    sections.push({
      title: `5b. KPI computation per tick (computeOutcomeKpis, ${kpi.calls} calls, ${kpi.agents} agents, ${kpi.runs} runs)`,
      header: ['median ms', 'p95 ms'],
      rows: [[fmt(kpi.medianMs, 2), fmt(kpi.p95Ms, 2)]],
    });
  }
  const screen = results.screen as ScreenFigures | undefined;
  if (screen) {
    const row = (what: string, f: ScreenLatency): string[] => [
      what,
      `${fmt(f.socket.p50, 0)} / ${fmt(f.socket.p99, 0)}`,
      `${fmt(f.dom.p50, 0)} / ${fmt(f.dom.p99, 0)}`,
      `${fmt(f.frame.p50, 0)} / ${fmt(f.frame.p99, 0)}`,
      String(f.dom.count),
      String(f.missing),
      fmt(f.serverCpu, 0),
      fmt(f.loadAvg1, 2),
    ];
    const { list } = screen;
    sections.push({
      title:
        '7. On screen: a MongoDB write to its text in the web dashboard (Chromium, `callboard serve`), ms',
      header: [
        'what',
        'plain client p50 / p99',
        'DOM p50 / p99',
        'frame p50 / p99',
        'samples',
        'missing',
        'serve CPU %',
        'load (1 min)',
      ],
      rows: [
        row('transcript turn, idle', screen.transcriptIdle),
        row(
          `transcript turn, ${fmt(screen.transcriptLoaded.turnsPerSecond, 0)} turns/s (1,000 calls)`,
          screen.transcriptLoaded,
        ),
        row(
          `call update, ${fmt(screen.callUpdate.updatesPerSecond, 0)} updates/s, ${screen.callUpdate.calls} calls`,
          screen.callUpdate,
        ),
        [
          `list stream bytes/update/client at ${fmt(list.updatesPerSecond, 0)} updates/s: without / with transcripts`,
          `${fmt(list.without.bytesPerUpdate, 0)} / ${fmt(list.with.bytesPerUpdate, 0)}`,
          `documents alone: ${fmt(list.without.docBytes / list.without.updateDocs, 0)} / ${fmt(list.with.docBytes / list.with.updateDocs, 0)}`,
          `frames with a turn: ${list.without.leaks} / ${list.with.leaks}`,
          `${list.without.updateDocs} / ${list.with.updateDocs}`,
          '-',
          '-',
          '-',
        ],
      ],
    });
  }
  const soak = results.soak as SoakFigures | undefined;
  if (soak) {
    const first = soak.samples.find((s) => s.t >= soak.warmupS);
    const last = soak.samples[soak.samples.length - 1];
    sections.push({
      title: `6. Soak: ${soak.minutes} min, ${fmt(soak.achievedRate, 0)} writes/s, ${soak.clients} clients, warm-up ${fmt(soak.warmupS, 0)} s`,
      header: ['what', 'after warm-up', 'at the end', 'growth'],
      rows: [
        [
          'server heap + external (MiB)',
          fmt((first?.serverHeap ?? NaN) / MiB),
          fmt((last?.serverHeap ?? NaN) / MiB),
          `${fmt(soak.serverHeapGrowthPctPerHour)} %/h`,
        ],
        [
          'server RSS (MiB)',
          fmt((first?.serverRss ?? NaN) / MiB),
          fmt((last?.serverRss ?? NaN) / MiB),
          '-',
        ],
        [
          'renderer JS heap (MiB)',
          fmt((first?.rendererHeap ?? NaN) / MiB),
          fmt((last?.rendererHeap ?? NaN) / MiB),
          `${fmt(soak.rendererHeapGrowthPctPerHour)} %/h`,
        ],
        [
          'connections',
          String(first?.connections ?? '-'),
          String(last?.connections ?? '-'),
          soak.connectionsFlat ? 'flat' : 'changed',
        ],
        [
          'change streams',
          String(first?.changeStreams ?? '-'),
          String(last?.changeStreams ?? '-'),
          soak.changeStreamsFlat ? 'flat' : 'changed',
        ],
        [
          'emulator RSS (MiB)',
          fmt((first?.emulatorRss ?? NaN) / MiB),
          fmt((last?.emulatorRss ?? NaN) / MiB),
          '-',
        ],
      ],
    });
  }
  sections.push({
    title: 'Targets (the issue\'s "Targets" section, ratios within this run)',
    header: ['target', 'measured', 'status'],
    rows: evaluateTargets(results).map((t) => [t.target, t.measured, t.status]),
  });
  return sections;
}

/** Plain-text tables for the terminal. */
export function printReport(results: Record<string, unknown>): string {
  return reportSections(results)
    .map((section) => {
      const widths = section.header.map((h, i) =>
        Math.min(60, Math.max(h.length, ...section.rows.map((r) => (r[i] ?? '').length))),
      );
      const line = (cells: string[]) =>
        cells
          .map((c, i) => c.padEnd(widths[i] ?? 0))
          .join('  ')
          .trimEnd();
      return [section.title, line(section.header), ...section.rows.map(line), ''].join('\n');
    })
    .join('\n');
}

/** Markdown tables, for docs/performance.md. */
export function markdownReport(results: Record<string, unknown>): string {
  return reportSections(results)
    .map((section) =>
      [
        `### ${section.title}`,
        '',
        `| ${section.header.join(' | ')} |`,
        `|${section.header.map(() => '---').join('|')}|`,
        ...section.rows.map((r) => `| ${r.join(' | ')} |`),
        '',
      ].join('\n'),
    )
    .join('\n');
}
