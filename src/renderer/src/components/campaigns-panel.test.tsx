// @vitest-environment happy-dom
import { act, cleanup, fireEvent, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { renderApp } from '../test-support/render-app';
import {
  callEntry,
  campaignEntry,
  createMemoryApi,
  emptySnapshot,
  NOW,
} from '../test-support/memory-api';

afterEach(cleanup);

describe('campaigns panel', () => {
  it('says so when no campaign is active', async () => {
    renderApp(
      emptySnapshot({ campaigns: [campaignEntry({ campaignId: 'K0', status: 'completed' })] }),
    );
    expect(await screen.findByText('No active campaigns.')).toBeTruthy();
  });

  it('says it is loading, then shows progress, outcomes, in progress, pace and ETA', async () => {
    const api = createMemoryApi(
      emptySnapshot({
        calls: [
          callEntry({ callSid: 'CA1', campaignId: 'K1' }),
          callEntry({ callSid: 'CA2', campaignId: 'K1', status: 'ringing' }),
          callEntry({ callSid: 'CA3', campaignId: 'K2' }),
        ],
        campaigns: [
          campaignEntry({
            campaignId: 'K1',
            name: 'Winter renewals',
            totalCalls: 200,
            answeredCalls: 60,
            failedCalls: 20,
            noAnswerCalls: 20,
            inProgressCalls: 4,
            startedAt: new Date(NOW - 20 * 60_000).toISOString(),
          }),
        ],
      }),
    );
    api.holdSnapshot = true;
    renderApp(undefined, api);
    expect(await screen.findByText('Loading campaigns…')).toBeTruthy();
    await act(async () => api.releaseSnapshot());
    const card = await screen.findByTestId('campaign-card');
    expect(within(card).getByText('Winter renewals')).toBeTruthy();
    expect(within(card).getByTestId('campaign-progress').textContent).toBe('100 / 200 done (50%)');
    expect(within(card).getByText('Answered 60 (60%)')).toBeTruthy();
    expect(within(card).getByText('Failed 20 (20%)')).toBeTruthy();
    expect(within(card).getByText('No answer 20 (20%)')).toBeTruthy();
    // Counted live from the calls on screen, not the document's inProgressCalls (4).
    expect(within(card).getByText('In progress 2')).toBeTruthy();
    expect(within(card).getByText('Pace 5/min')).toBeTruthy();
    expect(within(card).getByText('ETA 20 minutes')).toBeTruthy();
    expect(within(card).getByRole('img', { name: /last 30 minutes/ })).toBeTruthy();
  });

  it('moves when the campaign progresses', async () => {
    const { api } = renderApp(
      emptySnapshot({
        campaigns: [campaignEntry({ campaignId: 'K1', totalCalls: 10, completedCalls: 2 })],
      }),
    );
    const card = await screen.findByTestId('campaign-card');
    act(() =>
      api.emit({
        campaignsUpserted: [
          campaignEntry({ campaignId: 'K1', totalCalls: 10, completedCalls: 7 }, NOW + 1000),
        ],
      }),
    );
    expect(within(card).getByTestId('campaign-progress').textContent).toBe('7 / 10 done (70%)');
  });

  it('filters the calls table to a campaign on click, and back on a second click', async () => {
    renderApp(
      emptySnapshot({
        calls: [
          callEntry({ callSid: 'CA1', campaignId: 'K1' }),
          callEntry({ callSid: 'CA2', campaignId: 'K2' }),
        ],
        campaigns: [
          campaignEntry({ campaignId: 'K1', name: 'Alpha' }),
          campaignEntry({ campaignId: 'K2', name: 'Beta' }),
        ],
      }),
    );
    const alpha = await screen.findByRole('button', { name: /^Alpha:/ });
    fireEvent.click(alpha);
    expect(alpha.getAttribute('aria-pressed')).toBe('true');
    expect(screen.getByTestId('calls-count').textContent).toBe('Showing 1 of 2 calls');
    fireEvent.click(alpha);
    expect(alpha.getAttribute('aria-pressed')).toBe('false');
    expect(screen.getByTestId('calls-count').textContent).toBe('Showing 2 of 2 calls');
  });
});
