/**
 * Links the renderer asks to open leave the app only as http(s) URLs, through the OS shell.
 * Anything else (javascript:, file:, data:, custom schemes that launch programs, credentials
 * in the URL) is refused with a reason.
 */
import { isSafeExternalUrl } from '../../shared/urls';

export type ExternalUrlCheck = { ok: true; url: string } | { ok: false; reason: string };

export function checkExternalUrl(value: unknown): ExternalUrlCheck {
  if (typeof value !== 'string') return { ok: false, reason: 'the link is not text' };
  if (value.length === 0 || value.length > 4096) {
    return { ok: false, reason: 'the link is empty or longer than 4096 characters' };
  }
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f\s]/.test(value)) {
    return { ok: false, reason: 'the link contains spaces or control characters' };
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return { ok: false, reason: `"${value.slice(0, 100)}" is not a URL` };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return {
      ok: false,
      reason: `only http and https links open outside the app, not ${url.protocol}`,
    };
  }
  if (url.hostname === '') return { ok: false, reason: 'the link has no host' };
  if (url.username !== '' || url.password !== '') {
    return { ok: false, reason: 'links with a user name or password are not opened' };
  }
  // The shared rule (src/shared/urls.ts) has the final word; the checks above name the reason.
  const safe = isSafeExternalUrl(value);
  if (!safe) return { ok: false, reason: 'the link contains characters that are not allowed' };
  return { ok: true, url: safe.toString() };
}
