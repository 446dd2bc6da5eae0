// @vitest-environment happy-dom
import { act, cleanup, fireEvent, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { renderApp } from '../test-support/render-app';
import {
  callEntry,
  campaignEntry,
  emptySnapshot,
  liveConnection,
  NOW,
} from '../test-support/memory-api';

afterEach(cleanup);

const tile = (id: string) => screen.getAllByTestId(id)[0]!;
const value = (id: string) => tile(id).querySelector('.kpi-value')!.textContent;

const snapshot = () =>
  emptySnapshot({
    calls: [
      callEntry({
        callSid: 'q',
        status: 'queued',
        startTime: new Date(NOW - 20_000).toISOString(),
      }),
      callEntry({
        callSid: 'r',
        status: 'ringing',
        startTime: new Date(NOW - 40_000).toISOString(),
      }),
      callEntry({ callSid: 'p', status: 'in-progress' }),
    ],
    campaigns: [
      campaignEntry({ campaignId: 'K1', name: 'Alpha', totalCalls: 10, completedCalls: 5 }),
    ],
    connection: liveConnection({ lastEventAt: NOW - 3_000 }),
  });

describe('header KPIs and wallboard', () => {
  it('shows counts by status, the longest wait and the connection with its age', async () => {
    renderApp(snapshot());
    await screen.findByTestId('calls-count');
    expect(value('kpi-active')).toBe('3');
    expect(value('kpi-queued')).toBe('1');
    expect(value('kpi-ringing')).toBe('1');
    expect(value('kpi-in-progress')).toBe('1');
    expect(value('kpi-longest-wait')).toBe('0:40');
    expect(value('kpi-connection')).toBe('Live');
    expect(tile('kpi-connection').textContent).toContain('updated 3 seconds ago');
  });

  it('colours the longest wait amber, then red, as it crosses the threshold', async () => {
    const { clock } = renderApp(snapshot());
    await screen.findByTestId('calls-count');
    expect(tile('kpi-longest-wait').dataset.level).toBe('warn');
    act(() => clock.advance(25_000));
    expect(tile('kpi-longest-wait').dataset.level).toBe('bad');
  });

  it('counts completed and failed calls and the average talk time', async () => {
    const { api } = renderApp(snapshot());
    await screen.findByTestId('calls-count');
    expect(value('kpi-avg-talk')).toBe('1:05');
    act(() =>
      api.emit({
        callsUpserted: [
          { ...callEntry({ callSid: 'p', status: 'completed', duration: 125 }), endedAt: NOW },
          { ...callEntry({ callSid: 'r', status: 'no-answer' }), endedAt: NOW },
        ],
      }),
    );
    expect(value('kpi-completed')).toBe('1');
    expect(value('kpi-failed')).toBe('1');
    expect(value('kpi-avg-talk')).toBe('–');
    expect(tile('kpi-avg-talk').title).toContain(
      'Completed in the last 15 min: 2 minutes 5 seconds',
    );
    // Two ended calls are too few to judge a failure rate (campaignMinCalls, 20 by default).
    expect(tile('kpi-failed').dataset.level).toBe('ok');
    expect(value('kpi-active')).toBe('1');
  });

  it('colours the failed count red once enough calls ended with too many failures', async () => {
    const { api } = renderApp(snapshot());
    await screen.findByTestId('calls-count');
    const ended = Array.from({ length: 20 }, (_, i) => ({
      ...callEntry({ callSid: `E${i}`, status: i < 7 ? 'failed' : 'completed', duration: 30 }),
      endedAt: NOW,
    }));
    act(() => api.emit({ callsUpserted: ended }));
    expect(value('kpi-failed')).toBe('7');
    expect(tile('kpi-failed').dataset.level).toBe('bad');
  });

  it('opens the wallboard with big numbers and leaves it with Escape', async () => {
    renderApp(snapshot());
    await screen.findByTestId('calls-count');
    fireEvent.click(screen.getByRole('button', { name: 'Wallboard' }));
    const wall = screen.getByTestId('wallboard');
    expect(within(wall).getByTestId('kpi-active').textContent).toContain('3');
    expect(within(wall).getByText('Alpha')).toBeTruthy();
    expect(screen.queryByRole('grid')).toBeNull();
    fireEvent.keyDown(window, { key: 'Escape' });
    expect(screen.queryByTestId('wallboard')).toBeNull();
    expect(screen.getByRole('grid', { name: 'Active calls' })).toBeTruthy();
  });
});

describe('demo marker', () => {
  it('says "Demo data" in demo mode and one click opens the connection settings', async () => {
    renderApp(emptySnapshot({ connection: liveConnection({ mode: 'demo' }) }));
    const marker = (await screen.findByText('Demo data')).closest('.demo-marker') as HTMLElement;
    expect(marker.getAttribute('role')).toBe('status');
    fireEvent.click(within(marker).getByRole('button', { name: /Connect to real data/ }));
    expect(await screen.findByRole('heading', { name: 'Settings' })).toBeTruthy();
  });

  it('says "Demo data" when the server it is connected to runs simulated traffic', async () => {
    renderApp(emptySnapshot({ connection: liveConnection({ mode: 'remote', simulated: true }) }));
    const label = await screen.findByText('Demo data');
    expect(label.getAttribute('title')).toMatch(/serve --demo/);
  });

  it('is absent when the data is real', async () => {
    renderApp(emptySnapshot({ connection: liveConnection({ mode: 'remote' }) }));
    await screen.findAllByTestId('kpi-connection');
    expect(screen.queryByText('Demo data')).toBeNull();
  });
});

describe('access marker', () => {
  it('says what a wallboard token will not show, and reads out the scopes it has', async () => {
    renderApp(
      emptySnapshot({
        connection: liveConnection({ mode: 'remote', scopes: ['calls', 'campaigns', 'outcomes'] }),
      }),
    );
    const marker = await screen.findByRole('note');
    expect(within(marker).getByText('Limited access: no transcripts, numbers masked')).toBeTruthy();
    expect(marker.textContent).toBe(
      "Limited access: no transcripts, numbers masked. This token's scopes: calls, campaigns, outcomes.",
    );
    expect(marker.getAttribute('title')).toBe("This token's scopes: calls, campaigns, outcomes");
  });

  it('names each missing scope, in the scopes order, for a token with only calls', async () => {
    renderApp(emptySnapshot({ connection: liveConnection({ mode: 'remote', scopes: ['calls'] }) }));
    const marker = await screen.findByTestId('access-marker');
    expect(marker.querySelector('.access-label')!.textContent).toBe(
      'Limited access: no campaigns, no outcomes, no transcripts, numbers masked',
    );
  });

  it('follows a change of the scopes (the token was given transcripts and pii)', async () => {
    const { api } = renderApp(
      emptySnapshot({ connection: liveConnection({ mode: 'remote', scopes: ['calls', 'pii'] }) }),
    );
    await screen.findByText('Limited access: no campaigns, no outcomes, no transcripts');
    act(() =>
      api.emit({
        connection: liveConnection({
          mode: 'remote',
          scopes: ['calls', 'campaigns', 'outcomes', 'transcripts', 'pii'],
        }),
      }),
    );
    expect(screen.queryByTestId('access-marker')).toBeNull();
  });

  it('is absent when the server says no scopes (an older server: every scope)', async () => {
    renderApp(emptySnapshot({ connection: liveConnection({ mode: 'remote' }) }));
    await screen.findAllByTestId('kpi-connection');
    expect(screen.queryByTestId('access-marker')).toBeNull();
  });
});
