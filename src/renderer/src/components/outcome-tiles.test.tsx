// @vitest-environment happy-dom
import { act, cleanup, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { Call } from '../../../shared/domain';
import type { CallEntry } from '../../../shared/feed/types';
import { DEFAULT_SETTINGS } from '../../../shared/settings';
import { renderApp } from '../test-support/render-app';
import {
  callEntry,
  createMemoryApi,
  emptySnapshot,
  liveConnection,
  NOW,
} from '../test-support/memory-api';

afterEach(cleanup);

const tile = (id: string) => screen.getByTestId(id);
const value = (id: string) => tile(id).querySelector('.kpi-value')!.textContent;
const percent = (ratio: number) =>
  new Intl.NumberFormat(undefined, { style: 'percent', maximumFractionDigits: 0 }).format(ratio);

let n = 0;
/** A call that ended a minute ago (today in any zone: NOW is midday UTC, minus a minute). */
function ended(fields: Partial<Call>): CallEntry {
  n += 1;
  const at = NOW - 60_000;
  return {
    ...callEntry({
      callSid: `e${n}`,
      status: 'completed',
      endTime: new Date(at).toISOString(),
      ...fields,
    }),
    endedAt: at,
  };
}
const active = (count: number) =>
  Array.from({ length: count }, (_, i) => callEntry({ callSid: `a${i}`, status: 'in-progress' }));

async function show(
  calls: CallEntry[],
  planLimit: number | null,
  advertised?: number,
  recent: CallEntry[] = [],
) {
  const api = createMemoryApi(
    emptySnapshot({
      calls,
      recent,
      connection: liveConnection({
        lastEventAt: NOW - 4_000,
        ...(advertised !== undefined ? { planLimit: advertised } : {}),
      }),
    }),
  );
  await api.saveSettings({
    ...DEFAULT_SETTINGS,
    alerts: { ...DEFAULT_SETTINGS.alerts, planLimit },
  });
  const app = renderApp(undefined, api);
  await screen.findByTestId('kpi-concurrency');
  // The figures are computed on the clock tick.
  act(() => app.clock.advance(1_000));
  return app;
}

describe('AI-agent KPI tiles', () => {
  it('shows success and machine rates with their counts, cost today and when they were updated', async () => {
    const calls = [
      ended({ callSuccessful: 'success', answeredBy: 'human', cost: 120 }),
      ended({ callSuccessful: 'success', answeredBy: 'machine_end_beep', cost: 80.5 }),
      ended({ callSuccessful: 'success' }),
      ended({ callSuccessful: 'failure', answeredBy: 'fax' }),
      ended({ callSuccessful: 'unknown', answeredBy: 'human' }),
      ended({ status: 'busy' }),
      ...active(3),
    ];
    await show(calls, null);
    // 3 success of 4 decided; 2 machine (beep, fax) of 4 with an AMD result; 200.5 spent.
    expect(value('kpi-success')).toBe(percent(3 / 4));
    expect(tile('kpi-success').textContent).toContain('of 4 · updated 5 seconds ago');
    expect(value('kpi-machine')).toBe(percent(2 / 4));
    expect(tile('kpi-machine').textContent).toContain('of 4');
    expect(value('kpi-cost')).toBe(
      new Intl.NumberFormat(undefined, { maximumFractionDigits: 1 }).format(200.5),
    );
    expect(tile('kpi-cost').textContent).toContain('2 calls');
    expect(value('kpi-concurrency')).toBe('3');
    expect(tile('kpi-concurrency').textContent).toContain('no limit set');
  });

  it('counts the analysis that reached an ended call through the recent window', async () => {
    // The active list let these go when they ended; only the recent window holds them.
    const recent = [
      ended({ callSuccessful: 'success', cost: 10 }),
      ended({ callSuccessful: 'failure', cost: 5 }),
    ];
    await show(active(1), null, undefined, recent);
    expect(value('kpi-success')).toBe(percent(1 / 2));
    expect(tile('kpi-success').textContent).toContain('of 2');
    expect(tile('kpi-cost').textContent).toContain('2 calls');
  });

  it.each([
    [7, 10, 'ok'],
    [8, 10, 'warn'],
    [10, 10, 'bad'],
    [12, 10, 'bad'],
  ])('%i active calls against a limit of %i are %s', async (count, limit, level) => {
    await show(active(count), limit);
    expect(value('kpi-concurrency')).toBe(`${count} / ${limit}`);
    expect(tile('kpi-concurrency').dataset.level).toBe(level);
    expect(tile('kpi-concurrency').textContent).toContain(`${percent(count / limit)} of plan`);
  });

  it('uses the limit the server advertises over the setting', async () => {
    await show(active(8), 10, 100);
    expect(value('kpi-concurrency')).toBe('8 / 100');
    expect(tile('kpi-concurrency').dataset.level).toBe('ok');
  });

  it('looks stale when the feed is', async () => {
    const app = await show([ended({ callSuccessful: 'success' })], null);
    act(() =>
      app.api.emit({
        connection: liveConnection({ status: 'reconnecting', staleSince: NOW - 2_000 }),
      }),
    );
    act(() => app.clock.advance(1_000));
    expect(tile('kpi-success').textContent).toContain('stale since');
    expect(tile('kpi-success').dataset.level).toBe('warn');
  });
});
