// @vitest-environment happy-dom
import { act, cleanup, fireEvent, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { readCsv } from '../../../shared/export/csv-reader.test-support';
import type { Verdict } from '../../../shared/domain/outcome-fields';
import type { CallEntry } from '../../../shared/feed/types';
import { renderApp } from '../test-support/render-app';
import { callEntry, emptySnapshot, NOW } from '../test-support/memory-api';

afterEach(cleanup);

interface Doc {
  sid: string;
  agent: string;
  verdict?: Verdict;
  minutesAgo: number;
  cost?: number;
  criteria?: Record<string, [Verdict, string?]>;
}

// Four agents with different figures; `dee` has no decided call and no cost (blank cells).
const DOCS: Doc[] = [
  {
    sid: 'a1',
    agent: 'ada',
    verdict: 'success',
    minutesAgo: 2,
    cost: 3,
    criteria: { greeting: ['success', 'Said hello by name.'], goal: ['failure', 'No booking.'] },
  },
  {
    sid: 'a2',
    agent: 'ada',
    verdict: 'failure',
    minutesAgo: 7,
    cost: 1,
    criteria: { greeting: ['failure', 'Skipped the greeting.'] },
  },
  {
    sid: 'a3',
    agent: 'ada',
    verdict: 'success',
    minutesAgo: 33,
    cost: 2,
    criteria: { greeting: ['success'], goal: ['unknown', 'Could not tell.'] },
  },
  { sid: 'a4', agent: 'ada', verdict: 'success', minutesAgo: 58 },
  { sid: 'b1', agent: 'bob', verdict: 'failure', minutesAgo: 4, cost: 10 },
  { sid: 'b2', agent: 'bob', verdict: 'failure', minutesAgo: 21, cost: 10 },
  {
    sid: 'b3',
    agent: 'bob',
    verdict: 'success',
    minutesAgo: 50,
    criteria: { greeting: ['success', 'Warm.'] },
  },
  { sid: 'c1', agent: 'cy', verdict: 'success', minutesAgo: 12, cost: 0.5 },
  { sid: 'd1', agent: 'dee', verdict: 'unknown', minutesAgo: 9 },
  // Outside the 60-minute window: counted nowhere.
  {
    sid: 'a0',
    agent: 'ada',
    verdict: 'failure',
    minutesAgo: 75,
    cost: 99,
    criteria: { greeting: ['failure', 'Too old to count.'] },
  },
];
const AGENTS = ['ada', 'bob', 'cy', 'dee'];

function entry(d: Doc, now: number): CallEntry {
  const end = now - d.minutesAgo * 60_000;
  const results = d.criteria
    ? Object.fromEntries(
        Object.entries(d.criteria).map(([id, [result, rationale]]) => [
          id,
          rationale ? { result, rationale } : { result },
        ]),
      )
    : undefined;
  return {
    ...callEntry({
      callSid: d.sid,
      agentId: d.agent,
      status: 'completed',
      startTime: new Date(end - 60_000).toISOString(),
      endTime: new Date(end).toISOString(),
      ...(d.verdict ? { callSuccessful: d.verdict } : {}),
      ...(d.cost !== undefined ? { cost: d.cost } : {}),
      ...(results ? { evaluationCriteriaResults: results } : {}),
      callSummaryTitle: `Call ${d.sid}`,
    }),
    endedAt: end,
  };
}

const percent = (ratio: number) =>
  new Intl.NumberFormat(undefined, { style: 'percent', maximumFractionDigits: 0 }).format(ratio);
const inWindow = DOCS.filter((d) => d.minutesAgo < 60);
const docsOf = (agent: string) => inWindow.filter((d) => d.agent === agent);

/** Each agent's success rate and cost, counted over the documents (null when blank). */
function figure(agent: string, key: 'successRate' | 'cost' | 'ended'): number | null {
  const docs = docsOf(agent);
  if (key === 'ended') return docs.length;
  if (key === 'cost') {
    const costed = docs.filter((d) => d.cost !== undefined);
    return costed.length === 0 ? null : costed.reduce((sum, d) => sum + d.cost!, 0);
  }
  const decided = docs.filter((d) => d.verdict === 'success' || d.verdict === 'failure');
  return decided.length === 0
    ? null
    : decided.filter((d) => d.verdict === 'success').length / decided.length;
}

/** The order a column should give, worked out by hand: blanks last, ties by name. */
function expectedOrder(key: 'successRate' | 'cost' | 'ended', direction: 1 | -1): string[] {
  const known = AGENTS.filter((a) => figure(a, key) !== null);
  const blank = AGENTS.filter((a) => figure(a, key) === null);
  known.sort((a, b) => direction * (figure(a, key)! - figure(b, key)!) || a.localeCompare(b));
  return [...known, ...blank];
}

const shownAgents = () =>
  [...document.querySelectorAll('.agents-table tbody tr')].map((r) =>
    r.getAttribute('data-agent-id'),
  );
const header = (name: string) =>
  screen.getByRole('button', { name: new RegExp(`^${name}`) }).closest('th') as HTMLElement;
const row = (agent: string) =>
  document.querySelector(`.agents-table tr[data-agent-id="${agent}"]`) as HTMLElement;

async function showAgents() {
  const app = renderApp(emptySnapshot({ recent: DOCS.map((d) => entry(d, NOW + 1_000)) }));
  fireEvent.click(await screen.findByRole('tab', { name: 'Agents' }));
  act(() => app.clock.advance(1_000));
  return app;
}

describe('Agents panel', () => {
  it('sorts by a column, ascending then descending, blanks last, and says so in aria-sort', async () => {
    await showAgents();
    expect(shownAgents()).toEqual([...AGENTS].sort());
    expect(header('Agent').getAttribute('aria-sort')).toBe('ascending');
    for (const [name, key] of [
      ['Success rate', 'successRate'],
      ['Cost', 'cost'],
      ['Done', 'ended'],
    ] as const) {
      fireEvent.click(within(header(name)).getByRole('button'));
      expect(shownAgents()).toEqual(expectedOrder(key, 1));
      expect(header(name).getAttribute('aria-sort')).toBe('ascending');
      expect(header('Agent').getAttribute('aria-sort')).toBe('none');
      fireEvent.click(within(header(name)).getByRole('button'));
      expect(shownAgents()).toEqual(expectedOrder(key, -1));
      expect(header(name).getAttribute('aria-sort')).toBe('descending');
    }
    // The fixture tells the orders apart: sorting did something each time.
    expect(expectedOrder('successRate', 1)).not.toEqual(expectedOrder('cost', 1));
    fireEvent.click(within(header('Agent')).getByRole('button'));
    fireEvent.click(within(header('Agent')).getByRole('button'));
    expect(shownAgents()).toEqual([...AGENTS].sort().reverse());
  });

  it('draws each agent’s success rate per five minutes of the hour as its trend', async () => {
    const { clock } = await showAgents();
    const now = clock.now();
    for (const agent of AGENTS) {
      const svg = within(row(agent)).getByRole('img');
      expect(svg.getAttribute('aria-label')).toBe(
        `${agent}: success rate over last 60 min, oldest first`,
      );
      // Slice i of 12 holds the calls that ended in (now - 60 + 5i, now - 60 + 5(i+1)] minutes.
      const want: string[] = [];
      for (let i = 0; i < 12; i++) {
        const docs = docsOf(agent).filter((d) => {
          const at = now - d.minutesAgo * 60_000;
          const from = now - 60 * 60_000 + i * 5 * 60_000;
          return at > from && at <= from + 5 * 60_000;
        });
        const decided = docs.filter((d) => d.verdict === 'success' || d.verdict === 'failure');
        if (decided.length === 0) continue;
        const rate = decided.filter((d) => d.verdict === 'success').length / decided.length;
        want.push(`${((i * 120) / 11).toFixed(1)},${(22 - rate * 20).toFixed(1)}`);
      }
      const drawn = [
        ...[...svg.querySelectorAll('polyline')].flatMap((p) =>
          p.getAttribute('points')!.split(' '),
        ),
        ...[...svg.querySelectorAll('circle')].map(
          (c) =>
            `${Number(c.getAttribute('cx')).toFixed(1)},${Number(c.getAttribute('cy')).toFixed(1)}`,
        ),
      ].sort();
      expect(drawn).toEqual(want.sort());
    }
  });

  it('opens an agent’s view with its criteria pass rates, their rationales and its calls', async () => {
    const { store } = await showAgents();
    fireEvent.click(row('ada'));
    expect(row('ada').getAttribute('aria-selected')).toBe('true');
    const view = screen.getByRole('region', { name: 'Agent ada' });
    const criteria = within(view)
      .getAllByRole('listitem')
      .filter((li) => li.dataset.criterionId);
    // Every criterion ada's calls in the window were judged on, with its pass rate.
    const judged = new Map<string, [Verdict, string?][]>();
    for (const d of [...docsOf('ada')].sort((a, b) => a.minutesAgo - b.minutesAgo)) {
      for (const [id, r] of Object.entries(d.criteria ?? {})) {
        judged.set(id, [...(judged.get(id) ?? []), r]);
      }
    }
    expect(criteria.map((li) => li.dataset.criterionId)).toEqual([...judged.keys()].sort());
    for (const li of criteria) {
      const results = judged.get(li.dataset.criterionId!)!;
      const passed = results.filter(([r]) => r === 'success').length;
      const decided = results.filter(([r]) => r !== 'unknown').length;
      expect(within(li).getByTestId('pass-rate').textContent).toBe(
        `${percent(passed / decided)} of ${decided}`,
      );
      // Hover shows the newest rationale; expanding lists each call's.
      const rationales = results.flatMap(([, why]) => (why ? [why] : []));
      expect(li.querySelector('summary')!.getAttribute('title')).toBe(rationales[0]);
      const listed = li.querySelector('.criterion-rationales')!.textContent!;
      for (const why of rationales) expect(listed).toContain(why);
      expect(listed).not.toContain('Too old to count.');
    }
    const calls = within(within(view).getByRole('table', { name: 'Calls of ada' }))
      .getAllByRole('row')
      .slice(1);
    const newestFirst = [...docsOf('ada')].sort((a, b) => a.minutesAgo - b.minutesAgo);
    expect(calls.map((r) => r.getAttribute('data-call-sid'))).toEqual(
      newestFirst.map((d) => d.sid),
    );
    fireEvent.keyDown(calls[1]!, { key: 'Enter' });
    expect(store.getState().selectedCallSid).toBe(newestFirst[1]!.sid);

    // Enter on another row switches the view; the same row again, or Close, closes it.
    fireEvent.keyDown(row('bob'), { key: 'Enter' });
    expect(screen.getByRole('region', { name: 'Agent bob' })).toBeTruthy();
    expect(row('ada').getAttribute('aria-selected')).toBe('false');
    fireEvent.click(row('bob'));
    expect(screen.queryByRole('region', { name: /^Agent / })).toBeNull();
    fireEvent.click(row('cy'));
    fireEvent.click(within(screen.getByRole('region', { name: 'Agent cy' })).getByText('Close'));
    expect(screen.queryByRole('region', { name: /^Agent / })).toBeNull();
  });

  it('"Export CSV" exports the agents table as shown: its rows, in its order, its window', async () => {
    const { api, clock } = await showAgents();
    fireEvent.click(within(header('Success rate')).getByRole('button'));
    const shown = shownAgents();
    const panel = screen.getByRole('region', { name: 'Agents' });
    fireEvent.click(within(panel).getByRole('button', { name: 'Export CSV' }));
    await screen.findByText(/^Exported 4 agents to \/tmp\/callboard-agents-/);
    const [, , csv, record] = api.calls.find((c) => c[0] === 'exportCsv')!;
    // What the server's audit log is told: the view and how many rows.
    expect(record).toEqual({ view: 'agents', rows: shown.length });
    const [head, ...records] = readCsv((csv as string).slice(1));
    const col = (name: string) => head!.indexOf(name);
    expect(records.map((r) => r[col('Agent')])).toEqual(shown);
    for (const r of records) {
      const agent = r[col('Agent')]!;
      expect(Number(r[col('Done')])).toBe(figure(agent, 'ended'));
      const rate = figure(agent, 'successRate');
      expect(r[col('Success rate (%)')]).toBe(
        rate === null ? '' : String(Math.round(rate * 1000) / 10),
      );
      const spent = figure(agent, 'cost');
      expect(r[col('Cost')]).toBe(spent === null ? '' : String(spent));
      // The window: the last 60 minutes up to now, as ISO-8601 with the zone.
      expect(Date.parse(r[col('To')]!)).toBe(Math.floor(clock.now() / 1000) * 1000);
      expect(Date.parse(r[col('From')]!)).toBe(Math.floor(clock.now() / 1000) * 1000 - 3_600_000);
      expect(r[col('From')]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$/);
    }
  });
});
