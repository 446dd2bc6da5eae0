import type { ReactNode } from 'react';
import { useCallboard } from '../store/context';
import { CallDetails } from './call-details';
import { CallFilters } from './call-filters';
import { CallsTable } from './calls-table';
import { ExportCallsButton } from './export-calls';

function PanelState(props: { title: string; children?: ReactNode; role?: 'alert' | 'status' }) {
  return (
    <div className="panel-state" role={props.role ?? 'status'}>
      <p className="panel-state-title">{props.title}</p>
      {props.children}
    </div>
  );
}

export function CallsPanel({ onRetry }: { onRetry: () => void }) {
  const load = useCallboard((s) => s.load);
  const connection = useCallboard((s) => s.connection);
  const hasCalls = useCallboard((s) => s.callCount > 0);
  const stale = connection != null && connection.status !== 'live';

  let body: ReactNode;
  if (load.phase === 'loading') {
    body = <PanelState title="Loading calls…" />;
  } else if (load.phase === 'error') {
    body = (
      <PanelState title="Cannot reach the server" role="alert">
        <p className="panel-state-reason">{load.message}</p>
        <button type="button" onClick={onRetry}>
          Retry
        </button>
      </PanelState>
    );
  } else if (!hasCalls && connection?.status === 'failed') {
    body = (
      <PanelState title={`Cannot reach ${connection.target}`} role="alert">
        {connection.error ? <p className="panel-state-reason">{connection.error}</p> : null}
        <button type="button" onClick={onRetry}>
          Retry
        </button>
      </PanelState>
    );
  } else if (!hasCalls) {
    body = (
      <>
        <PanelState title="No active calls">
          <p className="muted">Calls appear here as soon as they start.</p>
        </PanelState>
        {/* A call picked in Recent calls still opens its details. */}
        <CallDetails />
      </>
    );
  } else {
    body = (
      <>
        <CallsTable />
        <CallDetails />
      </>
    );
  }

  return (
    <section
      className={`calls-panel panel${stale ? ' is-stale' : ''}`}
      aria-labelledby="calls-heading"
      data-stale={stale || undefined}
    >
      <div className="panel-title">
        <h2 id="calls-heading">Active calls</h2>
        {stale ? (
          <span className="stale-tag" data-testid="stale-tag">
            Stale
          </span>
        ) : null}
        <ExportCallsButton />
      </div>
      <CallFilters />
      {body}
    </section>
  );
}
