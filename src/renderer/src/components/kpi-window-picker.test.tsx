// @vitest-environment happy-dom
import { act, cleanup, fireEvent, screen, within } from '@testing-library/react';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Verdict } from '../../../shared/domain/outcome-fields';
import type { CallEntry } from '../../../shared/feed/types';
import { DEFAULT_SETTINGS, parseSettings, type Settings } from '../../../shared/settings';
import { until } from '../../../shared/until.test-support';
import { chooseKpiWindow, selectKpiWindow } from '../lib/kpi-window-choice';
import { createCallboardStore } from '../store/create-store';
import { renderApp } from '../test-support/render-app';
import { callEntry, createMemoryApi, emptySnapshot, NOW } from '../test-support/memory-api';

// The supervisor's zone is the machine's: run in one whose midnight differs from UTC's
// (12:00 UTC is 17:30 in Kolkata, so "today" there began 17.5 hours before NOW).
beforeAll(() => {
  vi.stubEnv('TZ', 'Asia/Kolkata');
});
afterAll(() => {
  vi.unstubAllEnvs();
});
afterEach(cleanup);

interface Doc {
  callSid: string;
  agentId: string;
  verdict: Verdict;
  minutesAgo: number;
}

// Minutes ago chosen around each bound: 15 min, 60 min, and Kolkata's midnight (17.5 h).
const DOCS: Doc[] = [
  ['ada', 'success', 2],
  ['ada', 'failure', 14],
  ['ada', 'success', 16],
  ['ada', 'success', 59],
  ['ada', 'failure', 61],
  ['ada', 'failure', 13 * 60],
  ['ada', 'success', 17 * 60 + 20],
  ['ada', 'success', 17 * 60 + 40],
  ['bob', 'failure', 5],
  ['bob', 'success', 40],
  ['bob', 'success', 16 * 60],
  ['bob', 'failure', 20 * 60],
].map(([agentId, verdict, minutesAgo], i) => ({
  callSid: `CA${i}`,
  agentId: agentId as string,
  verdict: verdict as Verdict,
  minutesAgo: minutesAgo as number,
}));

function entry(doc: Doc, now: number): CallEntry {
  const end = now - doc.minutesAgo * 60_000;
  return {
    ...callEntry({
      callSid: doc.callSid,
      agentId: doc.agentId,
      status: 'completed',
      callSuccessful: doc.verdict,
      startTime: new Date(end - 60_000).toISOString(),
      endTime: new Date(end).toISOString(),
    }),
    endedAt: end,
  };
}

const percent = (ratio: number) =>
  new Intl.NumberFormat(undefined, { style: 'percent', maximumFractionDigits: 0 }).format(ratio);

/** The first instant counted, by the Date arithmetic of the local zone (not the KPI code). */
function firstCounted(choice: string, now: number): (at: number) => boolean {
  if (choice === 'today') {
    const midnight = new Date(now);
    midnight.setHours(0, 0, 0, 0);
    return (at) => at >= midnight.getTime();
  }
  const minutes = choice === '15m' ? 15 : 60;
  return (at) => at > now - minutes * 60_000;
}

/** success / decided per agent and overall, counted over the test's own documents. */
function expected(choice: string, now: number) {
  const counted = firstCounted(choice, now);
  const inWindow = DOCS.filter((d) => counted(now - d.minutesAgo * 60_000));
  const rate = (docs: Doc[]) => {
    const success = docs.filter((d) => d.verdict === 'success').length;
    return `${percent(success / docs.length)} of ${docs.length}`;
  };
  return {
    ada: rate(inWindow.filter((d) => d.agentId === 'ada')),
    bob: rate(inWindow.filter((d) => d.agentId === 'bob')),
    total: rate(inWindow),
  };
}

const agentRate = (agentId: string) =>
  within(document.querySelector(`tr[data-agent-id="${agentId}"]`) as HTMLElement).getByTestId(
    'success-rate',
  ).textContent;
const successTile = () => screen.getByTestId('kpi-success');
const tileRate = () => {
  const tile = successTile();
  const detail = tile.querySelector('.kpi-detail')!.textContent!;
  return `${tile.querySelector('.kpi-value')!.textContent} ${detail.split(' · ')[0]}`;
};

