import { CONTENT_SECURITY_POLICY } from '../../shared/content-security-policy';

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
 * The policy the app's session sends (src/shared/content-security-policy.ts). In development
 * only (electron-vite's dev server): Vite's HMR client connects to its websocket, the React
 * refresh preamble is an inline script, and Vite injects styles as <style> elements (only the
 * build writes the <meta> CSP into index.html: electron.vite.config.ts). Never used for a
 * built app.
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
