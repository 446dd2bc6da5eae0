// @vitest-environment happy-dom
import { act, cleanup, fireEvent, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { Settings } from '../../../shared/settings';
import { renderApp } from '../test-support/render-app';
import { createMemoryApi, emptySnapshot } from '../test-support/memory-api';

afterEach(cleanup);

const openSettings = async () => {
  fireEvent.click(await screen.findByRole('button', { name: 'Settings' }));
  return screen.findByRole('form', { name: 'Settings' });
};

describe('settings screen', () => {
  it('says why the settings cannot be loaded', async () => {
    const api = createMemoryApi(emptySnapshot());
    api.getSettings = async () => ({
      ok: false,
      code: 'internal',
      message: 'settings file is unreadable',
    });
    renderApp(undefined, api);
    fireEvent.click(await screen.findByRole('button', { name: 'Settings' }));
    expect(
      await screen.findByText('Cannot load the settings: settings file is unreadable'),
    ).toBeTruthy();
  });

  it('validates inline and blocks saving until the fields are right', async () => {
    renderApp(emptySnapshot());
    await openSettings();
    fireEvent.click(screen.getByLabelText('Remote server'));
    const url = screen.getByLabelText('Server URL');
    fireEvent.change(url, { target: { value: 'ftp://example' } });
    expect(screen.getByText(/must be an http:\/\/ or https:\/\/ URL/)).toBeTruthy();
    expect(url.getAttribute('aria-invalid')).toBe('true');
    expect(url.getAttribute('aria-describedby')).toBeTruthy();
    expect((screen.getByRole('button', { name: 'Save' }) as HTMLButtonElement).disabled).toBe(true);
    expect(
      (screen.getByRole('button', { name: 'Test connection' }) as HTMLButtonElement).disabled,
    ).toBe(true);
    fireEvent.change(url, { target: { value: 'http://10.0.0.5:7070' } });
    expect(screen.queryByText(/must be an http/)).toBeNull();
    fireEvent.change(screen.getByLabelText('Waiting call alert after (seconds)'), {
      target: { value: '2' },
    });
    expect(screen.getByText(/Fix 1 field/)).toBeTruthy();
    fireEvent.change(screen.getByLabelText('Waiting call alert after (seconds)'), {
      target: { value: '' },
    });
    expect(screen.getByText(/Fix 1 field/)).toBeTruthy();
  });

  it('reports what a connection test found', async () => {
    const { api } = renderApp(emptySnapshot());
    await openSettings();
    fireEvent.click(screen.getByRole('button', { name: 'Test connection' }));
    const report = await screen.findByTestId('test-report');
    expect(report.textContent).toContain('Connected');
    expect(report.textContent).toContain('Callboard server 0.1.0, protocol v2, 3 active calls');
    api.testReport = {
      ok: false,
      summary: 'nothing reached',
      error: 'cannot reach MongoDB at db:27017: connection refused',
      durationMs: 3000,
    };
    fireEvent.click(screen.getByRole('button', { name: 'Test connection' }));
    expect(
      await screen.findByText('cannot reach MongoDB at db:27017: connection refused'),
    ).toBeTruthy();
  });

  it('saves thresholds and notification choices through the API', async () => {
    const { api } = renderApp(emptySnapshot());
    await openSettings();
    fireEvent.change(screen.getByLabelText('Waiting call alert after (seconds)'), {
      target: { value: '90' },
    });
    fireEvent.click(screen.getByLabelText('Play a sound'));
    fireEvent.click(screen.getByLabelText('A call failed'));
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByText('Saved.')).toBeTruthy();
    const saved = api.calls.find((c) => c[0] === 'saveSettings')?.[1] as Settings;
    expect(saved.alerts.waitingSeconds).toBe(90);
    expect(saved.notifications.sound).toBe(true);
    expect(saved.notifications.kinds['call-failed']).toBe(true);
  });

  it('sets the plan limit and the AI-agent thresholds, naming what is wrong', async () => {
    const { api } = renderApp(emptySnapshot());
    await openSettings();
    const limit = screen.getByLabelText('Plan limit (concurrent calls)');
    expect((limit as HTMLInputElement).value).toBe('');
    fireEvent.change(limit, { target: { value: '0' } });
    expect(screen.getByText('the plan limit must be at least 1 concurrent call')).toBeTruthy();
    expect(limit.getAttribute('aria-invalid')).toBe('true');
    expect((screen.getByRole('button', { name: 'Save' }) as HTMLButtonElement).disabled).toBe(true);
    fireEvent.change(limit, { target: { value: '40' } });
    fireEvent.change(screen.getByLabelText('Agent success rate alert below (%)'), {
      target: { value: '65' },
    });
    fireEvent.change(screen.getByLabelText('Spend alert above (cost per hour)'), {
      target: { value: '250' },
    });
    fireEvent.click(screen.getByLabelText('Calls near the plan limit'));
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByText('Saved.')).toBeTruthy();
    const saved = api.calls.find((c) => c[0] === 'saveSettings')?.[1] as Settings;
    expect(saved.alerts).toMatchObject({
      planLimit: 40,
      agentSuccessRatePercent: 65,
      spendPerHour: 250,
    });
    expect(saved.notifications.kinds.concurrency).toBe(false);
    // Emptied again: no limit (null), not a missing number.
    fireEvent.change(screen.getByLabelText('Plan limit (concurrent calls)'), {
      target: { value: '' },
    });
    expect(screen.queryByText(/Fix \d+ field/)).toBeNull();
  });

  it('shows the reason a save was refused', async () => {
    const { api } = renderApp(emptySnapshot());
    api.saveSettings = async () => ({
      ok: false,
      code: 'internal',
      message: 'cannot write settings.json: disk full',
    });
    await openSettings();
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Save' })));
    expect(await screen.findByText('cannot write settings.json: disk full')).toBeTruthy();
  });
});