describe('KPI window', () => {
  it('runs in the zone it asked for', () => {
    expect(Intl.DateTimeFormat().resolvedOptions().timeZone).toMatch(/^Asia\/(Kolkata|Calcutta)$/);
  });

  it('one control sets the window of the Agents panel and of the outcome tiles alike', async () => {
    const { clock } = renderApp(emptySnapshot({ recent: DOCS.map((d) => entry(d, NOW + 1_000)) }));
    fireEvent.click(await screen.findByRole('tab', { name: 'Agents' }));
    act(() => clock.advance(1_000));
    const now = clock.now();
    const picker = screen.getByLabelText('KPI window') as HTMLSelectElement;
    expect(screen.getAllByLabelText('KPI window')).toHaveLength(1);
    await until(() => !picker.disabled, 'the settings to load');
    const cases: [string, string][] = [
      ['60m', 'last 60 min'],
      ['15m', 'last 15 min'],
      ['today', 'today'],
    ];
    const seen = new Set<string>();
    for (const [choice, label] of cases) {
      if (choice !== '60m') {
        await act(async () => fireEvent.change(picker, { target: { value: choice } }));
      }
      const want = expected(choice, now);
      seen.add(JSON.stringify(want));
      expect(agentRate('ada')).toBe(want.ada);
      expect(agentRate('bob')).toBe(want.bob);
      expect(tileRate()).toBe(want.total);
      expect(screen.getByRole('table').querySelector('caption')!.textContent).toContain(label);
      expect(successTile().textContent).toContain(`Success, ${label}`);
      // "Today" can only reach back as far as the server's recent window: the caption says so.
      expect(
        screen.getByRole('table').querySelector('caption')!.textContent!.includes('server holds'),
      ).toBe(choice === 'today');
    }
    // The documents straddle every bound: each window counts something different.
    expect(seen.size).toBe(3);
  });

  it('keeps the choice in the settings: the next session opens on it', async () => {
    const api = createMemoryApi(emptySnapshot({ recent: DOCS.map((d) => entry(d, NOW)) }));
    const first = renderApp(undefined, api);
    const picker = screen.getByLabelText('KPI window') as HTMLSelectElement;
    await until(() => !picker.disabled, 'the settings to load');
    await act(async () => fireEvent.change(picker, { target: { value: 'today' } }));
    const saved = api.calls.filter((c) => c[0] === 'saveSettings').at(-1)?.[1] as Settings;
    expect(saved.display).toEqual({ kpiWindow: 'today' });
    // Saving the window changed nothing else.
    expect({ ...saved, display: DEFAULT_SETTINGS.display }).toEqual(DEFAULT_SETTINGS);
    first.unmount();

    renderApp(undefined, api);
    const again = screen.getByLabelText('KPI window') as HTMLSelectElement;
    await until(() => again.value === 'today', 'the saved window');
    expect(screen.getByTestId('kpi-success').textContent).toContain('Success, today');
  });

  it('puts the previous window back and says why when the save fails', async () => {
    const api = createMemoryApi(emptySnapshot());
    api.saveSettings = async () => ({ ok: false, code: 'internal', message: 'disk full' });
    renderApp(undefined, api);
    const picker = screen.getByLabelText('KPI window') as HTMLSelectElement;
    await until(() => !picker.disabled, 'the settings to load');
    await act(async () => fireEvent.change(picker, { target: { value: '15m' } }));
    expect(picker.value).toBe('60m');
    expect(screen.getByRole('alert').textContent).toBe('the KPI window was not saved: disk full');
  });

  it('refuses a window that is not one of the choices, naming it', async () => {
    const store = createCallboardStore();
    const api = createMemoryApi(emptySnapshot());
    const view = await api.getSettings();
    if (!view.ok) throw new Error(view.message);
    store.getState().setSettingsView(view.value);
    await expect(chooseKpiWindow(store, api, 'week')).rejects.toThrow(/"week"/);
    expect(selectKpiWindow(store.getState())).toBe('60m');
    expect(api.calls.some((c) => c[0] === 'saveSettings')).toBe(false);
    expect(parseSettings({ ...DEFAULT_SETTINGS, display: { kpiWindow: 'week' } })).toEqual({
      ok: false,
      error: expect.stringMatching(/display\.kpiWindow.*one of 15m, 60m, today/),
    });
  });
});
