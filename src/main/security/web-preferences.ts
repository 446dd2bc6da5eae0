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
 * frames, no plugins. Inline styles are allowed because React's `style` props set them.
 * The desktop renderer talks to nothing over the network (the main process holds the feed),
 * so connect-src is 'self' only. Set both as a <meta> in index.html and as a response
 * header on every response of the app's session (./harden.ts).
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
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
 * websocket, and the React refresh preamble is an inline script. Never used for a built app.
 */
export function contentSecurityPolicy(devServerUrl?: string): string {
  if (!devServerUrl) return CONTENT_SECURITY_POLICY;
  const { host } = new URL(devServerUrl);
  return CONTENT_SECURITY_POLICY.replace(
    "connect-src 'self'",
    `connect-src 'self' ws://${host} http://${host}`,
  ).replace("script-src 'self'", "script-src 'self' 'unsafe-inline'");
}
