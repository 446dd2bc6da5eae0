// @vitest-environment happy-dom
import { act, cleanup, fireEvent, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { renderApp } from '../test-support/render-app';
import { emptySnapshot, liveConnection, NOW } from '../test-support/memory-api';

afterEach(cleanup);

describe('connection banner', () => {
  it('is absent while live', async () => {
    renderApp(emptySnapshot());
    await screen.findByText('No active calls');
    expect(screen.queryByTestId('connection-banner')).toBeNull();
  });

  it('says reconnecting, which attempt, when the next try is, and since when data is stale', async () => {
    const { api, clock } = renderApp(emptySnapshot());
    await screen.findByText('No active calls');
    act(() =>
      api.emit({
        connection: liveConnection({
          status: 'reconnecting',
          target: 'http://srv:7070',
          attempt: 3,
          nextRetryAt: NOW + 8_000,
          error: 'connect ECONNREFUSED 10.0.0.5:7070',
          staleSince: NOW - 20_000,
        }),
      }),
    );
    const banner = screen.getByTestId('connection-banner');
    expect(banner.getAttribute('role')).toBe('status');
    expect(banner.textContent).toContain(
      'Reconnecting to http://srv:7070, attempt 3, next try in 8 seconds.',
    );
    expect(banner.textContent).toContain('connect ECONNREFUSED 10.0.0.5:7070');
    expect(banner.textContent).toMatch(
      /Data may be out of date since \d\d:\d\d:\d\d \(20 seconds ago\)/,
    );
    act(() => clock.advance(5_000));
    expect(banner.textContent).toContain('next try in 3 seconds');
    fireEvent.click(screen.getByRole('button', { name: 'Retry now' }));
    expect(api.calls.map((c) => c[0])).toContain('retryConnection');
    act(() => api.emit({ connection: liveConnection() }));
    expect(screen.queryByTestId('connection-banner')).toBeNull();
  });

  it('says resyncing, and raises an alert when the feed failed', async () => {
    const { api } = renderApp(emptySnapshot());
    await screen.findByText('No active calls');
    act(() => api.emit({ connection: liveConnection({ status: 'resyncing', staleSince: NOW }) }));
    expect(screen.getByTestId('connection-banner').textContent).toContain(
      'Resyncing with demo emulator',
    );
    act(() =>
      api.emit({
        connection: liveConnection({ status: 'failed', error: 'token rejected', staleSince: NOW }),
      }),
    );
    const banner = screen.getByTestId('connection-banner');
    expect(banner.getAttribute('role')).toBe('alert');
    expect(banner.textContent).toContain('Cannot reach demo emulator.');
    expect(banner.textContent).toContain('token rejected');
  });
});
