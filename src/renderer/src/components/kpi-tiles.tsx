import { useMemo } from 'react';
import { summarizeOutcomes, type CallKpis, type OutcomeSummary } from '../../../shared/kpi';
import { createCallKpiTracker } from '../lib/calls-aggregates';
import { formatAgo, formatClock, formatCount, formatSpoken } from '../lib/format';
import { connectionLevel, failureLevel, talkLevel, waitLevel } from '../lib/kpis';
import { useCallboard, useNow } from '../store/context';
import { OutcomeTiles } from './outcome-tiles';
import { Tile, useThresholds } from './tile';

export interface HeaderKpis {
  calls: CallKpis;
  outcomes: OutcomeSummary;
}

/**
 * The shared KPI figures for the whole strip: a full pass once per clock tick, and between
 * ticks only the calls each delta changed (see createCallKpiTracker).
 */
export function useHeaderKpis(): HeaderKpis {
  const calls = useCallboard((s) => s.calls);
  const change = useCallboard((s) => s.callsChange);
  const outcomes = useCallboard((s) => s.outcomes);
  const now = useNow();
  const trackKpis = useMemo(() => createCallKpiTracker(), []);
  return useMemo(
    () => ({ calls: trackKpis(calls, change, now), outcomes: summarizeOutcomes(outcomes, now) }),
    [trackKpis, calls, change, outcomes, now],
  );
}

/** Active calls by status, longest wait, average talk, and the last 15 minutes' outcomes. */
export function KpiTiles({ kpis }: { kpis: HeaderKpis }) {
  const thresholds = useThresholds();
  const { calls, outcomes } = kpis;
  const wait = calls.longestWait?.seconds ?? null;
  const talk = calls.avgTalkSecondsInProgress;
  const ended = outcomes.completed + outcomes.failed;
  // Like the campaign rule: a rate means something only after enough calls ended.
  const failureRate =
    ended > 0 && ended >= thresholds.campaignMinCalls ? outcomes.failed / ended : null;
  const completedTalk = outcomes.avgTalkSecondsCompleted;
  return (
    <>
      <Tile label="Active calls" value={formatCount(calls.active)} testId="kpi-active" />
      <Tile
        label="Queued"
        value={formatCount(calls.byStatus.initiated + calls.byStatus.queued)}
        testId="kpi-queued"
      />
      <Tile label="Ringing" value={formatCount(calls.byStatus.ringing)} testId="kpi-ringing" />
      <Tile
        label="In progress"
        value={formatCount(calls.byStatus['in-progress'])}
        testId="kpi-in-progress"
      />
      <Tile
        label="Longest wait"
        value={wait == null ? '–' : formatClock(wait)}
        title={wait == null ? 'No call is waiting' : formatSpoken(wait)}
        level={waitLevel(wait, thresholds)}
        testId="kpi-longest-wait"
      />
      <Tile
        label="Avg talk"
        value={talk == null ? '–' : formatClock(talk)}
        title={
          `Calls in progress: ${talk == null ? 'none' : formatSpoken(talk)}. ` +
          `Completed in the last 15 min: ${completedTalk == null ? 'none' : formatSpoken(completedTalk)}.`
        }
        level={talkLevel(talk, thresholds)}
        testId="kpi-avg-talk"
      />
      <Tile label="Done, 15 min" value={formatCount(outcomes.completed)} testId="kpi-completed" />
      <Tile
        label="Failed, 15 min"
        value={formatCount(outcomes.failed)}
        title={`Failed, busy or not answered in the last 15 minutes (of ${ended} ended)`}
        level={failureLevel(failureRate, thresholds)}
        testId="kpi-failed"
      />
    </>
  );
}

const STATUS_WORDS = {
  connecting: 'Connecting',
  live: 'Live',
  reconnecting: 'Reconnecting',
  resyncing: 'Resyncing',
  failed: 'Disconnected',
  stopped: 'Stopped',
} as const;

export function ConnectionTile() {
  const connection = useCallboard((s) => s.connection);
  const now = useNow();
  const status = connection?.status;
  const updated =
    connection?.lastEventAt != null
      ? `updated ${formatAgo(connection.lastEventAt, now)}`
      : 'no data yet';
  return (
    <Tile
      label={updated}
      value={status ? STATUS_WORDS[status] : 'Loading'}
      level={connectionLevel(status)}
      title={connection?.target}
      testId="kpi-connection"
    />
  );
}

export function KpiStrip() {
  const kpis = useHeaderKpis();
  return (
    <section className="kpi-strip" aria-label="Key figures">
      <KpiTiles kpis={kpis} />
      <ConnectionTile />
      <OutcomeTiles />
    </section>
  );
}
