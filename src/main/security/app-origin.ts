/**
 * Which pages are the app: the renderer's own index.html over file:// (packaged and built
 * runs), or the electron-vite dev server's origin (ELECTRON_RENDERER_URL in development).
 * Anything else (a foreign site, a subframe, a data: or blob: page) is not trusted with IPC
 * and may not be navigated to.
 */
export interface AppLocation {
  /** file:// URL of out/renderer/index.html. */
  rendererFileUrl: string;
  /** The dev server URL, only in development. */
  devServerUrl?: string;
}

function parse(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

export function isAppUrl(url: unknown, location: AppLocation): boolean {
  if (typeof url !== 'string' || url.length > 8192) return false;
  const target = parse(url);
  if (!target) return false;
  if (target.protocol === 'file:') {
    const app = parse(location.rendererFileUrl);
    // Same file, any hash or query (the renderer routes with the hash).
    return app !== null && app.protocol === 'file:' && target.pathname === app.pathname;
  }
  if (location.devServerUrl) {
    const dev = parse(location.devServerUrl);
    return (
      dev !== null &&
      (target.protocol === 'http:' || target.protocol === 'https:') &&
      target.origin === dev.origin
    );
  }
  return false;
}
