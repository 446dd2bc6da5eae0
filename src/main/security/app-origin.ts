import { isAppUrl as isSharedAppUrl } from '../../shared/urls';

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

export function isAppUrl(url: unknown, location: AppLocation): boolean {
  if (isSharedAppUrl(url, location.rendererFileUrl)) return true;
  return location.devServerUrl !== undefined && isSharedAppUrl(url, location.devServerUrl);
}
