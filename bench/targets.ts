import type { ClientFigures } from './scenarios/clients';
import type { LatencyFigures } from './scenarios/latency';
import type { RateFigures } from './scenarios/rate';
import type { RendererFigures } from './scenarios/renderer';
import type { ScreenFigures } from './scenarios/screen';
import type { SoakFigures } from './scenarios/soak';
import { ratio } from './lib/stats';

export type TargetStatus = 'met' | 'missed' | 'not measured';

export interface TargetResult {
  target: string;
  measured: string;
  status: TargetStatus;
}

/** The Targets section, evaluated on one run's figures (ratios within the same run). */
export function evaluateTargets(results: Record<string, unknown>): TargetResult[] {
  const latency = (results.latency as { figures: LatencyFigures[] } | undefined)?.figures;
  const rate = (results.rate as { figures: RateFigures[] } | undefined)?.figures;
  const clients = (results.clients as { figures: ClientFigures[] } | undefined)?.figures;
  const renderer = (results.renderer as { figures: RendererFigures[] } | undefined)?.figures;
  const soak = results.soak as SoakFigures | undefined;
  const screen = results.screen as ScreenFigures | undefined;
  const out: TargetResult[] = [];
  const check = (target: string, measured: string, ok: boolean | null) =>
    out.push({ target, measured, status: ok === null ? 'not measured' : ok ? 'met' : 'missed' });
  const n = (x: number, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : '-');
  /** a >= factor * b; null (not measured) when either is missing or both are zero. */
  const atLeast = (a: number, b: number, factor: number): boolean | null => {
    if (!Number.isFinite(a) || !Number.isFinite(b) || (a === 0 && b === 0)) return null;
    return a >= factor * b;
  };

  const lat = (c: string) => latency?.find((f) => f.contender === c);
  const cb = lat('callboard');
  const base = lat('baseline');
  if (cb && base) {
    const r50 = ratio(cb.p50, base.p50);
    const r99 = ratio(cb.p99, base.p99);
    check(
      'latency p50 and p99 at most half the baseline (200 updates/s, 100 clients)',
      `p50 ${n(cb.p50)} vs ${n(base.p50)} ms (x${n(r50, 2)}); p99 ${n(cb.p99)} vs ${n(base.p99)} ms (x${n(r99, 2)})`,
      r50 <= 0.5 && r99 <= 0.5,
    );
  } else check('latency p50 and p99 at most half the baseline', '-', null);
  if (cb) {
    check(
      'a single update on an idle system: median < 25 ms',
      `${n(cb.idleP50)} ms`,
      cb.idleP50 < 25,
    );
  } else check('a single update on an idle system: median < 25 ms', '-', null);

  const rt = (c: string) => rate?.find((f) => f.contender === c);
  const cbRate = rt('callboard');
  const baseRate = rt('baseline');
  const ceilRate = rt('ceiling');
  if (cbRate && baseRate) {
    const r = ratio(cbRate.maxRate, baseRate.maxRate);
    check(
      'sustained rate at least 3x the baseline',
      `${n(cbRate.maxRate, 0)} vs ${n(baseRate.maxRate, 0)} updates/s (x${n(r, 2)})`,
      atLeast(cbRate.maxRate, baseRate.maxRate, 3),
    );
  } else check('sustained rate at least 3x the baseline', '-', null);
  if (cbRate && ceilRate) {
    const r = ratio(cbRate.deliveriesPerSecond, ceilRate.deliveriesPerSecond);
    check(
      "deliveries/s at least half of the raw-ws ceiling's",
      `${n(cbRate.deliveriesPerSecond, 0)} vs ${n(ceilRate.deliveriesPerSecond, 0)} (x${n(r, 2)})`,
      atLeast(cbRate.deliveriesPerSecond, ceilRate.deliveriesPerSecond, 0.5),
    );
  } else check("deliveries/s at least half of the raw-ws ceiling's", '-', null);

  const cl = (c: string) => clients?.find((f) => f.contender === c);
  const cbClients = cl('callboard');
  const baseClients = cl('baseline');
  if (cbClients && baseClients) {
    const r = ratio(cbClients.maxClients, baseClients.maxClients);
    const topped =
      /top of the ramp/.test(cbClients.limitedBy) && /top of the ramp/.test(baseClients.limitedBy);
    check(
      'clients at least 1.5x the baseline',
      `${n(cbClients.maxClients, 0)} vs ${n(baseClients.maxClients, 0)} (x${n(r, 2)})` +
        (topped ? ' (both reached the top of the ramp: use --full)' : ''),
      topped ? null : atLeast(cbClients.maxClients, baseClients.maxClients, 1.5),
    );
    check(
      'no more memory per client than the baseline',
      `${n(cbClients.bytesPerClient / 1024)} vs ${n(baseClients.bytesPerClient / 1024)} kB`,
      atLeast(baseClients.bytesPerClient, cbClients.bytesPerClient, 1),
    );
  } else {
    check('clients at least 1.5x the baseline', '-', null);
    check('no more memory per client than the baseline', '-', null);
  }

  const page = (p: string, panel = 'Campaigns') =>
    renderer?.find((f) => f.page === p && (f.panel ?? 'Campaigns') === panel);
  const cbPage = page('callboard');
  const basePage = page('baseline');
  for (const panel of ['Agents', 'Recent calls']) {
    const open = page('callboard', panel);
    if (!open) continue;
    check(
      `renderer: 10,000 active, 2,000 recent, 50 agents, ${panel} open: >= 2,000 row updates/s within the frame budget`,
      `${n(open.maxRate, 0)} updates/s`,
      open.maxRate >= 2000,
    );
  }
  if (cbPage && basePage) {
    check(
      'renderer: 10,000 rows and >= 2,000 row updates/s within the frame budget',
      `${n(cbPage.maxRate, 0)} updates/s`,
      cbPage.maxRate >= 2000,
    );
    const r = ratio(cbPage.maxRate, basePage.maxRate);
    check(
      'renderer: at least 5x what the baseline page sustains',
      `${n(cbPage.maxRate, 0)} vs ${n(basePage.maxRate, 0)} updates/s (x${n(r, 2)})`,
      atLeast(cbPage.maxRate, basePage.maxRate, 5),
    );
  } else {
    check('renderer: 10,000 rows and >= 2,000 row updates/s within the frame budget', '-', null);
    check('renderer: at least 5x what the baseline page sustains', '-', null);
  }

  if (soak) {
    check(
      'soak: memory growth after warm-up < 1% per hour',
      `server ${n(soak.serverHeapGrowthPctPerHour)} %/h, renderer ${n(soak.rendererHeapGrowthPctPerHour)} %/h over ${soak.minutes} min`,
      soak.serverHeapGrowthPctPerHour < 1 && soak.rendererHeapGrowthPctPerHour < 1,
    );
  } else
    check('soak: memory growth after warm-up < 1% per hour', '- (run with --soak MINUTES)', null);
  const idleTurn = screen?.transcriptIdle;
  check(
    'on screen: a transcript turn on an idle system, p50 < 50 ms (MongoDB write to the DOM)',
    idleTurn ? `${n(idleTurn.dom.p50, 0)} ms (p99 ${n(idleTurn.dom.p99, 0)} ms)` : '-',
    idleTurn ? idleTurn.missing === 0 && idleTurn.dom.p50 < 50 : null,
  );
  if (screen) {
    const { without, with: loaded } = screen.list;
    check(
      'on screen: transcripts do not make the list stream heavier (document bytes per update)',
      `${n(without.docBytes / without.updateDocs, 0)} vs ${n(loaded.docBytes / loaded.updateDocs, 0)} bytes; ${loaded.leaks} frames with a turn`,
      loaded.leaks === 0 &&
        loaded.docBytes / loaded.updateDocs <= without.docBytes / without.updateDocs,
    );
  } else {
    check(
      'on screen: transcripts do not make the list stream heavier (document bytes per update)',
      '-',
      null,
    );
  }
  return out;
}
