import { useMemo, useState } from 'react';
import type { Call } from '../../../shared/domain';
import { callsToCsv, csvFileName } from '../../../shared/export/calls-csv';
import { csvDocument } from '../../../shared/export/csv';
import type { ExportRecord } from '../../../shared/ipc';
import { createVisibleIdsSelector } from '../lib/call-list';
import { useApi, useCallboard, useStoreApi } from '../store/context';

type Status = { kind: 'idle' } | { kind: 'busy' } | { kind: 'done'; text: string };

/** What one export holds: the CSV text, and how many records of what ("2 calls"). */
export interface CsvExport {
  csv: string;
  count: number;
  noun: { one: string; many: string };
}

/**
 * An "Export CSV" button: `build` reads what the screen shows at the click; the desktop app
 * asks where to save it, the web dashboard downloads it (CallboardApi.exportCsv). The file
 * is named after `what` and the time of the export.
 */
export function ExportCsvButton(props: {
  what: string;
  /** Which view it exports, for the server's audit log (ExportRecord). */
  view: ExportRecord['view'];
  disabled: boolean;
  build(): CsvExport;
  testId?: string;
}) {
  const { what, view, disabled, build, testId = 'export-status' } = props;
  const api = useApi();
  const [status, setStatus] = useState<Status>({ kind: 'idle' });

  const exportCsv = async () => {
    const { csv, count, noun } = build();
    setStatus({ kind: 'busy' });
    const result = await api.exportCsv(csvFileName(what, Date.now()), csvDocument(csv), {
      view,
      rows: count,
    });
    const counted = `${count} ${count === 1 ? noun.one : noun.many}`;
    setStatus({
      kind: 'done',
      text: !result.ok
        ? `Export failed: ${result.message}`
        : result.value.saved
          ? `Exported ${counted} to ${result.value.where}`
          : 'Export cancelled',
    });
  };

  return (
    <span className="export-calls">
      <button
        type="button"
        disabled={disabled || status.kind === 'busy'}
        onClick={() => void exportCsv()}
      >
        Export CSV
      </button>
      <span role="status" className="muted" data-testid={testId}>
        {status.kind === 'done' ? status.text : null}
      </span>
    </span>
  );
}

const CALLS = { one: 'call', many: 'calls' };

/** A CSV of these calls, in the order given (src/shared/export/calls-csv.ts). */
export function callsExport(calls: readonly Call[]): CsvExport {
  return { csv: callsToCsv(calls), count: calls.length, noun: CALLS };
}

/**
 * "Export CSV" of the calls the table shows: the filters and the sort order applied, as they
 * are at the click.
 */
export function ExportCallsButton() {
  const store = useStoreApi();
  const hasCalls = useCallboard((s) => s.callCount > 0);
  const selectIds = useMemo(() => createVisibleIdsSelector(), []);
  return (
    <ExportCsvButton
      what="calls"
      view="active"
      disabled={!hasCalls}
      build={() => {
        const state = store.getState();
        return callsExport(
          selectIds(state).flatMap((id) => {
            const entry = state.calls[id];
            return entry ? [entry.call] : [];
          }),
        );
      }}
    />
  );
}
