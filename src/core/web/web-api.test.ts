import { afterEach, describe, expect, it } from 'vitest';
import type { Call } from '../../shared/domain/schemas';
import { DEFAULT_SETTINGS } from '../../shared/settings';
import { createFakeFeed } from '../feed/fake-feed.test-support';
import { manualClock } from '../monitor/clock';
import { createWebCallboardApi, type WebCallboardApi } from './web-api';
import { WEB_SETTINGS_KEY, type StorageLike } from './web-settings';

function memoryStorage(
  initial: Record<string, string> = {},
): StorageLike & { data: Record<string, string> } {
  const data = { ...initial };
  return { data, getItem: (k) => data[k] ?? null, setItem: (k, v) => void (data[k] = v) };
}

let api: WebCallboardApi | undefined;
afterEach(async () => {
  await api?.dispose();
  api = undefined;
});

function setup(storage = memoryStorage()) {
  const feed = createFakeFeed();
  const clock = manualClock();
  const opened: string[] = [];
  const downloads: string[][] = [];
  api = createWebCallboardApi({
    url: 'http://127.0.0.1:7070',
    token: 't',
    storage,
    feed,
    clock,
    openWindow: (u) => opened.push(u),
    download: (...file) => downloads.push(file),
  });
  return { api, feed, clock, storage, opened, downloads };
}

