/**
 * One structured logger for every zone. Records are plain objects; where they go (stderr,
 * a file, nowhere in tests) is the sink's business, injected by each composition root.
 * Secrets are redacted here, so no sink can leak them: keys named like token/password/secret,
 * and passwords inside connection strings.
 */
import { setOwnField } from './own-field';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface LogRecord {
  time: string;
  level: LogLevel;
  scope: string;
  msg: string;
  [field: string]: unknown;
}

export type LogSink = (record: LogRecord) => void;

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  child(scope: string): Logger;
}

const SECRET_KEY = /token|password|passwd|secret|authorization|cookie|apikey|api_key/i;
// The password runs to the LAST '@' of the authority, so an unencoded '@' inside it (users
// paste such strings) is redacted whole; a URI may have no user name (`redis://:pw@host`).
const URI_PASSWORD = /(\b[a-z][a-z0-9+.-]*:\/\/[^:/?#\s@]*:)([^/?#\s]+)(@)/gi;

/** Replaces passwords in URIs (`mongodb://user:pw@host` -> `mongodb://user:***@host`). */
export function redactText(text: string): string {
  return text.replace(URI_PASSWORD, '$1***$3');
}

export function redact(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redactText(value);
  // Records must survive JSON.stringify in any sink.
  if (typeof value === 'bigint') return value.toString();
  if (value == null || typeof value !== 'object') return value;
  // Deeper than this is cut, not passed through: a raw nested object could hold a secret.
  if (depth > 6) return '[nested too deep]';
  if (value instanceof Date)
    return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
  if (value instanceof Error) {
    return { name: value.name, message: redactText(value.message) };
  }
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    const safe = SECRET_KEY.test(key) && v != null && v !== '' ? '***' : redact(v, depth + 1);
    setOwnField(out, key, safe); // a logged payload may hold a `__proto__` key
  }
  return out;
}

export function createLogger(options: {
  sink: LogSink;
  level?: LogLevel;
  scope?: string;
  now?: () => Date;
}): Logger {
  const minimum = LEVELS[options.level ?? 'info'];
  const now = options.now ?? (() => new Date());
  const scope = options.scope ?? 'callboard';
  const write = (level: LogLevel, msg: string, fields?: Record<string, unknown>) => {
    if (LEVELS[level] < minimum) return;
    const extra = fields ? (redact(fields) as Record<string, unknown>) : {};
    options.sink({ ...extra, time: now().toISOString(), level, scope, msg: redactText(msg) });
  };
  return {
    debug: (msg, fields) => write('debug', msg, fields),
    info: (msg, fields) => write('info', msg, fields),
    warn: (msg, fields) => write('warn', msg, fields),
    error: (msg, fields) => write('error', msg, fields),
    child: (child) => createLogger({ ...options, scope: `${scope}:${child}` }),
  };
}

/** A logger that drops everything (tests that do not look at logs). */
export const silentLogger: Logger = createLogger({ sink: () => {}, level: 'error' });

/** Formats a record as one human-readable line (the CLI's default). */
export function formatLogLine(record: LogRecord): string {
  const { time, level, scope, msg, ...fields } = record;
  let rest = '';
  if (Object.keys(fields).length > 0) {
    try {
      rest = ` ${JSON.stringify(fields)}`;
    } catch {
      rest = ' [fields not printable]';
    }
  }
  return `${time} ${level.toUpperCase().padEnd(5)} [${scope}] ${msg}${rest}`;
}
