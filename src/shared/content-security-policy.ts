/**
 * The renderer's Content-Security-Policy, defined once for every place that delivers it: the
 * desktop app's session sends it as a header on every response (src/main/security/harden.ts),
 * `callboard serve` sends it as a header with the web dashboard (src/server/static-files.ts),
 * and the renderer build writes the part a <meta> can carry into index.html
 * (electron.vite.config.ts), so a copy of out/renderer served by anything else is still
 * covered.
 *
 * The renderer loads only its own bundle: no inline script, no eval, no remote code, no
 * frames, no plugins, no inline styles (React's `style` props go through the CSSOM, which CSP
 * does not restrict; the stylesheet is a file). The desktop renderer talks to nothing over
 * the network (the main process holds the feed), and the web dashboard only to the server
 * that served it, so connect-src is 'self' only.
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
 * Directives a policy delivered in a <meta> element cannot carry: browsers ignore them there
 * and say so in the console (CSP Level 3, section 3.3: "The frame-ancestors, report-uri, and
 * sandbox directives are not supported inside a meta element"; report-to likewise needs a
 * header). They only work as an HTTP header.
 */
export const HEADER_ONLY_DIRECTIVES: readonly string[] = [
  'frame-ancestors',
  'report-uri',
  'report-to',
  'sandbox',
];

/** `policy` without the directives a <meta> element cannot carry. */
export function metaContentSecurityPolicy(policy: string = CONTENT_SECURITY_POLICY): string {
  return policy
    .split(';')
    .map((directive) => directive.trim())
    .filter((directive) => directive !== '')
    .filter(
      (directive) => !HEADER_ONLY_DIRECTIVES.includes(directive.split(/\s+/)[0]!.toLowerCase()),
    )
    .join('; ');
}
