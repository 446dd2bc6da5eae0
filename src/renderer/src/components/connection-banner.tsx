import type { ConnectionState } from '../../../shared/monitor';
import { formatAgo, formatSpan, formatTime } from '../lib/format';
import { useApi, useCallboard, useNow } from '../store/context';

function describe(connection: ConnectionState, now: number): string {
  const target = connection.target || 'the feed';
  switch (connection.status) {
    case 'connecting':
      return `Connecting to ${target}…`;
    case 'reconnecting': {
      const attempt = connection.attempt != null ? `, attempt ${connection.attempt}` : '';
      const next =
        connection.nextRetryAt != null
          ? connection.nextRetryAt > now
            ? `, next try in ${formatSpan(connection.nextRetryAt - now)}`
            : ', trying now'
          : '';
      return `Reconnecting to ${target}${attempt}${next}.`;
    }
    case 'resyncing':
      return `Resyncing with ${target}: loading a fresh snapshot…`;
    case 'failed':
      return `Cannot reach ${target}.`;
    case 'stopped':
      return 'The feed is stopped.';
    case 'live':
      return '';
  }
}

/** Says what is happening whenever the feed is not live; the data below is marked stale. */
export function ConnectionBanner() {
  const connection = useCallboard((s) => s.connection);
  const api = useApi();
  const now = useNow();
  if (!connection || connection.status === 'live') return null;
  const failed = connection.status === 'failed' || connection.status === 'stopped';
  const canRetry = connection.status === 'reconnecting' || failed;
  return (
    <div
      className={`connection-banner banner-${connection.status}`}
      role={failed ? 'alert' : 'status'}
      data-testid="connection-banner"
      data-status={connection.status}
    >
      <span className="banner-text">{describe(connection, now)}</span>
      {connection.error ? <span className="banner-error">{connection.error}</span> : null}
      {connection.staleSince != null ? (
        <span className="banner-stale">
          Data may be out of date since {formatTime(connection.staleSince)} (
          {formatAgo(connection.staleSince, now)}).
        </span>
      ) : null}
      {canRetry ? (
        <button type="button" onClick={() => void api.retryConnection()}>
          Retry now
        </button>
      ) : null}
    </div>
  );
}
