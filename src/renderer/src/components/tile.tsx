import { DEFAULT_ALERT_THRESHOLDS } from '../../../shared/alerts-types';
import type { Level } from '../lib/kpis';
import { useCallboard } from '../store/context';

/** One figure of the KPI strip and the wallboard, coloured by its level. */
export function Tile(props: {
  label: string;
  value: string;
  level?: Level;
  title?: string;
  testId?: string;
  /** A second line under the label: the count behind a rate, when the figure was updated. */
  detail?: string;
}) {
  const { label, value, level = 'ok', title, testId, detail } = props;
  return (
    <div className={`kpi kpi-${level}`} title={title} data-testid={testId} data-level={level}>
      <span className="kpi-value">{value}</span>
      <span className="kpi-label">{label}</span>
      {detail ? <span className="kpi-label kpi-detail">{detail}</span> : null}
    </div>
  );
}

export function useThresholds() {
  return useCallboard((s) => s.settingsView?.settings.alerts ?? DEFAULT_ALERT_THRESHOLDS);
}
