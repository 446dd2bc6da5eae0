/**
 * URL checks shared by the desktop shell and the web dashboard. External links leave the app
 * only as plain http(s) URLs without credentials; everything else (javascript:, file:, data:,
 * custom schemes that start programs, `http://user:pw@host`) is refused.
 */

const MAX_URL_LENGTH = 4096;
// eslint-disable-next-line no-control-regex
const UNSAFE_CHARS = /[\u0000-\u001f\u007f-\u009f\s\u200b-\u200f\u2028\u2029\ufeff]/;

function parse(value: string): URL | null {
  try {
    return new URL(value);
  } catch {
    return null;
  }
}

/** The parsed URL when `value` may be opened outside the app, else null. */
export function isSafeExternalUrl(value: unknown): URL | null {
  if (typeof value !== 'string') return null;
  if (value.length === 0 || value.length > MAX_URL_LENGTH) return null;
  if (UNSAFE_CHARS.test(value)) return null;
  const url = parse(value);
  if (!url) return null;
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  if (url.hostname === '') return null;
  if (url.username !== '' || url.password !== '') return null;
  return url;
}

/**
 * Whether `url` belongs to the app served at `appOrigin` (e.g. `http://127.0.0.1:5173` or the
 * renderer's `file:///.../index.html`). Same origin exactly: scheme, host and port, so
 * `http://localhost.evil.example` is not `http://localhost`. For file: apps (whose origin is
 * opaque) the same file path, any query or hash.
 */
export function isAppUrl(url: unknown, appOrigin: string): boolean {
  if (typeof url !== 'string' && !(url instanceof URL)) return false;
  const text = typeof url === 'string' ? url : url.href;
  if (text.length > MAX_URL_LENGTH * 2 || UNSAFE_CHARS.test(text)) return false;
  const target = parse(text);
  const app = parse(appOrigin);
  if (!target || !app) return false;
  if (target.username !== '' || target.password !== '') return false;
  if (app.protocol === 'file:') {
    return (
      target.protocol === 'file:' && target.host === app.host && target.pathname === app.pathname
    );
  }
  if (app.protocol !== 'http:' && app.protocol !== 'https:') return false;
  // blob: URLs carry their creator's origin but are not pages the app serves.
  return target.protocol === app.protocol && target.origin === app.origin;
}
