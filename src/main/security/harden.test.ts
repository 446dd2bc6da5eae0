import type { Session, WebContents } from 'electron';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../shared/log';
import { isAppUrl } from './app-origin';
import { hardenSession, hardenWebContents } from './harden';
import { CONTENT_SECURITY_POLICY } from '../../shared/content-security-policy';

const APP = 'file:///app/out/renderer/index.html';

function fakeContents() {
  const handlers = new Map<string, (event: { preventDefault(): void }, url: string) => void>();
  let openHandler: ((d: { url: string }) => { action: string }) | null = null;
  const contents = {
    on: (event: string, h: (event: { preventDefault(): void }, url: string) => void) =>
      handlers.set(event, h),
    setWindowOpenHandler: (h: (d: { url: string }) => { action: string }) => (openHandler = h),
  } as unknown as WebContents;
  const opened: string[] = [];
  hardenWebContents(contents, {
    isAppUrl: (url) => isAppUrl(url, { rendererFileUrl: APP }),
    openExternal: async (url) => void opened.push(url),
    logger: silentLogger,
  });
  const navigate = (event: string, url: string) => {
    let prevented = false;
    handlers.get(event)!({ preventDefault: () => (prevented = true) }, url);
    return prevented;
  };
  return { navigate, open: (url: string) => openHandler!({ url }), opened, handlers };
}

describe('hardenWebContents', () => {
  it.each([
    'https://evil.example/',
    'file:///etc/passwd',
    'javascript:alert(1)',
    'http://localhost.evil.example/',
  ])('refuses navigation and redirects to %s', (url) => {
    const c = fakeContents();
    expect(c.navigate('will-navigate', url)).toBe(true);
    expect(c.navigate('will-redirect', url)).toBe(true);
  });

  it('lets the app page reload itself (hash routes included)', () => {
    const c = fakeContents();
    expect(c.navigate('will-navigate', `${APP}#/settings`)).toBe(false);
  });

  it('denies every new window; an https link goes to the system browser', () => {
    const c = fakeContents();
    expect(c.open('https://example.com/docs')).toEqual({ action: 'deny' });
    expect(c.open('javascript:alert(1)')).toEqual({ action: 'deny' });
    expect(c.open('file:///etc/passwd')).toEqual({ action: 'deny' });
    expect(c.opened).toEqual(['https://example.com/docs']);
  });

  it('refuses <webview>', () => {
    const c = fakeContents();
    let prevented = false;
    c.handlers.get('will-attach-webview')!({ preventDefault: () => (prevented = true) }, '');
    expect(prevented).toBe(true);
  });
});

describe('hardenSession', () => {
  it('adds the CSP to every response and denies every permission', () => {
    let headers:
      | ((d: { responseHeaders?: Record<string, string[]> }, cb: (r: unknown) => void) => void)
      | null = null;
    let request:
      ((wc: unknown, permission: string, cb: (granted: boolean) => void) => void) | null = null;
    let check: (() => boolean) | null = null;
    let device: (() => boolean) | null = null;
    const session = {
      webRequest: { onHeadersReceived: (h: typeof headers) => (headers = h) },
      setPermissionRequestHandler: (h: typeof request) => (request = h),
      setPermissionCheckHandler: (h: typeof check) => (check = h),
      setDevicePermissionHandler: (h: typeof device) => (device = h),
    } as unknown as Session;
    hardenSession(session, CONTENT_SECURITY_POLICY, silentLogger);
    let response: { responseHeaders: Record<string, string[]> } | undefined;
    headers!(
      { responseHeaders: { 'content-type': ['text/html'] } },
      (r) => (response = r as typeof response),
    );
    expect(response!.responseHeaders['Content-Security-Policy']).toEqual([CONTENT_SECURITY_POLICY]);
    expect(response!.responseHeaders['content-type']).toEqual(['text/html']);
    for (const permission of [
      'media',
      'geolocation',
      'notifications',
      'clipboard-read',
      'openExternal',
    ]) {
      let granted: boolean | undefined;
      request!(null, permission, (g) => (granted = g));
      expect(granted).toBe(false);
    }
    expect(check!()).toBe(false);
    expect(device!()).toBe(false);
  });
});
