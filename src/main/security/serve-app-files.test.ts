import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../shared/log';
import { allowedAppFile } from './app-files';
import { serveAppFiles } from './harden';
import { CONTENT_SECURITY_POLICY } from '../../shared/content-security-policy';

describe('serveAppFiles (the file: scheme handler)', () => {
  function setup() {
    let handler: ((r: Request) => Promise<Response>) | undefined;
    const fetched: string[] = [];
    serveAppFiles(
      {
        handle: (_scheme, h) => (handler = h),
        fetch: async (request) => {
          fetched.push(request.url);
          return new Response('<html></html>', {
            status: 200,
            headers: { 'content-type': 'text/html' },
          });
        },
      },
      {
        rendererDir: '/app/out/renderer',
        csp: CONTENT_SECURITY_POLICY,
        logger: silentLogger,
        allowed: allowedAppFile,
      },
    );
    return { handler: handler!, fetched };
  }

  it('serves app files with the CSP header', async () => {
    const { handler } = setup();
    const response = await handler(new Request('file:///app/out/renderer/index.html'));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(response.headers.get('content-type')).toBe('text/html');
  });

  it('refuses anything outside out/renderer without reading it', async () => {
    const { handler, fetched } = setup();
    const response = await handler(new Request('file:///etc/passwd'));
    expect(response.status).toBe(403);
    expect(fetched).toEqual([]);
  });
});