describe('web dashboard CallboardApi', () => {
  it('serves snapshots and batched deltas from the in-page core', async () => {
    const { api, feed, clock } = setup();
    const deltas: unknown[] = [];
    api.onDidChange((d) => deltas.push(d));
    feed.setStatus({
      status: 'live',
      mode: 'remote',
      target: 'http://127.0.0.1:7070',
      protocol: 2,
    });
    feed.push({
      kind: 'snapshot',
      stream: 'calls',
      calls: [{ callSid: 'a', status: 'ringing' } as Call],
      at: clock.now(),
    });
    clock.advance(100);
    expect(deltas.length).toBe(1);
    const snap = await api.getSnapshot();
    expect(snap.ok && snap.value.calls.map((e) => e.call.callSid)).toEqual(['a']);
  });

  it('says the settings are limited, keeps thresholds in localStorage, refuses a mode change', async () => {
    const { api, storage } = setup();
    const view = await api.getSettings();
    expect(view.ok && view.value.loadProblem).toMatch(/Web dashboard: only alert thresholds/);
    expect(view.ok && view.value.settings.mode).toBe('remote');
    const current = view.ok ? view.value.settings : DEFAULT_SETTINGS;
    const saved = await api.saveSettings({
      ...current,
      alerts: { ...current.alerts, waitingSeconds: 90 },
    });
    expect(saved.ok).toBe(true);
    expect(JSON.parse(storage.data[WEB_SETTINGS_KEY]!).alerts.waitingSeconds).toBe(90);
    const refused = await api.saveSettings({ ...current, mode: 'demo' });
    expect(refused).toMatchObject({ ok: false, code: 'bad-request' });
    const invalid = await api.saveSettings({
      ...current,
      alerts: { ...current.alerts, waitingSeconds: 'x' as unknown as number },
    });
    expect(invalid).toMatchObject({ ok: false, code: 'bad-request' });
  });

  it('reads saved thresholds back, and ignores a corrupt entry with a message', async () => {
    const good = memoryStorage({
      [WEB_SETTINGS_KEY]: JSON.stringify({
        alerts: { ...DEFAULT_SETTINGS.alerts, waitingSeconds: 120 },
        notifications: DEFAULT_SETTINGS.notifications,
      }),
    });
    const first = setup(good);
    const view = await first.api.getSettings();
    expect(view.ok && view.value.settings.alerts.waitingSeconds).toBe(120);
    await first.api.dispose();
    const bad = setup(memoryStorage({ [WEB_SETTINGS_KEY]: '{oops' }));
    const badView = await bad.api.getSettings();
    expect(badView.ok && badView.value.loadProblem).toMatch(/not valid JSON/);
    expect(badView.ok && badView.value.settings.alerts).toEqual(DEFAULT_SETTINGS.alerts);
  });

  it('keeps the wallboard switch; an entry from before it (or a bad one) masks', async () => {
    const { api, storage } = setup();
    const view = await api.getSettings();
    const current = view.ok ? view.value.settings : DEFAULT_SETTINGS;
    expect(current.wallboard.showNumbersAndNames).toBe(false);
    await api.saveSettings({ ...current, wallboard: { showNumbersAndNames: true } });
    await api.dispose();
    const again = setup(memoryStorage({ ...storage.data }));
    const reread = await again.api.getSettings();
    expect(reread.ok && reread.value.settings.wallboard.showNumbersAndNames).toBe(true);
    await again.api.dispose();
    const bad = setup(
      memoryStorage({
        [WEB_SETTINGS_KEY]: JSON.stringify({ wallboard: { showNumbersAndNames: 1 } }),
      }),
    );
    const badView = await bad.api.getSettings();
    expect(badView.ok && badView.value.settings.wallboard.showNumbersAndNames).toBe(false);
    expect(badView.ok && badView.value.loadProblem).toMatch(/wallboard/);
  });

  it('keeps the KPI window; an entry from before it (or a bad one) reads as the default', async () => {
    const { api, storage } = setup();
    const view = await api.getSettings();
    const current = view.ok ? view.value.settings : DEFAULT_SETTINGS;
    expect(current.display.kpiWindow).toBe('60m');
    expect(await api.saveSettings({ ...current, display: { kpiWindow: 'today' } })).toMatchObject({
      ok: true,
    });
    await api.dispose();
    const again = setup(memoryStorage({ ...storage.data }));
    const reread = await again.api.getSettings();
    expect(reread.ok && reread.value.settings.display.kpiWindow).toBe('today');
    await again.api.dispose();
    const bad = setup(
      memoryStorage({ [WEB_SETTINGS_KEY]: JSON.stringify({ display: { kpiWindow: 'week' } }) }),
    );
    const badView = await bad.api.getSettings();
    expect(badView.ok && badView.value.settings.display.kpiWindow).toBe('60m');
    expect(badView.ok && badView.value.loadProblem).toMatch(/display/);
    await bad.api.dispose();
  });

  it('opens only safe external links and refuses bad minutes', async () => {
    const { api, opened } = setup();
    expect(await api.openExternal('javascript:alert(1)')).toMatchObject({ ok: false });
    expect(await api.openExternal('https://example.com/x')).toEqual({ ok: true, value: null });
    expect(opened).toEqual(['https://example.com/x']);
    expect(await api.pauseAlerts(0)).toMatchObject({ ok: false, code: 'bad-request' });
    expect(await api.acknowledgeAlert('nope')).toMatchObject({ ok: false, code: 'not-found' });
  });

  it('offers an export as a download and tells the source (audit), and refuses a bad file name before offering anything', async () => {
    const { api, downloads, feed } = setup();
    expect(
      await api.exportCsv('callboard-calls.csv', 'A\r\n', { view: 'active', rows: 1 }),
    ).toEqual({
      ok: true,
      value: { saved: true, where: 'your downloads' },
    });
    expect(feed.exports).toEqual([{ view: 'active', rows: 1 }]);
    expect(await api.exportCsv('../calls.csv', 'A\r\n', { view: 'active', rows: 1 })).toMatchObject(
      {
        ok: false,
        code: 'bad-request',
        message: expect.stringMatching(/file name must be letters/) as unknown,
      },
    );
    expect(
      await api.exportCsv('calls.csv', 'A\r\n', { view: 'all' as 'active', rows: -1 }),
    ).toMatchObject({ ok: false, code: 'bad-request' });
    expect(feed.exports).toHaveLength(1);
    expect(downloads).toEqual([['callboard-calls.csv', 'A\r\n', 'text/csv;charset=utf-8']]);
  });

  it('opens a call transcript through the in-page core; a bad call key is refused', async () => {
    const { api } = setup();
    await expect(api.openTranscript('CA 1; drop')).resolves.toMatchObject({
      ok: false,
      code: 'bad-request',
      message: 'not a call key: "CA 1; drop"',
    });
    // The fake feed has no transcripts: the page is told why, not shown an empty transcript.
    await expect(api.openTranscript('CA1')).resolves.toMatchObject({
      ok: true,
      value: {
        callSid: 'CA1',
        phase: 'error',
        error: 'transcripts need a server with transcripts',
      },
    });
    await expect(api.closeTranscript('CA1')).resolves.toEqual({ ok: true, value: null });
  });
});
