/** `http://Host:Port/` -> `http://host:port`, or null when it is not an http(s) origin. */
export function normalizeOrigin(value: string): string | null {
  try {
    const url = new URL(value);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
    return url.origin;
  } catch {
    return null;
  }
}

/**
 * Whether a browser page at `origin` may connect. No Origin header: not a browser (or a
 * same-origin navigation), allowed, the token is the guard. Same origin as the server (the
 * dashboard it serves): allowed. Otherwise only origins on the allow-list; `*` must be listed
 * explicitly. docs/protocol.md, "Origins".
 */
export function isOriginAllowed(
  origin: string | undefined,
  host: string | undefined,
  allowList: readonly string[],
): boolean {
  if (origin === undefined || origin === '') return true;
  if (allowList.includes('*')) return true;
  const normalized = normalizeOrigin(origin);
  if (normalized === null) return false;
  if (host !== undefined) {
    const url = new URL(normalized);
    if (url.host === host.toLowerCase()) return true;
  }
  return allowList.some((allowed) => normalizeOrigin(allowed) === normalized);
}

/** A token bucket: `burst` requests at once, refilled at `perSecond`. */
export class RateLimiter {
  private tokens: number;
  private last: number;

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
    private readonly now: () => number = Date.now,
  ) {
    this.tokens = burst;
    this.last = now();
  }

  take(): boolean {
    const now = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.perSecond);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

/** Whether `host` is a loopback address, where running without a token is allowed. */
export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h);
}
