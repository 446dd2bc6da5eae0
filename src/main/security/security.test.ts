import { describe, expect, it } from 'vitest';
import { isAppUrl } from './app-origin';
import { checkExternalUrl } from './external-url';
import { CONTENT_SECURITY_POLICY } from '../../shared/content-security-policy';
import { appWebPreferences, contentSecurityPolicy } from './web-preferences';

describe('the window webPreferences', () => {
  it('isolate the renderer: context isolation, sandbox, no node anywhere', () => {
    expect(appWebPreferences('/app/out/preload/index.js')).toEqual({
      preload: '/app/out/preload/index.js',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      safeDialogs: true,
    });
  });
});

describe('the content security policy of the app session', () => {
  it('is the shared policy, opened to the dev server only in development', () => {
    expect(contentSecurityPolicy()).toBe(CONTENT_SECURITY_POLICY);
    const dev = contentSecurityPolicy('http://localhost:5173/');
    expect(dev).toContain('ws://localhost:5173');
    expect(dev).toContain("style-src 'self' 'unsafe-inline'");
  });
});

describe('checkExternalUrl', () => {
  const refused: [string, unknown][] = [
    ['javascript:', 'javascript:alert(1)'],
    ['file:', 'file:///etc/passwd'],
    ['data:', 'data:text/html,<script>alert(1)</script>'],
    ['a custom scheme', 'ms-msdt:/id PCWDiagnostic'],
    ['smb', 'smb://evil.example/share'],
    ['credentials', 'https://user:pw@evil.example/'],
    ['spaces', 'https://example.com/a b'],
    ['a newline', 'https://example.com/\nx'],
    ['not text', { href: 'https://example.com' }],
    ['empty', ''],
    ['huge', `https://example.com/${'a'.repeat(5000)}`],
    ['not a URL', 'example.com'],
  ];
  it.each(refused)('refuses %s with a reason', (_name, value) => {
    const result = checkExternalUrl(value);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason.length).toBeGreaterThan(5);
  });
  it.each(['https://example.com/docs?q=1#x', 'http://127.0.0.1:7070/'])('allows %s', (url) => {
    expect(checkExternalUrl(url)).toEqual({ ok: true, url });
  });
});

describe('isAppUrl', () => {
  const location = { rendererFileUrl: 'file:///app/out/renderer/index.html' };
  it.each([
    ['file:///app/out/renderer/index.html', true],
    ['file:///app/out/renderer/index.html#/settings', true],
    ['file:///app/out/renderer/other.html', false],
    ['https://evil.example/', false],
    ['javascript:alert(1)', false],
    ['not a url', false],
    [42, false],
  ] as const)('%s -> %s', (url, expected) => {
    expect(isAppUrl(url, location)).toBe(expected);
  });
});
