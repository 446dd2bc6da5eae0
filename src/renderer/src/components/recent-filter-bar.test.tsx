// @vitest-environment happy-dom
import { cleanup, fireEvent, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { Verdict } from '../../../shared/domain/outcome-fields';
import { readCsv } from '../../../shared/export/csv-reader.test-support';
import type { CallEntry } from '../../../shared/feed/types';
import { renderApp } from '../test-support/render-app';
import { callEntry, emptySnapshot, NOW } from '../test-support/memory-api';

afterEach(cleanup);

interface Doc {
  sid: string;
  agent: string;
  campaign?: string;
  status: 'completed' | 'busy' | 'no-answer';
  verdict?: Verdict;
  minutesAgo: number;
  summary?: string;
}

const DOCS: Doc[] = [
  {
    sid: 'R1',
    agent: 'ada',
    campaign: 'K1',
    status: 'completed',
    verdict: 'success',
    minutesAgo: 1,
  },
  {
    sid: 'R2',
    agent: 'ada',
    campaign: 'K2',
    status: 'completed',
    verdict: 'failure',
    minutesAgo: 3,
    summary: '=HYPERLINK("http://evil.example")',
  },
  {
    sid: 'R3',
    agent: 'bob',
    campaign: 'K1',
    status: 'completed',
    verdict: 'unknown',
    minutesAgo: 5,
  },
  // Ended completed, analysis not in yet: undecided, so "unknown" like the KPIs count it.
  { sid: 'R4', agent: 'bob', campaign: 'K1', status: 'completed', minutesAgo: 7 },
  // No conversation, no analysis: no outcome at all.
  { sid: 'R5', agent: 'ada', campaign: 'K1', status: 'busy', minutesAgo: 9 },
  {
    sid: 'R6',
    agent: 'cy',
    status: 'completed',
    verdict: 'success',
    minutesAgo: 11,
    summary: '+1 555 0100 called back',
  },
  {
    sid: 'R7',
    agent: 'bob',
    campaign: 'K2',
    status: 'completed',
    verdict: 'failure',
    minutesAgo: 13,
  },
  { sid: 'R8', agent: 'ada', campaign: 'K1', status: 'no-answer', minutesAgo: 15 },
];

function entry(d: Doc): CallEntry {
  const end = NOW - d.minutesAgo * 60_000;
  return {
    ...callEntry({
      callSid: d.sid,
      agentId: d.agent,
      status: d.status,
      startTime: new Date(end - 60_000).toISOString(),
      endTime: new Date(end).toISOString(),
      ...(d.campaign ? { campaignId: d.campaign } : {}),
      ...(d.verdict ? { callSuccessful: d.verdict } : {}),
      ...(d.summary ? { transcriptSummary: d.summary } : {}),
    }),
    endedAt: end,
  };
}

/** The outcome a filter knows a document by, worked out from its fields. */
const outcomeOfDoc = (d: Doc) => d.verdict ?? (d.status === 'completed' ? 'unknown' : null);

function expectedSids(agent: string, campaign: string, outcome: string): string[] {
  return DOCS.filter(
    (d) =>
      (!agent || d.agent === agent) &&
      (!campaign || d.campaign === campaign) &&
      (!outcome || outcomeOfDoc(d) === outcome),
  )
    .sort((a, b) => a.minutesAgo - b.minutesAgo)
    .map((d) => d.sid);
}

const filterBar = () => screen.getByRole('search', { name: 'Filter recent calls' });
const choose = (label: string, value: string) =>
  fireEvent.change(within(filterBar()).getByLabelText(label), { target: { value } });
const shownSids = () =>
  [...document.querySelectorAll('.recent-table tbody tr')].map((r) =>
    r.getAttribute('data-call-sid'),
  );

async function showRecent() {
  const app = renderApp(emptySnapshot({ recent: DOCS.map(entry) }));
  fireEvent.click(await screen.findByRole('tab', { name: 'Recent calls' }));
  await screen.findByRole('table');
  return app;
}

describe('Recent calls filters', () => {
  it('combine agent, campaign and outcome, and the count says how many they let through', async () => {
    await showRecent();
    expect(screen.getByTestId('recent-count').textContent).toBe(`${DOCS.length} calls`);
    for (const agent of ['', 'ada', 'bob', 'cy']) {
      for (const campaign of ['', 'K1', 'K2']) {
        for (const outcome of ['', 'success', 'failure', 'unknown']) {
          choose('Agent', agent);
          choose('Campaign', campaign);
          choose('Outcome', outcome);
          const want = expectedSids(agent, campaign, outcome);
          expect(want.length === 0 ? [] : shownSids()).toEqual(want);
          if (want.length === 0) {
            expect(screen.getByText('No recent call matches the filters.')).toBeTruthy();
          }
          const filtering = agent || campaign || outcome;
          expect(screen.getByTestId('recent-count').textContent).toBe(
            filtering ? `${want.length} of ${DOCS.length} calls` : `${DOCS.length} calls`,
          );
        }
      }
    }
    fireEvent.click(within(filterBar()).getByRole('button', { name: 'Clear filters' }));
    expect(shownSids()).toEqual(expectedSids('', '', ''));
  });

  it('offers the agents and campaigns the window holds', async () => {
    await showRecent();
    const options = (label: string) =>
      [...(within(filterBar()).getByLabelText(label) as HTMLSelectElement).options].map(
        (o) => o.value,
      );
    expect(options('Agent')).toEqual(['', ...new Set(DOCS.map((d) => d.agent))].sort());
    expect(options('Campaign')).toEqual(['', 'K1', 'K2']);
    expect(options('Outcome')).toEqual(['', 'success', 'failure', 'unknown']);
  });

  it('"Export CSV" exports exactly the rows shown, formulas neutralised, ISO-8601 times', async () => {
    const { api } = await showRecent();
    choose('Agent', 'ada');
    const shown = shownSids();
    expect(shown).toEqual(expectedSids('ada', '', ''));
    fireEvent.click(within(filterBar()).getByRole('button', { name: 'Export CSV' }));
    await screen.findByText(/^Exported 4 calls to \/tmp\/callboard-recent-calls-/);
    const [, , csv, record] = api.calls.find((c) => c[0] === 'exportCsv')!;
    expect(record).toEqual({ view: 'recent', rows: shown.length });
    const [head, ...records] = readCsv((csv as string).slice(1));
    const col = (name: string) => head!.indexOf(name);
    expect(records.map((r) => r[col('Call')])).toEqual(shown);
    expect(records.find((r) => r[col('Call')] === 'R2')![col('Summary')]).toBe(
      `'=HYPERLINK("http://evil.example")`,
    );
    for (const r of records) {
      expect(r[col('Ended')]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$/);
      expect(Date.parse(r[col('Ended')]!)).toBe(
        NOW - DOCS.find((d) => d.sid === r[col('Call')])!.minutesAgo * 60_000,
      );
    }
  });
});
