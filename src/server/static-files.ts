import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname } from 'node:path';
import type { Readable } from 'node:stream';
import sirv from 'sirv';
import { CONTENT_SECURITY_POLICY } from '../shared/content-security-policy';
import type { Logger } from '../shared/log';

/**
 * Sent with every answer of the HTTP server (dashboard files, /healthz, /metrics, 404s). The
 * CSP must travel as a header: `frame-ancestors` is ignored in a <meta> (the built
 * index.html carries the rest of the same policy in one). X-Frame-Options says the same as
 * frame-ancestors to browsers that predate it.
 */
export const SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
};

/**
 * Vite writes the bundle's files into assets/ (build.assetsDir, default) with a hash of their
 * content in the name: a new build gives new names, so a browser may keep them for good.
 */
const HASHED_ASSETS = '/assets/';
const IMMUTABLE = 'public, max-age=31536000, immutable';
/** Kept, but checked with the server (ETag) before each use: index.html names the bundle. */
const REVALIDATE = 'no-cache';

/** Media types of files the build emits that sirv's table (mrmime) does not know. */
const TYPES_SIRV_LACKS: Record<string, string> = { '.ico': 'image/x-icon' };

/** Answers a request from the dashboard's files, or returns false when no file may answer it. */
export type StaticFiles = (req: IncomingMessage, res: ServerResponse) => boolean;

/**
 * Serves the built renderer (the web dashboard) from `root` with sirv: GET and HEAD only,
 * `/` -> index.html, nothing outside `root`, no dotfiles, no directory listing, no fallback
 * page (an unknown path is a 404). ETag + 304 on If-None-Match for every file; hashed assets
 * cached for a year, everything else (index.html, favicon.ico) revalidated on each use.
 *
 * sirv looks each file up when asked (its `dev` mode) rather than indexing `root` once at
 * start: a dashboard rebuilt or upgraded in place is then served as it is on disk, with
 * ETags that match it, instead of stale lengths and 304s for files that changed.
 */
export function createStaticFiles(root: string, logger: Logger): StaticFiles {
  const serve = sirv(root, {
    dev: true,
    etag: true,
    dotfiles: false,
    setHeaders: (res, pathname) => {
      const type = TYPES_SIRV_LACKS[extname(pathname).toLowerCase()];
      if (type) res.setHeader('Content-Type', type);
    },
  });
  return (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    const pathname = requestedPath(req.url ?? '/');
    if (pathname === null) return false;
    // sirv answers Range with a 206 it computes loosely (suffix ranges, start > end); the
    // dashboard's files are small, and RFC 9110 section 14.2 lets a server ignore Range.
    delete req.headers.range;
    // Set before sirv runs, so its 304 (which sets no headers of its own) carries them too.
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
    res.setHeader('Cache-Control', pathname.startsWith(HASHED_ASSETS) ? IMMUTABLE : REVALIDATE);
    // sirv pipes a read stream without an error listener: a file removed between lookup and
    // read (a rebuild in progress) would otherwise throw out of the process.
    const onPipe = (source: Readable) =>
      source.once('error', (error) => {
        logger.warn('could not read a dashboard file', { path: pathname, error: error.message });
        res.destroy();
      });
    res.on('pipe', onPipe);
    let found = true;
    serve(req, res, () => {
      found = false;
    });
    if (!found) {
      res.off('pipe', onPipe);
      res.removeHeader('Cache-Control');
    }
    return found;
  };
}

/**
 * The path of a request target as sirv reads it (up to `?` or `#`, percent-decoded, not
 * normalised), or null when no file may answer it: not a path, malformed escapes, a NUL, or
 * a segment starting with a dot. sirv's own lookup already stays inside `root`; refusing dot
 * segments here keeps `..` (also as `%2e%2e`, or after a backslash, a separator on Windows) out before any file is
 * touched, and hides dotfiles, which sirv's per-request mode would otherwise serve.
 */
export function requestedPath(target: string): string | null {
  const raw = target.split(/[?#]/, 1)[0]!;
  if (!raw.startsWith('/')) return null;
  let path: string;
  try {
    path = decodeURI(raw);
  } catch {
    return null;
  }
  if (path.includes('\0') || /[\\/]\./.test(path)) return null;
  return path;
}
