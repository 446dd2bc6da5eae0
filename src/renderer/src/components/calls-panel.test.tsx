// @vitest-environment happy-dom
import { act, cleanup, fireEvent, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { renderApp } from '../test-support/render-app';
import {
  callEntry,
  campaignEntry,
  createMemoryApi,
  emptySnapshot,
  liveConnection,
  NOW,
} from '../test-support/memory-api';

afterEach(cleanup);

const rows = () =>
  within(screen.getByRole('grid', { name: 'Active calls' }))
    .queryAllByRole('row')
    .slice(1);
const rowFor = (callSid: string) =>
  document.querySelector<HTMLElement>(`[data-call-sid="${callSid}"]`);

const snapshot = () =>
  emptySnapshot({
    calls: [
      callEntry({
        callSid: 'CA1',
        contactName: 'Ann Lee',
        to: '+44 20 7946 0001',
        status: 'ringing',
        agentId: 'ag-1',
        campaignId: 'K1',
      }),
      callEntry({
        callSid: 'CA2',
        contactName: 'Bob Stone',
        to: '+1 555 010 2000',
        status: 'in-progress',
        agentId: 'ag-2',
        campaignId: 'K2',
      }),
      callEntry({ callSid: 'CA3', to: '+33 1 23 45 67 89', status: 'queued' }),
    ],
    campaigns: [
      campaignEntry({ campaignId: 'K1', name: 'Winter renewals' }),
      campaignEntry({ campaignId: 'K2', name: 'Autumn survey' }),
    ],
  });

describe('active calls panel', () => {
  it('says it is loading until the snapshot arrives', async () => {
    const api = createMemoryApi(snapshot());
    api.holdSnapshot = true;
    renderApp(undefined, api);
    expect(await screen.findByText('Loading calls…')).toBeTruthy();
    await act(async () => api.releaseSnapshot());
    expect(await screen.findByText('Ann Lee')).toBeTruthy();
  });

  it('shows the reason when the server cannot be reached, and retries', async () => {
    const api = createMemoryApi(snapshot());
    api.snapshotError = 'cannot reach http://127.0.0.1:7070: connection refused';
    renderApp(undefined, api);
    expect(await screen.findByText('Cannot reach the server')).toBeTruthy();
    expect(screen.getByText(/connection refused/)).toBeTruthy();
    api.snapshotError = null;
    fireEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(await screen.findByText('Ann Lee')).toBeTruthy();
    expect(api.calls.map((c) => c[0])).toContain('retryConnection');
  });

  it('says so when there are no active calls', async () => {
    renderApp(emptySnapshot());
    expect(await screen.findByText('No active calls')).toBeTruthy();
  });

  it('shows the reason and a retry when the feed failed with nothing on screen', async () => {
    const { api } = renderApp(
      emptySnapshot({
        connection: liveConnection({
          status: 'failed',
          target: 'http://srv:7070',
          error: 'ECONNREFUSED',
          staleSince: NOW,
        }),
      }),
    );
    expect(await screen.findByText('Cannot reach http://srv:7070')).toBeTruthy();
    fireEvent.click(
      within(screen.getByRole('region', { name: 'Active calls' })).getByRole('button', {
        name: 'Retry',
      }),
    );
    expect(api.calls.map((c) => c[0])).toContain('retryConnection');
  });

  it('lists calls with contact, number, status, live duration, agent and campaign', async () => {
    const { clock } = renderApp(snapshot());
    await screen.findByText('Ann Lee');
    const ann = rowFor('CA1')!;
    expect(within(ann).getByText('+44 20 7946 0001')).toBeTruthy();
    expect(within(ann).getByText('ringing')).toBeTruthy();
    expect(within(ann).getByText('1:05')).toBeTruthy();
    expect(within(ann).getByText('ag-1')).toBeTruthy();
    expect(within(ann).getByText('Winter renewals')).toBeTruthy();
    expect(within(rowFor('CA3')!).getByText('Unknown contact')).toBeTruthy();
    act(() => clock.advance(2000));
    expect(within(rowFor('CA1')!).getByText('1:07')).toBeTruthy();
  });

  it('updates a row when its call changes, shows the final status, and drops it when removed', async () => {
    const { api } = renderApp(snapshot());
    await screen.findByText('Ann Lee');
    act(() =>
      api.emit({
        callsUpserted: [
          callEntry({ callSid: 'CA1', contactName: 'Ann Lee', status: 'in-progress' }),
        ],
      }),
    );
    expect(rowFor('CA1')!.dataset.status).toBe('in-progress');
    act(() =>
      api.emit({
        callsUpserted: [
          {
            ...callEntry({
              callSid: 'CA1',
              contactName: 'Ann Lee',
              status: 'completed',
              duration: 61,
            }),
            endedAt: NOW,
          },
        ],
      }),
    );
    expect(within(rowFor('CA1')!).getByText('completed')).toBeTruthy();
    expect(within(rowFor('CA1')!).getByText('1:01')).toBeTruthy();
    act(() => api.emit({ callsRemoved: ['CA1'] }));
    expect(rowFor('CA1')).toBeNull();
    expect(screen.getByTestId('calls-count').textContent).toBe('Showing 2 of 2 calls');
  });

  it('keeps a call with a status no mapping knows, marked, until a known ended one', async () => {
    const { api } = renderApp(
      emptySnapshot({ calls: [callEntry({ callSid: 'CA7', status: 'Transferring' })] }),
    );
    await screen.findByText('unknown status: Transferring');
    expect(rowFor('CA7')!.classList.contains('is-ended')).toBe(false);
    const ended = callEntry({ callSid: 'CA7', status: 'completed' });
    act(() => api.emit({ callsUpserted: [{ ...ended, endedAt: NOW + 1 }], at: NOW + 1 }));
    expect(within(rowFor('CA7')!).getByText('completed')).toBeTruthy();
    expect(screen.queryByText(/unknown status/)).toBeNull();
  });

  it('marks a live call with no update for the quiet threshold (default 3 hours)', async () => {
    const last = NOW - 3 * 3_600_000;
    const { clock } = renderApp(
      emptySnapshot({
        calls: [
          callEntry({ callSid: 'OLD', status: 'in-progress' }, last),
          callEntry({ callSid: 'NEW', status: 'in-progress' }, last + 1000),
        ],
      }),
    );
    await screen.findAllByRole('row');
    const note = within(rowFor('OLD')!).getByTestId('quiet-note');
    const hhmmss = new Date(last).toTimeString().slice(0, 8);
    expect(note.textContent).toMatch(new RegExp(`^no update since ${hhmmss} \\(.*ago\\)$`));
    expect(within(rowFor('NEW')!).queryByTestId('quiet-note')).toBeNull();
    act(() => clock.advance(1000));
    expect(within(rowFor('NEW')!).getByTestId('quiet-note')).toBeTruthy();
  });

  it('filters by status, campaign and agent, and searches by name or number', async () => {
    renderApp(snapshot());
    await screen.findByText('Ann Lee');
    const ids = () =>
      rows()
        .map((r) => r.dataset.callSid)
        .sort();
    fireEvent.change(screen.getByLabelText('Status'), { target: { value: 'queued' } });
    expect(ids()).toEqual(['CA3']);
    fireEvent.click(screen.getByRole('button', { name: 'Clear filters' }));
    fireEvent.change(screen.getByLabelText('Campaign'), { target: { value: 'K2' } });
    expect(ids()).toEqual(['CA2']);
    fireEvent.click(screen.getByRole('button', { name: 'Clear filters' }));
    fireEvent.change(screen.getByLabelText('Agent'), { target: { value: 'ag-1' } });
    expect(ids()).toEqual(['CA1']);
    fireEvent.click(screen.getByRole('button', { name: 'Clear filters' }));
    fireEvent.change(screen.getByLabelText('Search'), { target: { value: 'stone' } });
    expect(ids()).toEqual(['CA2']);
    fireEvent.change(screen.getByLabelText('Search'), { target: { value: '2345' } });
    expect(ids()).toEqual(['CA3']);
    fireEvent.change(screen.getByLabelText('Search'), { target: { value: 'zzz' } });
    expect(ids()).toEqual([]);
    expect(screen.getByText('No calls match these filters.')).toBeTruthy();
  });

  it('sorts by a column header, and flips on a second click', async () => {
    renderApp(snapshot());
    await screen.findByText('Ann Lee');
    const order = () =>
      rows()
        .sort((a, b) =>
          a.getAttribute('aria-rowindex')!.localeCompare(b.getAttribute('aria-rowindex')!),
        )
        .map((r) => r.dataset.callSid);
    fireEvent.click(screen.getByRole('button', { name: /^Contact/ }));
    expect(order()).toEqual(['CA1', 'CA2', 'CA3']);
    expect(screen.getByRole('columnheader', { name: /Contact/ }).getAttribute('aria-sort')).toBe(
      'ascending',
    );
    fireEvent.click(screen.getByRole('button', { name: /^Contact/ }));
    expect(order()).toEqual(['CA3', 'CA2', 'CA1']);
    fireEvent.click(screen.getByRole('button', { name: /^Status/ }));
    expect(order()).toEqual(['CA3', 'CA1', 'CA2']);
  });

  it('shows a selected call’s details, and moves the selection with the keyboard', async () => {
    renderApp(snapshot());
    await screen.findByText('Ann Lee');
    fireEvent.click(screen.getByRole('button', { name: /^Contact/ }));
    fireEvent.click(rowFor('CA1')!);
    const details = screen.getByRole('region', { name: 'Call details' });
    expect(within(details).getByText('CA1')).toBeTruthy();
    expect(rowFor('CA1')!.getAttribute('aria-selected')).toBe('true');
    fireEvent.keyDown(screen.getByRole('rowgroup', { name: /arrow keys/ }), { key: 'ArrowDown' });
    expect(rowFor('CA2')!.getAttribute('aria-selected')).toBe('true');
    expect(
      within(screen.getByRole('region', { name: 'Call details' })).getByText('CA2'),
    ).toBeTruthy();
    fireEvent.keyDown(screen.getByRole('rowgroup', { name: /arrow keys/ }), { key: 'Escape' });
    expect(screen.queryByRole('region', { name: 'Call details' })).toBeNull();
  });

  it('renders only a window of rows out of 10,000', async () => {
    const many = Array.from({ length: 10_000 }, (_, i) =>
      callEntry({ callSid: `CA${i}`, contactName: `Contact ${i}` }),
    );
    renderApp(emptySnapshot({ calls: many }));
    await screen.findByText('Showing 10000 of 10000 calls');
    expect(rows().length).toBeGreaterThan(5);
    expect(rows().length).toBeLessThan(100);
    expect(screen.getByRole('grid', { name: 'Active calls' }).getAttribute('aria-rowcount')).toBe(
      '10001',
    );
  });

  it('marks the data stale while the feed is not live', async () => {
    const { api } = renderApp(snapshot());
    await screen.findByText('Ann Lee');
    expect(screen.queryByTestId('stale-tag')).toBeNull();
    act(() =>
      api.emit({
        connection: liveConnection({ status: 'reconnecting', attempt: 1, staleSince: NOW }),
      }),
    );
    expect(screen.getByTestId('stale-tag')).toBeTruthy();
    act(() => api.emit({ connection: liveConnection() }));
    expect(screen.queryByTestId('stale-tag')).toBeNull();
  });
});
