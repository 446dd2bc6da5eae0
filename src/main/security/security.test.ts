import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isAppUrl } from './app-origin';
import { checkExternalUrl } from './external-url';
import {
  appWebPreferences,
  CONTENT_SECURITY_POLICY,
  contentSecurityPolicy,
} from './web-preferences';

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

describe('the content security policy', () => {
  const directives = new Map(
    CONTENT_SECURITY_POLICY.split(';').map((d) => {
      const [name, ...values] = d.trim().split(/\s+/);
      return [name, values] as const;
    }),
  );
  it('denies by default and allows scripts only from the app itself', () => {
    expect(directives.get('default-src')).toEqual(["'none'"]);
    expect(directives.get('script-src')).toEqual(["'self'"]);
    expect(directives.get('object-src')).toEqual(["'none'"]);
    expect(directives.get('frame-ancestors')).toEqual(["'none'"]);
    expect(directives.get('base-uri')).toEqual(["'none'"]);
  });
  it('never allows eval, inline script or remote script', () => {
    const scripts = directives.get('script-src')!.join(' ');
    expect(scripts).not.toMatch(/unsafe-eval|unsafe-inline|https?:|\*/);
    expect(CONTENT_SECURITY_POLICY).not.toContain("'unsafe-eval'");
  });
  it('allows no inline style: React styles go through the CSSOM, the stylesheet is a file', () => {
    expect(directives.get('style-src')).toEqual(["'self'"]);
  });
  it('opens connect-src and inline script and style to the dev server only in development', () => {
    expect(contentSecurityPolicy()).toBe(CONTENT_SECURITY_POLICY);
    const dev = contentSecurityPolicy('http://localhost:5173/');
    expect(dev).toContain('ws://localhost:5173');
    expect(dev).toContain("style-src 'self' 'unsafe-inline'");
  });
  it('the web dashboard <meta> is as strict: same origin only, no inline script or style', () => {
    const html = readFileSync(join(__dirname, '../../renderer/index.html'), 'utf8');
    const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1] ?? '';
    const metaDirectives = new Map(
      meta.split(';').map((d) => {
        const [name, ...values] = d.trim().split(/\s+/);
        return [name!, values];
      }),
    );
    expect(metaDirectives.get('script-src')).toEqual(["'self'"]);
    expect(metaDirectives.get('style-src')).toEqual(["'self'"]);
    expect(metaDirectives.get('connect-src')).toEqual(["'self'"]);
    expect(metaDirectives.get('object-src')).toEqual(["'none'"]);
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
