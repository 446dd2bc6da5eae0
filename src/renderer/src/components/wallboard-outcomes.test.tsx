// @vitest-environment happy-dom
import { act, cleanup, fireEvent, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { Verdict } from '../../../shared/domain/outcome-fields';
import type { CallEntry } from '../../../shared/feed/types';
import { DEFAULT_SETTINGS } from '../../../shared/settings';
import { renderApp } from '../test-support/render-app';
import { callEntry, createMemoryApi, emptySnapshot, NOW } from '../test-support/memory-api';

afterEach(cleanup);

const percent = (ratio: number) =>
  new Intl.NumberFormat(undefined, { style: 'percent', maximumFractionDigits: 0 }).format(ratio);

function ended(i: number, verdict: Verdict): CallEntry {
  const at = NOW - (i + 1) * 60_000;
  return {
    ...callEntry({
      callSid: `e${i}`,
      status: 'completed',
      callSuccessful: verdict,
      endTime: new Date(at).toISOString(),
    }),
    endedAt: at,
  };
}
const active = (count: number) =>
  Array.from({ length: count }, (_, i) => callEntry({ callSid: `a${i}`, status: 'in-progress' }));

async function wallboard(calls: CallEntry[], recent: CallEntry[], planLimit: number | null) {
  const api = createMemoryApi(emptySnapshot({ calls, recent }));
  await api.saveSettings({
    ...DEFAULT_SETTINGS,
    alerts: { ...DEFAULT_SETTINGS.alerts, planLimit },
  });
  const app = renderApp(undefined, api);
  fireEvent.click(await screen.findByRole('button', { name: 'Wallboard' }));
  // The outcome figures are computed on the clock tick.
  act(() => app.clock.advance(1_000));
  return within(screen.getByTestId('wallboard'));
}

describe('wallboard outcome figures', () => {
  it('shows the success rate with the count it is a rate of', async () => {
    const verdicts: Verdict[] = [
      'success',
      'success',
      'failure',
      'success',
      'unknown',
      'success',
      'failure',
      'success',
      'success',
    ];
    const wall = await wallboard(
      [],
      verdicts.map((v, i) => ended(i, v)),
      null,
    );
    const decided = verdicts.filter((v) => v !== 'unknown');
    const success = decided.filter((v) => v === 'success').length;
    const tile = wall.getByTestId('kpi-success');
    expect(tile.querySelector('.kpi-value')!.textContent).toBe(percent(success / decided.length));
    expect(tile.querySelector('.kpi-detail')!.textContent).toMatch(
      new RegExp(`^of ${decided.length} · `),
    );
  });

  it.each([0, 7, 8, 9, 10, 12])(
    'shows %i active calls against a plan limit of 10, amber from 80 %, red at 100 %',
    async (count) => {
      const wall = await wallboard(active(count), [], 10);
      const tile = wall.getByTestId('kpi-concurrency');
      expect(tile.querySelector('.kpi-value')!.textContent).toBe(`${count} / 10`);
      const level = count >= 10 ? 'bad' : count >= 8 ? 'warn' : 'ok';
      expect(tile.dataset.level).toBe(level);
      expect(tile.className).toContain(`kpi-${level}`);
    },
  );

  it('shows the active calls alone when no plan limit is set', async () => {
    const wall = await wallboard(active(3), [], null);
    const tile = wall.getByTestId('kpi-concurrency');
    expect(tile.querySelector('.kpi-value')!.textContent).toBe('3');
    expect(tile.textContent).toContain('no limit set');
  });
});
