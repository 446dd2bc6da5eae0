import { useMemo } from 'react';
import { computeOutcomeKpis, planLimitFor, type OutcomeKpis } from '../../../shared/kpi';
import type { ConnectionState } from '../../../shared/monitor';
import { formatAgo, formatCount, formatDecimal, formatPercent, formatTime } from '../lib/format';
import type { Level } from '../lib/kpis';
import { useCallboard, useNow, useStoreApi } from '../store/context';
import { KpiWindowPicker, useKpiWindow } from './kpi-window-picker';
import { Tile, useThresholds } from './tile';

/**
 * When the figures were last brought up to date: the last data the feed delivered, or since
 * when they may be out of date (DATA.md: "last updated" per figure, stale data looks stale).
 */
function freshness(connection: ConnectionState | null, now: number): string {
  if (!connection) return 'no data yet';
  if (connection.staleSince !== null) return `stale since ${formatTime(connection.staleSince)}`;
  return connection.lastEventAt !== null
    ? `updated ${formatAgo(connection.lastEventAt, now)}`
    : 'no data yet';
}

const CONCURRENCY_LEVELS: Record<'ok' | 'amber' | 'red', Level> = {
  ok: 'ok',
  amber: 'warn',
  red: 'bad',
};

/**
 * The AI-agent figures of the calls held (src/shared/kpi/outcome-kpis.ts), active and recent
 * (the server's window of ended calls, an hour by default, with their late analysis): success
 * rate, machine rate and cost over the KPI window the supervisor picked (KpiWindowPicker),
 * and concurrency against the plan limit (the server's when it advertises one, else the
 * setting): amber from 80 %, red at 100 %. Computed on the clock tick, not per delta: a full
 * pass over 10,000 calls once a second.
 */
function useOutcomeTiles() {
  const store = useStoreApi();
  const now = useNow();
  const connection = useCallboard((s) => s.connection);
  const thresholds = useThresholds();
  const { window, label } = useKpiWindow();
  const advertised = connection?.planLimit;
  const kpis: OutcomeKpis = useMemo(
    () =>
      computeOutcomeKpis(
        [...Object.values(store.getState().recent), ...Object.values(store.getState().calls)],
        {
          window,
          now,
          planLimit: planLimitFor(advertised, thresholds.planLimit),
        },
      ),
    [store, now, window, advertised, thresholds.planLimit],
  );
  const { total, concurrency } = kpis;
  const updated = freshness(connection, now);
  const stale = connection?.staleSince != null;
  const decided = total.success + total.failure;
  const enough = (n: number) => n > 0 && n >= thresholds.outcomeMinCalls;
  const successLevel: Level = stale
    ? 'warn'
    : enough(decided) &&
        total.successRate !== null &&
        total.successRate * 100 < thresholds.agentSuccessRatePercent
      ? 'bad'
      : 'ok';
  const machineLevel: Level = stale
    ? 'warn'
    : enough(total.answered) &&
        total.machineRate !== null &&
        total.machineRate * 100 > thresholds.campaignMachineRatePercent
      ? 'bad'
      : 'ok';
  const concurrencyLevel: Level =
    concurrency.level === null ? (stale ? 'warn' : 'ok') : CONCURRENCY_LEVELS[concurrency.level];
  return {
    success: (
      <Tile
        label={`Success, ${label}`}
        value={formatPercent(total.successRate)}
        detail={`of ${formatCount(decided)} · ${updated}`}
        title={`${formatCount(total.success)} succeeded, ${formatCount(total.failure)} failed, ${formatCount(total.undecided)} not decided yet`}
        level={successLevel}
        testId="kpi-success"
      />
    ),
    machine: (
      <Tile
        label={`Machine, ${label}`}
        value={formatPercent(total.machineRate)}
        detail={`of ${formatCount(total.answered)} · ${updated}`}
        title="Answered by a machine or a fax, of the calls with an answering-machine result"
        level={machineLevel}
        testId="kpi-machine"
      />
    ),
    cost: (
      <Tile
        label={`Cost, ${label}`}
        value={formatDecimal(total.cost)}
        detail={`${formatCount(total.costed)} calls · ${updated}`}
        title={`What the calls that ended in the window (${label}) report they cost (ElevenLabs credits)`}
        level={stale ? 'warn' : 'ok'}
        testId="kpi-cost"
      />
    ),
    concurrency: (
      <Tile
        label={
          concurrency.limit === null
            ? 'Concurrency (no limit set)'
            : `Concurrency, ${formatPercent(concurrency.ratio)} of plan`
        }
        value={
          concurrency.limit === null
            ? formatCount(concurrency.active)
            : `${formatCount(concurrency.active)} / ${formatCount(concurrency.limit)}`
        }
        detail={updated}
        title={
          concurrency.limit === null
            ? 'Set the plan limit in the settings (or serve --plan-limit) to compare'
            : 'Amber from 80 % of the plan limit, red at 100 % (burst: calls cost double)'
        }
        level={concurrencyLevel}
        testId="kpi-concurrency"
      />
    ),
  };
}

/** The KPI strip's outcome tiles, with the control that picks their window. */
export function OutcomeTiles() {
  const tiles = useOutcomeTiles();
  return (
    <>
      <KpiWindowPicker />
      {tiles.success}
      {tiles.machine}
      {tiles.cost}
      {tiles.concurrency}
    </>
  );
}

/** What a wall TV shows of them (issue 14): the success rate with its count, and concurrency. */
export function WallboardOutcomeTiles() {
  const tiles = useOutcomeTiles();
  return (
    <>
      {tiles.success}
      {tiles.concurrency}
    </>
  );
}
