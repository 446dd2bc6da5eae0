import { useShallow } from 'zustand/react/shallow';
import { DEFAULT_ALERT_THRESHOLDS } from '../../../shared/alerts-types';
import { formatAgo, formatClock, formatCount, formatSpoken } from '../lib/format';
import {
  connectionLevel,
  countCalls,
  failureLevel,
  longestWaitStart,
  recentOutcomes,
  talkLevel,
  waitLevel,
  type Level,
} from '../lib/kpis';
import { useCallboard, useNow } from '../store/context';

export function useThresholds() {
  return useCallboard((s) => s.settingsView?.settings.alerts ?? DEFAULT_ALERT_THRESHOLDS);
}

export function useCallCounts() {
  return useCallboard(useShallow((s) => countCalls(s.calls)));
}

export function Tile(props: {
  label: string;
  value: string;
  level?: Level;
  title?: string;
  testId?: string;
}) {
  const { label, value, level = 'ok', title, testId } = props;
  return (
    <div className={`kpi kpi-${level}`} title={title} data-testid={testId} data-level={level}>
      <span className="kpi-value">{value}</span>
      <span className="kpi-label">{label}</span>
    </div>
  );
}

export function LongestWaitTile() {
  const start = useCallboard((s) => longestWaitStart(s.calls));
  const now = useNow();
  const thresholds = useThresholds();
  const seconds = start == null ? null : Math.max(0, Math.floor((now - start) / 1000));
  return (
    <Tile
      label="Longest wait"
      value={seconds == null ? '–' : formatClock(seconds)}
      title={seconds == null ? 'No call is waiting' : formatSpoken(seconds)}
      level={waitLevel(seconds, thresholds)}
      testId="kpi-longest-wait"
    />
  );
}

export function OutcomeTiles() {
  const recent = useCallboard((s) => s.recentEnded);
  const now = useNow();
  const thresholds = useThresholds();
  const outcomes = recentOutcomes(recent, now);
  const talk = outcomes.averageTalkSeconds;
  return (
    <>
      <Tile
        label="Avg talk, 15 min"
        value={talk == null ? '–' : formatClock(talk)}
        title={talk == null ? 'No call completed in the last 15 minutes' : formatSpoken(talk)}
        level={talkLevel(talk, thresholds)}
        testId="kpi-avg-talk"
      />
      <Tile label="Done, 15 min" value={formatCount(outcomes.completed)} testId="kpi-completed" />
      <Tile
        label="Failed, 15 min"
        value={formatCount(outcomes.failed)}
        level={failureLevel(outcomes.failureRate, thresholds)}
        testId="kpi-failed"
      />
    </>
  );
}

export function CountTiles() {
  const counts = useCallCounts();
  return (
    <>
      <Tile label="Active calls" value={formatCount(counts.active)} testId="kpi-active" />
      <Tile label="Queued" value={formatCount(counts.queued)} testId="kpi-queued" />
      <Tile label="Ringing" value={formatCount(counts.ringing)} testId="kpi-ringing" />
      <Tile label="In progress" value={formatCount(counts.inProgress)} testId="kpi-in-progress" />
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
  return (
    <section className="kpi-strip" aria-label="Key figures">
      <CountTiles />
      <LongestWaitTile />
      <OutcomeTiles />
      <ConnectionTile />
    </section>
  );
}
