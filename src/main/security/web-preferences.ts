/**
 * The security settings of the app's one window, as plain values so a Node test can assert
 * them without Electron (src/main/security/web-preferences.test.ts). Electron's security
 * checklist: https://www.electronjs.org/docs/latest/tutorial/security
 */

/** The subset of Electron's WebPreferences we set, typed here so this file needs no electron. */
export interface AppWebPreferences {
  preload: string;
  contextIsolation: true;
  sandbox: true;
  nodeIntegration: false;
  nodeIntegrationInWorker: false;
  nodeIntegrationInSubFrames: false;
  webSecurity: true;
  allowRunningInsecureContent: false;
  webviewTag: false;
  experimentalFeatures: false;
  navigateOnDragDrop: false;
  spellcheck: false;
  safeDialogs: true;
}

export function appWebPreferences(preloadPath: string): AppWebPreferences {
  return {
    preload: preloadPath,
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
  };
}

/**
 * The renderer loads only its own bundle: no inline script, no eval, no remote code, no
 * frames, no plugins, no inline styles (React's `style` props go through the CSSOM, which CSP
 * does not restrict; the stylesheet is a file). The desktop renderer talks to nothing over
 * the network (the main process holds the feed), and the web dashboard only to the server
 * that served it, so connect-src is 'self' only. The <meta> in index.html carries the same
 * rules for the web dashboard; the app's session also sends this as a response header on
 * every response (./harden.ts).
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "media-src 'self'",
  "object-src 'none'",
  "frame-src 'none'",
  "child-src 'none'",
  "worker-src 'none'",
  "frame-ancestors 'none'",
  "form-action 'none'",
  "base-uri 'none'",
].join('; ');

/**
 * In development only (electron-vite's dev server): Vite's HMR client connects to its
 * websocket, the React refresh preamble is an inline script, and Vite injects styles as
 * <style> elements (the dev server drops index.html's <meta> CSP: electron.vite.config.ts).
 * Never used for a built app.
 */
export function contentSecurityPolicy(devServerUrl?: string): string {
  if (!devServerUrl) return CONTENT_SECURITY_POLICY;
  const { host } = new URL(devServerUrl);
  return CONTENT_SECURITY_POLICY.replace(
    "connect-src 'self'",
    `connect-src 'self' ws://${host} http://${host}`,
  )
    .replace("script-src 'self'", "script-src 'self' 'unsafe-inline'")
    .replace("style-src 'self'", "style-src 'self' 'unsafe-inline'");
}
