import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { unlinkSync } from 'node:fs';
import { createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY } from '../shared/content-security-policy';
import { createLogger, silentLogger, type LogRecord } from '../shared/log';
import { createRealtimeServer, type RealtimeServer } from './realtime-server';
import { createStaticFiles, requestedPath } from './static-files';

// The web dashboard's files over real HTTP, the way a browser and a cache see them. The
// requests are raw (node:http, not fetch), so paths such as `/../x` reach the server as
// written instead of being normalised by the client first.

const INDEX = '<!doctype html><title>dash</title><script src="./assets/index-3f9a1c.js"></script>';
const SCRIPT = 'console.log("dashboard bundle");\n';
const ICON = Buffer.from([0, 0, 1, 0, 1, 0, 16, 16, 0, 0, 1, 0, 32, 0, 104, 4]);
const SECRET = 'secret-outside-the-dashboard';

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

function get(
  base: string,
  path: string,
  options: { method?: string; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request(
      { hostname, port, path, method: options.method ?? 'GET', headers: options.headers ?? {} },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end();
  });
}

let dir = '';
let site = '';
let server: RealtimeServer;
let url = '';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'callboard-static-'));
  site = join(dir, 'site');
  await mkdir(join(site, 'assets'), { recursive: true });
  await mkdir(join(site, 'notes'));
  await writeFile(join(site, 'index.html'), INDEX);
  await writeFile(join(site, 'assets', 'index-3f9a1c.js'), SCRIPT);
  await writeFile(join(site, 'favicon.ico'), ICON);
  await writeFile(join(site, '.env'), `TOKEN=${SECRET}`);
  await writeFile(join(site, 'notes', 'todo.txt'), 'a file in a folder with no index.html');
  await writeFile(join(dir, 'outside.txt'), SECRET);
  server = createRealtimeServer({ logger: silentLogger, port: 0, staticDir: site });
  ({ url } = await server.start());
});

