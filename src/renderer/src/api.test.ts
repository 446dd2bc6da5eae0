import { describe, expect, it } from 'vitest';
import { createUnavailableApi, dashboardToken, resolveApi } from './api';
import { createMemoryApi } from './test-support/memory-api';

describe('picking the CallboardApi', () => {
  it('uses the preload API when the desktop app exposes one', async () => {
    const preload = createMemoryApi();
    const api = await resolveApi({ callboard: preload } as unknown as Window);
    expect(api).toBe(preload);
  });

  it.each([
    [{ hash: '#token=abc', search: '' }, 'abc'],
    [{ hash: '', search: '?token=q%20r' }, 'q r'],
    [{ hash: '#token=h', search: '?token=q' }, 'h'],
    [{ hash: '#other=1', search: '' }, undefined],
    [{ hash: '#token=', search: '' }, undefined],
  ])('reads the dashboard token from %j', (location, token) => {
    expect(dashboardToken(location)).toBe(token);
  });

  it('answers every operation with the reason when no client could start', async () => {
    const api = createUnavailableApi('cannot start the dashboard client: boom');
    await expect(api.getSnapshot()).resolves.toEqual({
      ok: false,
      code: 'unavailable',
      message: 'cannot start the dashboard client: boom',
    });
    await expect(api.acknowledgeAlert('a')).resolves.toMatchObject({ ok: false });
    const stop = api.onDidChange(() => {});
    stop();
  });
});
