import { format } from 'date-fns';
import { describe, expect, it } from 'vitest';
import { parseCall } from '../domain/schemas';
import type { Call } from '../domain/schemas';
import { callsToCsv, csvFileName } from './calls-csv';
import { readCsv } from './csv-reader.test-support';

/** As the screens hold them: parsed through the field mapping from documents as written. */
function parsed(doc: Record<string, unknown>): Call {
  const result = parseCall(doc);
  if (!result.ok) throw new Error(result.error);
  return result.value;
}

// date-fns, an independent implementation, for this machine's zone.
const local = (iso: string) => format(new Date(iso), "yyyy-MM-dd'T'HH:mm:ssxxx");

describe('calls CSV', () => {
  const analysed = parsed({
    callSid: 'CA1',
    status: 'completed',
    contactName: 'Diaz, Ana',
    to: '+15550100',
    from: '+15550199',
    agentId: 'agent_sales',
    campaignId: 'K1',
    startTime: '2026-12-04T09:00:00.000Z',
    endTime: '2026-12-04T09:03:05.000Z',
    duration: 185,
    analysis: {
      call_successful: 'success',
      call_summary_title: 'Booked a demo',
      transcript_summary: 'The customer said "yes" to a demo\non Friday.',
      evaluation_criteria_results: {
        greeting: { criteria_id: 'greeting', result: 'success', rationale: 'Said hello.' },
        goal: { criteria_id: 'goal', result: 'failure', rationale: '=1+1' },
      },
    },
    metadata: {
      cost: 812,
      termination_reason: 'Call ended by remote party',
      features_usage: { transfer_to_number: { used: false } },
    },
    AnsweredBy: 'human',
  });
  const bare = parsed({ callSid: 'CA2', status: 'ringing', to: '+15550111' });

  it('writes one record per call with its outcome fields and a pair of columns per criterion', () => {
    const records = readCsv(callsToCsv([analysed, bare]));
    const header = records[0]!;
    expect(header).toEqual([
      'Call',
      'Status',
      'Contact',
      'To',
      'From',
      'Agent',
      'Campaign',
      'Started',
      'Ended',
      'Duration (s)',
      'Outcome',
      'Title',
      'Summary',
      'Termination reason',
      'Transferred to a human',
      'Answered by',
      'Cost',
      'Criterion goal',
      'Criterion goal rationale',
      'Criterion greeting',
      'Criterion greeting rationale',
    ]);
    const row = (r: string[]) => Object.fromEntries(header.map((h, i) => [h, r[i]]));
    expect(records).toHaveLength(3);
    expect(row(records[1]!)).toEqual({
      Call: 'CA1',
      Status: 'completed',
      Contact: 'Diaz, Ana',
      To: "'+15550100",
      From: "'+15550199",
      Agent: 'agent_sales',
      Campaign: 'K1',
      Started: local('2026-12-04T09:00:00.000Z'),
      Ended: local('2026-12-04T09:03:05.000Z'),
      'Duration (s)': '185',
      Outcome: 'success',
      Title: 'Booked a demo',
      Summary: 'The customer said "yes" to a demo\non Friday.',
      'Termination reason': 'Call ended by remote party',
      'Transferred to a human': 'false',
      'Answered by': 'human',
      Cost: '812',
      'Criterion goal': 'failure',
      'Criterion goal rationale': "'=1+1",
      'Criterion greeting': 'success',
      'Criterion greeting rationale': 'Said hello.',
    });
    const second = row(records[2]!);
    expect(second).toMatchObject({ Call: 'CA2', Status: 'ringing', To: "'+15550111" });
    expect(Object.values(second).filter((v) => v !== '')).toEqual(['CA2', 'ringing', "'+15550111"]);
  });

  it('escapes every hostile cell a document can carry', () => {
    const hostile = parsed({
      callSid: '=HYPERLINK("http://evil.example")',
      status: '@import',
      contactName: '-2+3',
      to: '\t=1',
      agentId: '+cmd',
      campaignId: '\r=x',
      startTime: '=NOW()',
      analysis: {
        transcript_summary: '@SUM(A1:A9)',
        evaluation_criteria_results: { '=bad': { result: 'success', rationale: '+1' } },
      },
    });
    const records = readCsv(callsToCsv([hostile]));
    const cells = [...records[0]!, ...records[1]!];
    for (const cell of cells) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
    expect(records[1]!.slice(0, 8)).toEqual([
      `'=HYPERLINK("http://evil.example")`,
      "'@import",
      "'-2+3",
      "'\t=1",
      '',
      "'+cmd",
      "'\r=x",
      // A time that cannot be read was left out by the parse.
      '',
    ]);
    expect(records[0]!.slice(-2)).toEqual(['Criterion =bad', 'Criterion =bad rationale']);
  });

  it('names the file by the local time of the export, safe on every file system', () => {
    const at = Date.parse('2026-12-04T10:05:09.000Z');
    expect(csvFileName('calls', at)).toBe(
      `callboard-calls-${format(at, "yyyy-MM-dd'T'HH-mm-ss")}.csv`,
    );
  });
});
