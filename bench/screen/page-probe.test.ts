// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import { until } from '../../src/shared/until.test-support';
import { installScreenProbe, type ProbeSighting } from './page-probe';

interface Probe {
  get(markers: number[]): (ProbeSighting | null)[];
  count(markers: number[]): number;
}
const probe = () => (window as unknown as { __screenProbe: Probe }).__screenProbe;

afterEach(() => {
  document.body.innerHTML = '';
});

describe('the screen probe', () => {
  it('stamps a marker when its text enters the page, as a new node or an edited text', async () => {
    installScreenProbe();
    const before = Date.now();
    const row = document.createElement('p');
    row.textContent = 'agent-BM7X and BM8X';
    document.body.append(row);
    await until(() => probe().count([7, 8]) === 2, 'BM7X and BM8X seen');
    const text = document.createTextNode('nothing yet');
    document.body.append(text);
    text.nodeValue = 'Measured turn BM70X.';
    await until(() => probe().count([70]) === 1, 'BM70X seen');
    const [seven, seventy] = probe().get([7, 70]);
    expect(seven?.domAt).toBeGreaterThanOrEqual(before);
    expect(seventy?.marker).toBe(70);
    // BM7X is not taken for BM70X's prefix, nor the other way round.
    expect(probe().get([0, 1, 700])).toEqual([null, null, null]);
  });

  it('keeps the first sighting and skips screen-reader-only text', async () => {
    installScreenProbe();
    const announcer = document.createElement('div');
    announcer.className = 'sr-only';
    announcer.textContent = 'BM3X';
    document.body.append(announcer);
    const shown = document.createElement('p');
    shown.textContent = 'BM4X';
    document.body.append(shown);
    await until(() => probe().count([4]) === 1, 'BM4X seen');
    expect(probe().count([3])).toBe(0);
    const first = probe().get([4])[0]?.domAt;
    shown.textContent = 'BM4X again';
    // Records come in order: once a later marker is in, the edit above has been seen too.
    const later = document.createElement('p');
    later.textContent = 'BM5X';
    document.body.append(later);
    await until(() => probe().count([5]) === 1, 'BM5X seen');
    expect(probe().get([4])[0]?.domAt).toBe(first);
  });
});
