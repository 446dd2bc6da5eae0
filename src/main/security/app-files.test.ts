import { describe, expect, it } from 'vitest';
import { allowedAppFile } from './app-files';

describe('allowedAppFile', () => {
  const dir = '/opt/callboard/out/renderer';
  it.each([
    ['file:///opt/callboard/out/renderer/index.html', true],
    ['file:///opt/callboard/out/renderer/assets/index-abc.js', true],
    ['file:///opt/callboard/out/renderer/index.html#/alerts', true],
    ['file:///opt/callboard/out/renderer/../main/index.js', false],
    ['file:///opt/callboard/out/renderer/%2e%2e/main/index.js', false],
    ['file:///opt/callboard/out/renderer', false],
    ['file:///etc/passwd', false],
    ['file://evil.example/opt/callboard/out/renderer/index.html', false],
    ['https://example.com/', false],
    ['not a url', false],
  ])('%s -> %s', (url, allowed) => {
    expect(allowedAppFile(url, dir) !== null).toBe(allowed);
  });
});
