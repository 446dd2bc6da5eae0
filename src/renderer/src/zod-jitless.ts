/**
 * Imported first by the renderer's entry: the page's CSP forbids eval, so zod must neither
 * compile its parsers with `new Function` nor probe whether it may (the probe, though caught,
 * is reported as a CSP violation). Modules imported after this one may parse at load time.
 */
import { config } from 'zod';

config({ jitless: true });
