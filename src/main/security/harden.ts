import type { Session, WebContents } from 'electron';
import type { Logger } from '../../shared/log';
import { checkExternalUrl } from './external-url';

/**
 * Applies the security model (docs/desktop.md, "Security model") to the app's session and
 * to every web contents it creates: CSP header on every response, every permission denied,
 * navigation away from the app and new windows refused (http(s) links go to the browser),
 * no <webview>.
 */
export function hardenSession(session: Session, csp: string, logger: Logger): void {
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({
      responseHeaders: {
        ...details.responseHeaders,
        'Content-Security-Policy': [csp],
        'X-Content-Type-Options': ['nosniff'],
      },
    });
  });
  session.setPermissionRequestHandler((_contents, permission, callback) => {
    logger.warn('denied a permission request', { permission });
    callback(false);
  });
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);
}

export interface HardenContentsDeps {
  isAppUrl(url: string): boolean;
  openExternal(url: string): Promise<void>;
  logger: Logger;
}

export function hardenWebContents(contents: WebContents, deps: HardenContentsDeps): void {
  const refuseNavigation = (event: { preventDefault(): void }, url: string) => {
    if (deps.isAppUrl(url)) return;
    event.preventDefault();
    deps.logger.warn('refused navigation away from the app', { url: url.slice(0, 200) });
  };
  contents.on('will-navigate', refuseNavigation);
  contents.on('will-redirect', refuseNavigation);
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    const checked = checkExternalUrl(url);
    if (checked.ok) void deps.openExternal(checked.url);
    else
      deps.logger.warn('refused to open a window', {
        url: url.slice(0, 200),
        reason: checked.reason,
      });
    return { action: 'deny' };
  });
}

/** The slice of Electron's protocol and net modules used to serve the app's files. */
export interface FileProtocolDeps {
  handle(scheme: 'file', handler: (request: Request) => Promise<Response>): void;
  fetch(request: Request, init: { bypassCustomProtocolHandlers: boolean }): Promise<Response>;
}

/**
 * file:// has no headers: intercept it so that only out/renderer is readable and every file
 * carries the CSP (docs/desktop.md, "Security model").
 */
export function serveAppFiles(
  deps: FileProtocolDeps,
  options: {
    rendererDir: string;
    csp: string;
    logger: Logger;
    allowed(url: string, dir: string): string | null;
  },
): void {
  deps.handle('file', async (request) => {
    if (!options.allowed(request.url, options.rendererDir)) {
      options.logger.warn('refused to read a file outside the app', {
        url: request.url.slice(0, 200),
      });
      return new Response('forbidden', { status: 403 });
    }
    const response = await deps.fetch(request, { bypassCustomProtocolHandlers: true });
    const headers = new Headers(response.headers);
    headers.set('Content-Security-Policy', options.csp);
    headers.set('X-Content-Type-Options', 'nosniff');
    return new Response(response.body, { status: response.status, headers });
  });
}