afterAll(async () => {
  await server?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('static files: the dashboard page', () => {
  it('serves index.html at / with the CSP as a header, frame-ancestors included', async () => {
    const page = await get(url, '/');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.body.toString()).toBe(INDEX);
    const csp = page.headers['content-security-policy'];
    expect(csp).toBe(CONTENT_SECURITY_POLICY);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(page.headers['x-frame-options']).toBe('DENY');
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    expect(page.headers['referrer-policy']).toBe('no-referrer');
  });

  it('has index.html revalidated on every use, so a new build is seen at once', async () => {
    for (const path of ['/', '/index.html']) {
      expect((await get(url, path)).headers['cache-control']).toBe('no-cache');
    }
  });

  it('answers a repeat request with the ETag it gave by 304 and no body', async () => {
    const first = await get(url, '/');
    const etag = first.headers.etag;
    expect(etag).toBeTruthy();
    const again = await get(url, '/', { headers: { 'If-None-Match': etag! } });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
    // The 304 still says how to cache and what the page may do.
    expect(again.headers['cache-control']).toBe('no-cache');
    expect(again.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);

    const other = await get(url, '/', { headers: { 'If-None-Match': 'W/"1-1"' } });
    expect(other.status).toBe(200);
    expect(other.body.toString()).toBe(INDEX);
  });

  it('gives the new file, not a 304, once the file changed on disk', async () => {
    const file = join(site, 'changing.html');
    await writeFile(file, '<p>first build</p>');
    const first = await get(url, '/changing.html');
    await writeFile(file, '<p>the second build, longer than the first</p>');
    const after = await get(url, '/changing.html', {
      headers: { 'If-None-Match': first.headers.etag! },
    });
    expect(after.status).toBe(200);
    expect(after.body.toString()).toBe('<p>the second build, longer than the first</p>');
    expect(after.headers.etag).not.toBe(first.headers.etag);
  });

  it('answers HEAD with the headers and no body', async () => {
    const head = await get(url, '/', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(Number(head.headers['content-length'])).toBe(Buffer.byteLength(INDEX));
    expect(head.body.length).toBe(0);
  });
});

describe('static files: hashed assets and the icon', () => {
  it('lets browsers keep hashed assets for a year without asking again', async () => {
    const script = await get(url, '/assets/index-3f9a1c.js');
    expect(script.status).toBe(200);
    expect(script.headers['content-type']).toMatch(/^text\/javascript/);
    expect(script.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(script.body.toString()).toBe(SCRIPT);
    const again = await get(url, '/assets/index-3f9a1c.js', {
      headers: { 'If-None-Match': script.headers.etag! },
    });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
  });

  it('serves /favicon.ico as an icon, revalidated (its name has no hash)', async () => {
    const icon = await get(url, '/favicon.ico');
    expect(icon.status).toBe(200);
    expect(icon.headers['content-type']).toBe('image/x-icon');
    expect(icon.headers['cache-control']).toBe('no-cache');
    expect(icon.body.equals(ICON)).toBe(true);
  });

  it('sends the whole file for a Range request, even a malformed one', async () => {
    for (const range of ['bytes=0-3', 'bytes=9-2', 'bytes=-5']) {
      const answer = await get(url, '/assets/index-3f9a1c.js', { headers: { Range: range } });
      expect(answer.status, range).toBe(200);
      expect(answer.body.toString(), range).toBe(SCRIPT);
    }
  });
});

describe('static files: what is refused', () => {
  const refused = [
    ['parent directory', '/../outside.txt'],
    ['parent from a folder', '/assets/../../outside.txt'],
    ['encoded dots', '/%2e%2e/outside.txt'],
    ['encoded slash', '/..%2foutside.txt'],
    ['backslash', '/..\\outside.txt'],
    ['encoded backslash', '/..%5coutside.txt'],
    ['absolute form', 'http://127.0.0.1/../outside.txt'],
    ['dotfile', '/.env'],
    ['encoded dotfile', '/%2eenv'],
    ['NUL', '/index.html%00.js'],
    ['malformed escape', '/%E0%A4%A'],
    ['folder without index.html (no listing)', '/notes/'],
    ['folder without slash', '/notes'],
    ['unknown page (no fallback to index.html)', '/settings'],
    ['missing asset', '/assets/index-000000.js'],
  ] as const;
  for (const [what, path] of refused) {
    it(`answers 404 and nothing of the file: ${what}`, async () => {
      const answer = await get(url, path);
      expect(answer.status).toBe(404);
      const body = answer.body.toString();
      expect(body).not.toContain(SECRET);
      expect(body).not.toContain('<title>dash</title>');
      expect(answer.headers['cache-control'] ?? '').not.toContain('immutable');
      expect(answer.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
    });
  }

  it('serves files to GET and HEAD only', async () => {
    for (const method of ['POST', 'PUT', 'DELETE']) {
      const answer = await get(url, '/index.html', { method });
      expect(answer.status, method).toBe(404);
      expect(answer.body.toString(), method).not.toContain('<title>dash</title>');
    }
  });

  it('sends the same security headers from /healthz', async () => {
    const health = await get(url, '/healthz');
    expect(health.status).toBe(200);
    expect(health.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
    expect(health.headers['x-frame-options']).toBe('DENY');
  });
});

describe('static files: a file removed while it is being sent', () => {
  let plain: Server | undefined;
  afterEach(async () => {
    await new Promise<void>((done) => {
      if (!plain) return done();
      plain.close(() => done());
      plain.closeAllConnections();
    });
    plain = undefined;
  });

  it('aborts that one response and logs it, and the server goes on', async () => {
    const file = join(site, 'assets', 'going-away.js');
    await writeFile(file, 'soon gone');
    const records: LogRecord[] = [];
    const files = createStaticFiles(site, createLogger({ sink: (r) => records.push(r) }));
    // The file is found, then removed before sirv's read stream opens it (that open is
    // asynchronous): the read fails mid-response.
    plain = createServer((req, res) => {
      const served = files(req, res);
      if (req.url === '/assets/going-away.js') unlinkSync(file);
      if (!served) res.writeHead(404).end();
    });
    await new Promise<void>((done) => plain!.listen(0, '127.0.0.1', done));
    const base = `http://127.0.0.1:${(plain.address() as AddressInfo).port}`;

    await expect(get(base, '/assets/going-away.js')).rejects.toThrow(/aborted|socket hang up/);
    expect(records).toContainEqual(
      expect.objectContaining({
        level: 'warn',
        msg: 'could not read a dashboard file',
        path: '/assets/going-away.js',
      }),
    );
    expect((await get(base, '/index.html')).body.toString()).toBe(INDEX);
  });
});

describe('requestedPath', () => {
  it.each([
    ['/', '/'],
    ['/assets/index-1.js?v=2', '/assets/index-1.js'],
    ['/a%20b.html#top', '/a b.html'],
  ])('reads %s as %s', (target, path) => {
    expect(requestedPath(target)).toBe(path);
  });
  it.each(['', '*', 'x/y', '/a/../b', '/.git/config', '/%2E%2E/x', '/a\\..\\b', '/%ZZ', '/a%00'])(
    'refuses %j',
    (target) => {
      expect(requestedPath(target)).toBeNull();
    },
  );
});
