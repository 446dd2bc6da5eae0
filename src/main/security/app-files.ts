import { isAbsolute, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The renderer is loaded over file://, where no response headers exist: main intercepts the
 * file: scheme (./harden.ts, serveAppFiles) so that only files inside out/renderer can be
 * read, and every one of them carries the CSP header. This is the pure part: which file
 * URLs are allowed.
 */
export function isInsideFolder(filePath: string, folder: string): boolean {
  const rel = relative(resolve(folder), resolve(filePath));
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}

export function allowedAppFile(url: string, rendererDir: string): string | null {
  let path: string;
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'file:' || (parsed.host !== '' && parsed.host !== 'localhost'))
      return null;
    path = fileURLToPath(parsed);
  } catch {
    return null;
  }
  return isInsideFolder(path, rendererDir) ? path : null;
}
