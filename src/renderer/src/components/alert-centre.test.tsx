// @vitest-environment happy-dom
import { act, cleanup, fireEvent, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { renderApp } from '../test-support/render-app';
import { alert, callEntry, campaignEntry, emptySnapshot, NOW } from '../test-support/memory-api';

afterEach(cleanup);

const openAlerts = async () => {
  fireEvent.click(await screen.findByRole('button', { name: /^Alerts: / }));
  return screen.getByRole('region', { name: 'Alert centre' });
};

describe('alert centre', () => {
  it('says when all is quiet', async () => {
    renderApp(emptySnapshot());
    const centre = await openAlerts();
    expect(within(centre).getByText('No alerts. All quiet.')).toBeTruthy();
    expect(screen.getByTestId('alerts-badge-count').textContent).toBe('0');
  });

  it('lists unacknowledged alerts first, with the count in the header badge', async () => {
    renderApp(
      emptySnapshot({
        alerts: [
          alert({
            id: 'old',
            title: 'Acknowledged one',
            acknowledgedAt: NOW - 1000,
            severity: 'critical',
          }),
          alert({
            id: 'info',
            title: 'Campaign done',
            severity: 'info',
            kind: 'campaign-completed',
            target: { type: 'campaign', campaignId: 'K1' },
          }),
          alert({ id: 'crit', title: 'Call failed', severity: 'critical', kind: 'call-failed' }),
          alert({ id: 'snoozed', title: 'Snoozed one', snoozedUntil: NOW + 60_000 }),
        ],
      }),
    );
    const centre = await openAlerts();
    const titles = within(centre)
      .getAllByTestId('alert-item')
      .map((li) => li.dataset.alertId);
    expect(titles).toEqual(['crit', 'info', 'old', 'snoozed']);
    expect(screen.getByTestId('alerts-badge-count').textContent).toBe('2');
    expect(screen.getByRole('button', { name: 'Alerts: 2 unacknowledged' })).toBeTruthy();
  });

  it('acknowledges and snoozes through the API, and shows the new list the core sends', async () => {
    const { api } = renderApp(
      emptySnapshot({ alerts: [alert({ id: 'a1', title: 'Call waiting' })] }),
    );
    const centre = await openAlerts();
    const item = within(centre).getByTestId('alert-item');
    fireEvent.click(within(item).getByRole('button', { name: 'Snooze 15 min' }));
    fireEvent.click(within(item).getByRole('button', { name: 'Acknowledge' }));
    await act(async () => {});
    expect(api.calls).toContainEqual(['acknowledgeAlert', 'a1']);
    expect(api.calls).toContainEqual(['snoozeAlert', 'a1', 15]);
    act(() =>
      api.emit({ alerts: [alert({ id: 'a1', title: 'Call waiting', acknowledgedAt: NOW })] }),
    );
    expect(screen.getByTestId('alerts-badge-count').textContent).toBe('0');
    expect(within(centre).queryByRole('button', { name: 'Acknowledge' })).toBeNull();
  });

  it('shows why an action failed', async () => {
    const { api } = renderApp(emptySnapshot({ alerts: [alert({ id: 'a1' })] }));
    api.acknowledgeAlert = async () => ({
      ok: false,
      code: 'not-found',
      message: 'alert a1 is gone',
    });
    const centre = await openAlerts();
    fireEvent.click(within(centre).getByRole('button', { name: 'Acknowledge' }));
    expect(await within(centre).findByText('alert a1 is gone')).toBeTruthy();
  });

  it('acknowledges all and pauses notifications', async () => {
    const { api } = renderApp(emptySnapshot({ alerts: [alert({ id: 'a1' })] }));
    const centre = await openAlerts();
    fireEvent.click(within(centre).getByRole('button', { name: 'Acknowledge all' }));
    fireEvent.click(within(centre).getByRole('button', { name: 'Pause 30 min' }));
    await act(async () => {});
    expect(api.calls).toContainEqual(['acknowledgeAllAlerts']);
    expect(api.calls).toContainEqual(['pauseAlerts', 30]);
    act(() => api.emit({ alertsPausedUntil: NOW + 30 * 60_000 }));
    expect(within(centre).getByText(/Notifications paused until/)).toBeTruthy();
  });

  it('jumps to the call, or filters the table to the campaign', async () => {
    renderApp(
      emptySnapshot({
        calls: [
          callEntry({ callSid: 'CA1', contactName: 'Ann Lee', campaignId: 'K1' }),
          callEntry({ callSid: 'CA2', contactName: 'Bob' }),
        ],
        campaigns: [campaignEntry({ campaignId: 'K1', name: 'Winter' })],
        alerts: [
          alert({ id: 'a1', target: { type: 'call', callSid: 'CA1' } }),
          alert({
            id: 'a2',
            title: 'Campaign failing',
            target: { type: 'campaign', campaignId: 'K1' },
          }),
        ],
      }),
    );
    let centre = await openAlerts();
    fireEvent.click(within(centre).getByRole('button', { name: 'Show call' }));
    expect(
      within(screen.getByRole('region', { name: 'Call details' })).getByText('CA1'),
    ).toBeTruthy();
    centre = await openAlerts();
    fireEvent.click(within(centre).getByRole('button', { name: 'Show campaign' }));
    expect((screen.getByLabelText('Campaign') as HTMLSelectElement).value).toBe('K1');
    expect(screen.getByTestId('calls-count').textContent).toBe('Showing 1 of 2 calls');
  });

  it('reveals what the shell asks for (a clicked notification)', async () => {
    const { api } = renderApp(emptySnapshot({ calls: [callEntry({ callSid: 'CA7' })] }));
    await screen.findByTestId('calls-count');
    act(() => api.reveal({ type: 'call', callSid: 'CA7' }));
    expect(
      within(screen.getByRole('region', { name: 'Call details' })).getByText('CA7'),
    ).toBeTruthy();
    act(() => api.reveal({ type: 'feed' }));
    expect(screen.getByRole('region', { name: 'Alert centre' })).toBeTruthy();
  });
});
