// @vitest-environment happy-dom
import { act, cleanup, fireEvent, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { renderApp } from '../test-support/render-app';
import { callEntry, emptySnapshot, NOW } from '../test-support/memory-api';

afterEach(cleanup);

// Expected texts are written out here, not computed with the masking rule under test.
const snapshot = () =>
  emptySnapshot({
    calls: [
      callEntry({
        callSid: 'W1',
        status: 'queued',
        to: '+14155550123',
        contactName: 'Ada Lovelace',
        startTime: new Date(NOW - 95_000).toISOString(),
      }),
      callEntry({
        callSid: 'W2',
        status: 'ringing',
        to: '+44 20 7946 0958',
        startTime: new Date(NOW - 20_000).toISOString(),
      }),
      // Talking, not waiting: not listed.
      callEntry({ callSid: 'T1', status: 'in-progress', to: '+15550001111', contactName: 'Bo' }),
    ],
  });

const rows = () =>
  screen
    .getAllByTestId('wall-waiting-call')
    .map((li) => [...li.children].map((c) => c.textContent).join(' | '));

async function openWallboard() {
  const app = renderApp(snapshot());
  await screen.findByTestId('calls-count');
  fireEvent.click(screen.getByRole('button', { name: 'Wallboard' }));
  await screen.findByTestId('wallboard');
  return app;
}

describe('wallboard waiting calls', () => {
  it('lists the calls waiting longest with numbers and names masked by default', async () => {
    await openWallboard();
    const list = screen.getByRole('region', { name: 'Waiting longest' });
    expect(within(list).getByRole('heading').textContent).toBe(
      'Waiting longest · numbers and names masked',
    );
    expect(rows()).toEqual([
      'A. L. | +•••••••0123 | 1:35',
      'Unknown contact | +•• •• •••• 0958 | 0:20',
    ]);
    expect(screen.getByTestId('wallboard').textContent).not.toContain('4155550123');
    expect(screen.getByTestId('wallboard').textContent).not.toContain('Lovelace');
  });

  it('shows them in full once the supervisor turns masking off in the settings', async () => {
    const { api, clock } = await openWallboard();
    fireEvent.keyDown(window, { key: 'Escape' });
    fireEvent.click(screen.getByRole('button', { name: 'Settings' }));
    const fieldset = (await screen.findByRole('group', { name: 'Wallboard' })) as HTMLElement;
    const box = within(fieldset).getByRole('checkbox', {
      name: "Show callers' full numbers and names on the wallboard",
    }) as HTMLInputElement;
    expect(box.checked).toBe(false);
    fireEvent.click(box);
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    await screen.findByText('Saved.');
    expect(api.calls).toContainEqual([
      'saveSettings',
      expect.objectContaining({ wallboard: { showNumbersAndNames: true } }),
    ]);
    fireEvent.click(screen.getByRole('button', { name: 'Wallboard' }));
    act(() => clock.advance(1_000));
    expect(rows()).toEqual([
      'Ada Lovelace | +14155550123 | 1:36',
      'Unknown contact | +44 20 7946 0958 | 0:21',
    ]);
    expect(
      within(screen.getByRole('region', { name: 'Waiting longest' })).getByRole('heading')
        .textContent,
    ).toBe('Waiting longest');
  });

  it('lists nothing when no call waits', async () => {
    renderApp(emptySnapshot({ calls: [callEntry({ callSid: 'T1', status: 'in-progress' })] }));
    await screen.findByTestId('calls-count');
    fireEvent.click(screen.getByRole('button', { name: 'Wallboard' }));
    await screen.findByTestId('wallboard');
    expect(screen.queryByRole('region', { name: 'Waiting longest' })).toBeNull();
  });
});
