// @vitest-environment happy-dom
import { act, cleanup, fireEvent, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { Call } from '../../../shared/domain/schemas';
import type { CallEntry } from '../../../shared/feed/types';
import { formatTime } from '../lib/format';
import { renderApp } from '../test-support/render-app';
import { callEntry, createMemoryApi, emptySnapshot, NOW } from '../test-support/memory-api';

afterEach(cleanup);

const endedAt = (minutesAgo: number) => NOW - minutesAgo * 60_000;

/** An ended call as the recent window holds it. */
function ended(call: Partial<Call> & { callSid: string }, minutesAgo: number): CallEntry {
  const end = endedAt(minutesAgo);
  return {
    ...callEntry({
      status: 'completed',
      startTime: new Date(end - 90_000).toISOString(),
      endTime: new Date(end).toISOString(),
      ...call,
    }),
    endedAt: end,
  };
}

async function openTab(name: string) {
  fireEvent.click(await screen.findByRole('tab', { name }));
}

const rowOf = (callSid: string) =>
  document.querySelector(`tr[data-call-sid="${callSid}"]`) as HTMLElement;

describe('Recent calls panel', () => {
  it('lists ended calls newest first with their outcome, and follows a late analysis', async () => {
    const api = createMemoryApi(
      emptySnapshot({
        recent: [
          ended({ callSid: 'CA-old', agentId: 'ada', callSuccessful: 'failure', cost: 0.42 }, 30),
          ended(
            {
              callSid: 'CA-new',
              agentId: 'bob',
              contactName: 'Jo Bloggs',
              answeredBy: 'human',
              terminationReason: 'client hung up',
            },
            2,
          ),
          ended({ callSid: 'CA-busy', status: 'busy', agentId: 'ada' }, 10),
        ],
      }),
    );
    renderApp(undefined, api);
    await openTab('Recent calls');
    const table = await screen.findByRole('table');
    expect(
      within(table)
        .getAllByRole('columnheader')
        .map((h) => h.textContent),
    ).toEqual([
      'Ended',
      'To / contact',
      'Agent',
      'Status',
      'Outcome',
      'Summary',
      'Duration',
      'Cost',
      'Answered by',
      'Termination reason',
    ]);
    const order = [...table.querySelectorAll('tbody tr')].map((r) =>
      r.getAttribute('data-call-sid'),
    );
    expect(order).toEqual(['CA-new', 'CA-busy', 'CA-old']);
    const fresh = rowOf('CA-new');
    expect(within(fresh).getByTestId('outcome').textContent).toBe('analysing…');
    expect(within(fresh).getByTestId('summary').textContent).toBe('–');
    expect(fresh.textContent).toContain(formatTime(endedAt(2)));
    expect(fresh.textContent).toContain('Jo Bloggs');
    expect(fresh.textContent).toContain('client hung up');
    expect(fresh.textContent).toContain('human');
    expect(within(rowOf('CA-busy')).getByTestId('outcome').textContent).toBe('–');
    expect(within(rowOf('CA-old')).getByTestId('outcome').textContent).toBe('failure');
    expect(rowOf('CA-old').textContent).toContain('0.42');

    const analysed = ended({ callSid: 'CA-new', agentId: 'bob', callSuccessful: 'success' }, 2);
    await act(async () => api.emit({ recentUpserted: [analysed] }));
    expect(within(rowOf('CA-new')).getByTestId('outcome').textContent).toBe('success');
    await act(async () => api.emit({ recentRemoved: ['CA-old'] }));
    expect(rowOf('CA-old')).toBeNull();
  });

  it('opens the call details with the outcome from the keyboard', async () => {
    renderApp(
      emptySnapshot({
        recent: [
          ended(
            {
              callSid: 'CA1',
              callSuccessful: 'success',
              callSummaryTitle: 'Renewal agreed',
              transcriptSummary: 'The customer renewed for a year.',
              evaluationCriteriaResults: {
                greeting: { result: 'success', rationale: 'Named the company.' },
              },
            },
            1,
          ),
        ],
      }),
    );
    await openTab('Recent calls');
    const row = rowOf('CA1');
    const summary = within(row).getByTestId('summary');
    expect(summary.textContent).toBe('Renewal agreed');
    expect(summary.getAttribute('title')).toBe('The customer renewed for a year.');
    row.focus();
    fireEvent.keyDown(row, { key: 'Enter' });
    const details = await screen.findByTestId('call-details');
    expect(within(details).getByTestId('details-outcome').textContent).toBe('success');
    expect(within(details).getByText('Renewal agreed')).toBeTruthy();
    expect(within(details).getByText('The customer renewed for a year.')).toBeTruthy();
    const criteria = within(details).getByRole('list', { name: 'Evaluation criteria' });
    expect(criteria.textContent).toBe('greeting: success – Named the company.');
  });

  it('shows the newest hundred of a large window, and a hundred more on request', async () => {
    // 250 calls ended one minute apart: CA-0 is the newest.
    const recent = Array.from({ length: 250 }, (_, i) =>
      ended({ callSid: `CA-${i}`, agentId: 'ada' }, i / 10),
    );
    renderApp(undefined, createMemoryApi(emptySnapshot({ recent })));
    await openTab('Recent calls');
    const table = await screen.findByRole('table');
    const shown = () =>
      [...table.querySelectorAll('tbody tr')].map((r) => r.getAttribute('data-call-sid'));
    expect(shown()).toEqual(Array.from({ length: 100 }, (_, i) => `CA-${i}`));
    expect(screen.getByText(/The newest 100 of 250 shown/)).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Show 100 more' }));
    expect(shown()).toHaveLength(200);
    fireEvent.click(screen.getByRole('button', { name: 'Show 50 more' }));
    expect(shown()).toHaveLength(250);
    expect(screen.queryByRole('button', { name: /more$/ })).toBeNull();
  });

  it('says recent calls need a v2 server when the server cannot serve them', async () => {
    renderApp(
      emptySnapshot({
        recentStatus: {
          status: 'unavailable',
          message: 'recent calls need a Callboard v2 server (no answer to subscribe:recent)',
        },
      }),
    );
    await openTab('Recent calls');
    const panel = (await screen.findByRole('heading', { name: 'Recent calls' })).parentElement!;
    expect(within(panel).getByRole('status').textContent).toBe(
      'recent calls need a Callboard v2 server (no answer to subscribe:recent)',
    );
    expect(screen.queryByText('Loading recent calls…')).toBeNull();
  });
});

describe('Agents panel', () => {
  it('shows each agent over active and recent calls, and follows a new verdict', async () => {
    const api = createMemoryApi(
      emptySnapshot({
        calls: [callEntry({ callSid: 'L1', agentId: 'ada' })],
        recent: [
          ended({ callSid: 'R1', agentId: 'ada', callSuccessful: 'success', cost: 1 }, 5),
          ended({ callSid: 'R2', agentId: 'ada', callSuccessful: 'failure', cost: 0.5 }, 6),
          ended({ callSid: 'R3', agentId: 'ada' }, 7),
          ended(
            { callSid: 'R4', agentId: 'bob', callSuccessful: 'success', transferredToHuman: true },
            8,
          ),
        ],
      }),
    );
    const { clock } = renderApp(undefined, api);
    await openTab('Agents');
    expect(await screen.findByRole('heading', { name: 'Agents' })).toBeTruthy();
    const ada = document.querySelector('tr[data-agent-id="ada"]') as HTMLElement;
    const cells = [...ada.children].map((c) => c.textContent);
    // live 1; done 3; success 1 of 2 decided; 1 of 3 analysable still unknown; cost 1.5
    expect(cells.slice(0, 4)).toEqual(['ada', '1', '3', '50% of 2']);
    // (cells[4] is the trend sparkline)
    expect(cells[5]).toBe('33% of 3');
    expect(cells[7]).toBe('1.5');
    const bob = document.querySelector('tr[data-agent-id="bob"]') as HTMLElement;
    expect([...bob.children].map((c) => c.textContent).at(-1)).toBe('1');

    await act(async () =>
      api.emit({
        recentUpserted: [ended({ callSid: 'R3', agentId: 'ada', callSuccessful: 'success' }, 7)],
      }),
    );
    // The figures follow on the clock tick.
    act(() => clock.advance(1_000));
    expect(within(ada).getByTestId('success-rate').textContent).toBe('67% of 3');
  });
});
