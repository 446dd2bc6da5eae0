import { format } from 'date-fns';
import { describe, expect, it } from 'vitest';
import type { AgentKpis } from '../kpi/outcome-kpis';
import { agentsToCsv } from './agents-csv';
import { readCsv } from './csv-reader.test-support';

// date-fns, an independent implementation, for this machine's zone.
const local = (ms: number) => format(new Date(ms), "yyyy-MM-dd'T'HH:mm:ssxxx");

function agent(patch: Partial<AgentKpis> & { agentId: string }): AgentKpis {
  return {
    live: 0,
    ended: 0,
    success: 0,
    failure: 0,
    undecided: 0,
    successRate: null,
    undecidedShare: null,
    avgTalkSeconds: null,
    cost: 0,
    costed: 0,
    transfers: 0,
    ...patch,
  };
}

const FROM = Date.parse('2026-12-04T09:00:00.000Z');
const TO = Date.parse('2026-12-04T10:00:00.000Z');
const WINDOW = { from: FROM, to: TO, includesFrom: false };

describe('agents CSV', () => {
  it('writes a record per agent in the order given, with the counts and the window', () => {
    const rows = [
      agent({
        agentId: 'zoe',
        live: 2,
        ended: 9,
        success: 6,
        failure: 2,
        undecided: 1,
        successRate: 6 / 8,
        undecidedShare: 1 / 9,
        avgTalkSeconds: 94.6,
        cost: 12.5,
        costed: 8,
        transfers: 1,
      }),
      agent({ agentId: 'amy', ended: 1 }),
    ];
    const [head, ...records] = readCsv(agentsToCsv(rows, WINDOW));
    expect(head).toEqual([
      'Agent',
      'Live',
      'Done',
      'Succeeded',
      'Failed',
      'Success rate (%)',
      'Unknown',
      'Unknown share (%)',
      'Average talk (s)',
      'Cost',
      'Transfers',
      'From',
      'To',
    ]);
    expect(records).toEqual([
      ['zoe', '2', '9', '6', '2', '75', '1', '11.1', '95', '12.5', '1', local(FROM), local(TO)],
      // Blank where the table shows "–": no decided call, no cost reported.
      ['amy', '0', '1', '0', '0', '', '0', '', '', '', '0', local(FROM), local(TO)],
    ]);
  });

  it.each(['=cmd|" /C calc"!A0', '+SUM(1)', '-2+3', '@A1'])(
    'neutralises an agent id a spreadsheet would run: %s',
    (agentId) => {
      const [, record] = readCsv(agentsToCsv([agent({ agentId })], WINDOW));
      expect(record![0]).toBe(`'${agentId}`);
    },
  );
});
