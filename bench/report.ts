import type { LatencyFigures } from './scenarios/latency';
import type { RateFigures } from './scenarios/rate';
import type { ClientFigures } from './scenarios/clients';
import { fmt } from './scenarios/context';
import type { RendererFigures } from './scenarios/renderer';
import type { SoakFigures } from './scenarios/soak';
import { evaluateTargets } from './targets';

/** The table printed at the end of a run (the same figures as the JSON). */
export function printReport(results: Record<string, unknown>): string {
  const lines: string[] = [];
  const latency = (results.latency as { figures: LatencyFigures[] } | undefined)?.figures;
  if (latency) {
    lines.push(
      'Latency at 200 updates/s, 100 clients (medians of repetitions), ms; traffic per update per client',
    );
    lines.push(
      row(['contender', 'p50', 'p99', 'max', 'idle p50', 'msgs/upd/cl', 'bytes/upd/cl', 'ok runs']),
    );
    for (const f of latency) {
      lines.push(
        row([
          f.contender,
          fmt(f.p50),
          fmt(f.p99),
          fmt(f.max),
          fmt(f.idleP50),
          fmt(f.messagesPerUpdatePerClient, 3),
          fmt(f.bytesPerUpdatePerClient, 0),
          `${f.okRuns}/${f.runs}`,
        ]),
      );
    }
    lines.push('');
  }
  const rate = (results.rate as { figures: RateFigures[] } | undefined)?.figures;
  if (rate) {
    lines.push('Highest sustained update rate (p99 < 250 ms, nothing lost)');
    lines.push(
      row(['contender', 'updates/s', 'deliveries/s', 'next step failed on'], [12, 10, 13, 0]),
    );
    for (const f of rate) {
      lines.push(
        row(
          [f.contender, fmt(f.maxRate, 0), fmt(f.deliveriesPerSecond, 0), f.limitedBy],
          [12, 10, 13, 0],
        ),
      );
    }
    lines.push('');
  }
  const clients = (results.clients as { figures: ClientFigures[] } | undefined)?.figures;
  if (clients) {
    lines.push('Most clients at 200 updates/s (p99 < 250 ms, nothing lost)');
    lines.push(row(['contender', 'clients', 'kB/client', 'next step failed on'], [12, 10, 13, 0]));
    for (const f of clients) {
      lines.push(
        row(
          [f.contender, fmt(f.maxClients, 0), fmt(f.bytesPerClient / 1024, 1), f.limitedBy],
          [12, 10, 13, 0],
        ),
      );
    }
    lines.push('');
  }
  const renderer = (results.renderer as { figures: RendererFigures[] } | undefined)?.figures;
  if (renderer) {
    lines.push(
      'Renderer, 10,000 active calls: highest row updates/s with p95 frame within 60 Hz (+10% jitter)',
    );
    lines.push(row(['page', 'updates/s', 'at that rate: p95 frame', 'next step'], [12, 10, 24, 0]));
    for (const f of renderer) {
      const passed = f.steps.filter((s) => s.ok).pop();
      const failed = f.steps.find((s) => !s.ok);
      lines.push(
        row(
          [
            f.page,
            fmt(f.maxRate, 0),
            passed ? `${fmt(passed.p95FrameMs)} ms, ${passed.longTasks} long tasks` : '-',
            failed
              ? `${failed.rate}/s: p95 ${fmt(failed.p95FrameMs)} ms, ${failed.longTasks} long tasks (${fmt(failed.longTaskMs, 0)} ms)`
              : 'none failed',
          ],
          [12, 10, 24, 0],
        ),
      );
    }
    lines.push('');
  }
  const soak = results.soak as SoakFigures | undefined;
  if (soak) {
    const first = soak.samples.find((s) => s.t >= soak.warmupS);
    const last = soak.samples[soak.samples.length - 1];
    lines.push(
      `Soak: ${soak.minutes} min, ${fmt(soak.achievedRate, 0)} writes/s, ${soak.clients} clients (warm-up ${fmt(soak.warmupS, 0)} s)`,
    );
    if (first && last) {
      lines.push(
        `  server heap ${fmt(first.serverHeap / 2 ** 20)} -> ${fmt(last.serverHeap / 2 ** 20)} MiB ` +
          `(${fmt(soak.serverHeapGrowthPctPerHour)} %/h); renderer heap ${fmt((first.rendererHeap ?? NaN) / 2 ** 20)} -> ` +
          `${fmt((last.rendererHeap ?? NaN) / 2 ** 20)} MiB (${fmt(soak.rendererHeapGrowthPctPerHour)} %/h)`,
      );
    }
    lines.push(
      `  connections flat: ${soak.connectionsFlat}; change streams flat: ${soak.changeStreamsFlat}`,
    );
    lines.push('');
  }
  lines.push('Targets (docs/performance.md)');
  for (const t of evaluateTargets(results)) {
    lines.push(`  [${t.status}] ${t.target}: ${t.measured}`);
  }
  lines.push('');
  return lines.join('\n');
}

function row(cells: string[], widths: number[] = [12]): string {
  return cells
    .map((c, i) => c.padEnd(widths[i] ?? widths[widths.length - 1] ?? 12))
    .join(' ')
    .trimEnd();
}
