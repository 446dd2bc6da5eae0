import { useMemo, useState } from 'react';
import { callsToCsv, csvFileName } from '../../../shared/export/calls-csv';
import { csvDocument } from '../../../shared/export/csv';
import { createVisibleIdsSelector } from '../lib/call-list';
import { useApi, useCallboard, useStoreApi } from '../store/context';

type Status = { kind: 'idle' } | { kind: 'busy' } | { kind: 'done'; text: string };

/**
 * "Export CSV" of the calls the table shows: the filters and the sort order applied, as they
 * are at the click (src/shared/export/calls-csv.ts). The desktop app asks where to save it;
 * the web dashboard downloads it.
 */
export function ExportCallsButton() {
  const api = useApi();
  const store = useStoreApi();
  const hasCalls = useCallboard((s) => s.callCount > 0);
  const selectIds = useMemo(() => createVisibleIdsSelector(), []);
  const [status, setStatus] = useState<Status>({ kind: 'idle' });

  const exportCalls = async () => {
    const state = store.getState();
    const calls = selectIds(state).flatMap((id) => {
      const entry = state.calls[id];
      return entry ? [entry.call] : [];
    });
    setStatus({ kind: 'busy' });
    const result = await api.exportCsv(
      csvFileName('calls', Date.now()),
      csvDocument(callsToCsv(calls)),
      { view: 'active', rows: calls.length },
    );
    const count = `${calls.length} call${calls.length === 1 ? '' : 's'}`;
    setStatus({
      kind: 'done',
      text: !result.ok
        ? `Export failed: ${result.message}`
        : result.value.saved
          ? `Exported ${count} to ${result.value.where}`
          : 'Export cancelled',
    });
  };

  return (
    <span className="export-calls">
      <button
        type="button"
        disabled={!hasCalls || status.kind === 'busy'}
        onClick={() => void exportCalls()}
      >
        Export CSV
      </button>
      <span role="status" className="muted" data-testid="export-status">
        {status.kind === 'done' ? status.text : null}
      </span>
    </span>
  );
}
