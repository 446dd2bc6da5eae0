import { describe, expect, it } from 'vitest';
import { isAppUrl, isSafeExternalUrl } from './urls';

describe('isSafeExternalUrl', () => {
  it.each([
    ['https://example.com/docs?q=1#x', 'https://example.com/docs?q=1#x'],
    ['http://127.0.0.1:7070/', 'http://127.0.0.1:7070/'],
    ['HTTPS://EXAMPLE.com', 'https://example.com/'],
    ['https://xn--bcher-kva.example/', 'https://xn--bcher-kva.example/'],
  ])('opens %s', (value, href) => {
    expect(isSafeExternalUrl(value)?.href).toBe(href);
  });

  it.each<[string, unknown]>([
    ['javascript:', 'javascript:alert(1)'],
    ['javascript: with spaces and case', ' JaVaScRiPt:alert(1)'],
    ['file:', 'file:///etc/passwd'],
    ['data:', 'data:text/html,<script>alert(1)</script>'],
    ['blob:', 'blob:https://example.com/123'],
    ['custom scheme', 'ms-msdt:/id PCWDiagnostic'],
    ['vbscript', 'vbscript:msgbox'],
    ['ftp', 'ftp://example.com/file'],
    ['credentials', 'https://user:pw@example.com/'],
    ['user only', 'https://user@example.com/'],
    ['credentials disguised as a host', 'http://localhost:5173@evil.example/'],
    ['no host', 'http://'],
    ['relative', '/settings'],
    ['protocol-relative', '//evil.example/'],
    ['tab inside the scheme', 'java\tscript:alert(1)'],
    ['newline', 'https://example.com/\nx'],
    ['leading space', ' https://example.com'],
    ['zero-width space', 'https://exa\u200bmple.com'],
    ['NUL', 'https://example.com/\u0000'],
    ['too long', `https://example.com/${'a'.repeat(5000)}`],
    ['empty', ''],
    ['a number', 42],
    ['null', null],
    ['an object', { href: 'https://example.com' }],
    ['a URL object', new URL('https://example.com')],
    ['an array', ['https://example.com']],
  ])('refuses %s', (_name, value) => {
    expect(isSafeExternalUrl(value)).toBeNull();
  });
});

describe('isAppUrl', () => {
  const dev = 'http://localhost:5173';
  it.each<[string, unknown, string, boolean]>([
    ['same origin, any path', 'http://localhost:5173/#/settings', dev, true],
    ['a URL object', new URL('http://localhost:5173/x'), dev, true],
    ['a look-alike host', 'http://localhost.evil.example:5173/', dev, false],
    ['a look-alike host without port', 'http://localhost.evil.example', 'http://localhost', false],
    ['another port', 'http://localhost:51730/', dev, false],
    ['another scheme', 'https://localhost:5173/', dev, false],
    ['credentials trick', 'http://localhost:5173@evil.example/', dev, false],
    ['credentials on the app host', 'http://u:p@localhost:5173/', dev, false],
    ['127.0.0.1 is not localhost', 'http://127.0.0.1:5173/', dev, false],
    ['data: page', 'data:text/html,hi', dev, false],
    ['blob: of the app origin', 'blob:http://localhost:5173/uuid', dev, false],
    ['javascript:', 'javascript:alert(1)', dev, false],
    ['junk', 'not a url', dev, false],
    ['not a string', 5, dev, false],
    ['bad app origin', 'http://localhost:5173/', 'nonsense', false],
    [
      'app file, same file',
      'file:///opt/app/out/renderer/index.html#/x',
      'file:///opt/app/out/renderer/index.html',
      true,
    ],
    [
      'app file, other file',
      'file:///etc/passwd',
      'file:///opt/app/out/renderer/index.html',
      false,
    ],
    [
      'app file, remote host',
      'file://evil/opt/app/out/renderer/index.html',
      'file:///opt/app/out/renderer/index.html',
      false,
    ],
    ['app file, http page', 'http://localhost/', 'file:///opt/app/out/renderer/index.html', false],
  ])('%s', (_name, url, origin, expected) => {
    expect(isAppUrl(url, origin)).toBe(expected);
  });
});
