import type { Call } from '../domain/schemas';
import { parseTimeMs } from '../kpi/call-times';
import { formatIsoDateTime } from '../time-format';
import { toCsv, type CsvColumn } from './csv';

/**
 * "Export CSV" of the calls a screen shows (issue 14): one record per call, in the order
 * given, with the outcome fields (DATA.md, "ElevenLabs post-call data"). Times are ISO-8601
 * in the supervisor's zone with its offset (src/shared/time-format.ts); a time that cannot be
 * read (parseCall leaves it out) is an empty cell. Each evaluation criterion that
 * any of the calls was judged on gets a result and a rationale column, in id order.
 */

const text = (value: unknown): string | undefined =>
  typeof value === 'string' ? value : undefined;

function time(value: unknown): string | undefined {
  const ms = parseTimeMs(value);
  return ms !== null ? formatIsoDateTime(ms) : undefined;
}

const BASE_COLUMNS: CsvColumn<Call>[] = [
  { header: 'Call', value: (c) => c.callSid },
  { header: 'Status', value: (c) => c.status },
  { header: 'Contact', value: (c) => text(c.contactName) },
  { header: 'To', value: (c) => text(c.to) },
  { header: 'From', value: (c) => text(c.from) },
  { header: 'Agent', value: (c) => text(c.agentId) },
  { header: 'Campaign', value: (c) => text(c.campaignId) },
  { header: 'Started', value: (c) => time(c.startTime) },
  { header: 'Ended', value: (c) => time(c.endTime) },
  { header: 'Duration (s)', value: (c) => (typeof c.duration === 'number' ? c.duration : null) },
  { header: 'Outcome', value: (c) => c.callSuccessful },
  { header: 'Title', value: (c) => c.callSummaryTitle },
  { header: 'Summary', value: (c) => c.transcriptSummary },
  { header: 'Termination reason', value: (c) => c.terminationReason },
  { header: 'Transferred to a human', value: (c) => c.transferredToHuman },
  { header: 'Answered by', value: (c) => c.answeredBy },
  { header: 'Cost', value: (c) => c.cost },
];

/** The column list for these calls: the fixed ones, then two per criterion seen. */
export function callCsvColumns(calls: readonly Call[]): CsvColumn<Call>[] {
  const criteria = new Set<string>();
  for (const call of calls) {
    for (const id of Object.keys(call.evaluationCriteriaResults ?? {})) criteria.add(id);
  }
  const own = (call: Call, id: string) => {
    const results = call.evaluationCriteriaResults;
    return results && Object.prototype.hasOwnProperty.call(results, id) ? results[id] : undefined;
  };
  return [
    ...BASE_COLUMNS,
    ...[...criteria].sort().flatMap((id): CsvColumn<Call>[] => [
      { header: `Criterion ${id}`, value: (c) => own(c, id)?.result },
      { header: `Criterion ${id} rationale`, value: (c) => own(c, id)?.rationale },
    ]),
  ];
}

export function callsToCsv(calls: readonly Call[]): string {
  return toCsv(calls, callCsvColumns(calls));
}

/** A file name for an export made at `at`: "callboard-calls-2026-12-04T10-05-09.csv" (local). */
export function csvFileName(what: string, at: number): string {
  return `callboard-${what}-${formatIsoDateTime(at).slice(0, 19).replace(/:/g, '-')}.csv`;
}
