import type { AgentKpis } from '../kpi/outcome-kpis';
import type { WindowBounds } from '../kpi/kpi-window';
import { formatIsoDateTime } from '../time-format';
import { toCsv, type CsvColumn } from './csv';

/**
 * "Export CSV" of the Agents table (issue 14): one record per agent, in the order the table
 * shows them, with the counts behind each rate (a spreadsheet recomputes the rate from them)
 * and the window the figures cover, ISO-8601 with the zone (src/shared/time-format.ts).
 * Agent ids come from the documents, so they go through the same formula escaping as every
 * text cell (./csv.ts).
 */

/** A share as a percentage with one decimal, or an empty cell before the first. */
const percent = (ratio: number | null) => (ratio === null ? null : Math.round(ratio * 1000) / 10);

export function agentCsvColumns(window: WindowBounds): CsvColumn<AgentKpis>[] {
  const from = Number.isFinite(window.from) ? formatIsoDateTime(window.from) : null;
  const to = Number.isFinite(window.to) ? formatIsoDateTime(window.to) : null;
  return [
    { header: 'Agent', value: (a) => a.agentId },
    { header: 'Live', value: (a) => a.live },
    { header: 'Done', value: (a) => a.ended },
    { header: 'Succeeded', value: (a) => a.success },
    { header: 'Failed', value: (a) => a.failure },
    { header: 'Success rate (%)', value: (a) => percent(a.successRate) },
    { header: 'Unknown', value: (a) => a.undecided },
    { header: 'Unknown share (%)', value: (a) => percent(a.undecidedShare) },
    {
      header: 'Average talk (s)',
      value: (a) => (a.avgTalkSeconds === null ? null : Math.round(a.avgTalkSeconds)),
    },
    { header: 'Cost', value: (a) => (a.costed > 0 ? a.cost : null) },
    { header: 'Transfers', value: (a) => a.transfers },
    { header: 'From', value: () => from },
    { header: 'To', value: () => to },
  ];
}

export function agentsToCsv(agents: readonly AgentKpis[], window: WindowBounds): string {
  return toCsv(agents, agentCsvColumns(window));
}
