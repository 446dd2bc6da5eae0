import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { startEmulator, type RunningEmulator } from '../../emulator';
import {
  createRealtimeServer,
  fileTokenStore,
  memoryTokenStore,
  mongoCallStore,
  ServerError,
  TrafficSimulator,
  Watcher,
  type RealtimeServer,
} from '../../server';
import { openAuditLog, type AuditLog } from '../../server/audit-log';
import { TokenFileError } from '../../server/auth/token-file';
import { openTokenFile, type TokenFileSource } from '../../server/auth/token-registry';
import { isLoopbackHost, normalizeOrigin } from '../../server/security';
import { VOCABULARIES, type Vocabulary } from '../../server/simulator/simulator';
import { createLifecycleRules, type LifecycleRules } from '../../shared/domain/lifecycle';
import { createLogger, formatLogLine, type LogLevel } from '../../shared/log';
import { planLimitSchema } from '../../shared/settings';
import {
  CliError,
  UsageError,
  flagOrEnv,
  parseFlags,
  parsePort,
  type CliCommand,
  type CliIo,
} from '../command';

const USAGE = `Usage: callboard serve [--mongo URI] [--db NAME] [--host 127.0.0.1] [--port 7070]
                       [--token T | --tokens FILE] [--origin URL]... [--state-dir DIR] [--demo]

Runs the realtime server headless: MongoDB change streams -> hub -> Socket.IO (the seed
protocol and v2, docs/protocol.md), /healthz, /metrics, and the web dashboard at /.
Stops cleanly on Ctrl-C.

Options (each also settable by the environment variable shown):
  --mongo URI          MongoDB replica set URI                      CALLBOARD_MONGO_URI
  --db NAME            database holding calls and campaigns          CALLBOARD_DB (callcenter)
  --host H             address to listen on                          CALLBOARD_HOST (127.0.0.1)
  --port N             port (0 picks a free one)                     CALLBOARD_PORT (7070)
  --token T            clients must send it as auth.token            CALLBOARD_TOKEN
                       (it has every scope)
  --tokens FILE        named tokens, each with its scopes: a JSON    CALLBOARD_TOKENS
                       file of name, sha256, scopes (callboard token create
                       writes it); reread on change and on SIGHUP; a revoked
                       token's connections end (docs/operations.md, "Tokens and scopes")
  --audit-log FILE     append transcripts opened, exports and        CALLBOARD_AUDIT_LOG
                       refused requests as JSON lines (- for stdout)
  --origin URL         a browser origin allowed to connect (repeat)  CALLBOARD_ORIGINS (comma-separated)
  --transcripts-collection NAME                                      CALLBOARD_TRANSCRIPTS_COLLECTION
                       one document per turn, for live transcripts    (transcripts)
  --transcripts-key F  the call key's spellings in turn documents,   CALLBOARD_TRANSCRIPTS_KEY
                       comma-separated; each needs an index           (callSid,conversationId,conversation_id)
                       { F: 1, timeInCallSecs: 1 } (docs/operations.md)
  --state-dir DIR      where the resume token is kept                CALLBOARD_STATE_DIR
                       (default ~/.local/state/callboard; never in your database)
  --demo               run the bundled MongoDB emulator and a        CALLBOARD_DEMO=1
                       traffic simulator (clients show "Demo data")
  --demo-rate N        demo: new calls per second (default 2)        CALLBOARD_DEMO_RATE
  --demo-vocabulary V  demo: status spellings, twilio (default) or    CALLBOARD_DEMO_VOCABULARY
                       elevenlabs (pending, in_progress, processing, done...)
  --insecure-no-auth   allow a non-loopback --host without --token (everyone who can reach
                       it sees every call)
  --plan-limit N       the plan's concurrent-call limit, sent to     CALLBOARD_PLAN_LIMIT
                       every v2 client for its concurrency tile and alert
                       (overrides theirs; docs/operations.md, "Plan limit")
  --status-mapping F   a JSON file adding status values, e.g.       CALLBOARD_STATUS_MAPPING
                       {"calls": {"transferring": "in-progress"}}
                       (docs/operations.md, "Status mapping")
  --recent-minutes N   how long an ended call stays in the v2 recent  CALLBOARD_RECENT_MINUTES (60)
                       stream, for its late analysis (1 to 1440)
  --recent-limit N     the most calls that stream holds (1 to 50000)  CALLBOARD_RECENT_LIMIT (2000)
  --static-dir DIR     the web dashboard's files (default: the built out/renderer)
  --log-level L        debug, info, warn, error (default info)       CALLBOARD_LOG_LEVEL

Without --token or --tokens the server accepts clients with no token, as seed servers do,
but only while bound to a loopback address.`;

/** The status mapping file, validated: an error names the file and the bad entry. */
export async function readStatusMapping(path: string): Promise<LifecycleRules> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new CliError(`cannot read the status mapping ${path}: ${(error as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new CliError(`the status mapping ${path} is not JSON: ${(error as Error).message}`);
  }
  const result = createLifecycleRules(parsed);
  if (!result.ok) throw new CliError(`${path}: ${result.error}`);
  return result.rules;
}

function parseRate(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0 || n > 100_000) {
    throw new UsageError(
      `--demo-rate must be a number of calls per second from 0 to 100000, got "${value}"`,
    );
  }
  return n;
}

/** A whole number within [min, max]; the error names the flag and what it got. */
function parseWhole(value: string, flag: string, min: number, max: number): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isSafeInteger(n) || n < min || n > max) {
    throw new UsageError(`${flag} must be a whole number from ${min} to ${max}, got "${value}"`);
  }
  return n;
}

/** The plan limit, by the settings' rule (planLimitSchema): a whole number of calls, 1 or more. */
export function parsePlanLimit(value: string): number {
  const parsed = planLimitSchema.safeParse(value.trim() === '' ? Number.NaN : Number(value));
  if (!parsed.success) {
    throw new UsageError(
      `--plan-limit: ${parsed.error.issues[0]?.message ?? 'invalid'}, got "${value}"`,
    );
  }
  return parsed.data;
}

function parseOrigins(values: string[]): string[] {
  return values.map((value) => {
    if (value === '*') return value;
    const origin = normalizeOrigin(value);
    if (!origin)
      throw new UsageError(
        `--origin must be an http(s) origin like https://dash.example.com, got "${value}"`,
      );
    return origin;
  });
}

/** A MongoDB collection name (docs: no `$`, no NUL, not `system.*`, not empty). */
export function parseCollectionName(value: string, flag: string): string {
  const name = value.trim();
  if (name === '' || name.includes('$') || name.includes('\0') || name.startsWith('system.')) {
    throw new UsageError(
      `${flag} must be a collection name (no "$", not "system.*", not empty), got "${value}"`,
    );
  }
  return name;
}

const FIELD_PATH = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;

/** Field paths, comma-separated: `callSid,conversation_id`. */
export function parseFieldList(value: string, flag: string): string[] {
  const fields = value
    .split(',')
    .map((f) => f.trim())
    .filter(Boolean);
  const bad = fields.find((f) => !FIELD_PATH.test(f));
  if (fields.length === 0 || bad !== undefined) {
    throw new UsageError(
      `${flag} must be field names separated by commas, like callSid,conversation_id; got "${value}"`,
    );
  }
  return fields;
}

function waitForStop(io: CliIo): { requested: Promise<void>; off: () => void } {
  let off = () => {};
  const requested = new Promise<void>((resolve) => {
    // Kept until the shutdown is over (`off()` after it): a process with no SIGTERM listener
    // of its own is one that signal-exit (write-file-atomic's, saving the resume tokens)
    // kills on the spot with a re-raised signal, mid-shutdown.
    off = io.onStopSignal(() => resolve());
  });
  return { requested, off };
}

/** Everything `serve` was asked for, validated before anything starts. */
export interface ServeOptions {
  demo: boolean;
  mongoUri: string | undefined;
  dbName: string;
  host: string;
  port: number;
  token: string | undefined;
  /** `--tokens FILE`: read (and validated) when the server starts. */
  tokensFile: string | undefined;
  /** `--audit-log FILE` or `-`. */
  auditLog: string | undefined;
  insecureNoAuth: boolean;
  origins: string[];
  vocabulary: Vocabulary;
  rate: number;
  level: LogLevel;
  stateDir: string;
  staticDir: string;
  lifecycle: LifecycleRules | undefined;
  /** The plan's concurrent-call limit, advertised to v2 clients; undefined when not given. */
  planLimit: number | undefined;
  timeoutMs: number;
  transcriptsCollection: string;
  /** undefined: the mapping's default spellings. */
  transcriptsKey: string[] | undefined;
  /** The v2 recent stream's window (`--recent-minutes`, `--recent-limit`). */
  recent: { windowMinutes: number; limit: number };
}

/** Reads the flags and environment into ServeOptions; a bad one is a UsageError or CliError. */
export async function readServeOptions(
  argv: string[],
  env: NodeJS.ProcessEnv,
): Promise<ServeOptions> {
  const { values } = parseFlags(argv, {
    mongo: { type: 'string' },
    db: { type: 'string' },
    host: { type: 'string' },
    port: { type: 'string' },
    token: { type: 'string' },
    tokens: { type: 'string' },
    'audit-log': { type: 'string' },
    origin: { type: 'string', multiple: true },
    'state-dir': { type: 'string' },
    'static-dir': { type: 'string' },
    demo: { type: 'boolean' },
    'demo-rate': { type: 'string' },
    'demo-vocabulary': { type: 'string' },
    'insecure-no-auth': { type: 'boolean' },
    'log-level': { type: 'string' },
    'status-mapping': { type: 'string' },
    'plan-limit': { type: 'string' },
    'transcripts-collection': { type: 'string' },
    'transcripts-key': { type: 'string' },
    'recent-minutes': { type: 'string' },
    'recent-limit': { type: 'string' },
  });
  const demo =
    values.demo ?? ['1', 'true', 'yes'].includes((env.CALLBOARD_DEMO ?? '').toLowerCase());
  const mongoUri = flagOrEnv(values.mongo, env, 'CALLBOARD_MONGO_URI');
  if (!demo && mongoUri === undefined) {
    throw new UsageError('give --mongo URI (or CALLBOARD_MONGO_URI), or --demo for simulated data');
  }
  if (demo && values.mongo !== undefined) {
    throw new UsageError('--demo runs its own emulator: leave out --mongo');
  }
  const dbName = flagOrEnv(values.db, env, 'CALLBOARD_DB', 'callcenter')!;
  const host = flagOrEnv(values.host, env, 'CALLBOARD_HOST', '127.0.0.1')!;
  const port = parsePort(flagOrEnv(values.port, env, 'CALLBOARD_PORT', '7070')!, '--port');
  const token = flagOrEnv(values.token, env, 'CALLBOARD_TOKEN');
  const tokensFile = flagOrEnv(values.tokens, env, 'CALLBOARD_TOKENS');
  if (token !== undefined && tokensFile !== undefined) {
    throw new UsageError(
      'give either --token (CALLBOARD_TOKEN) or --tokens FILE (CALLBOARD_TOKENS), not both: put the single token in the file with every scope',
    );
  }
  const auditLog = flagOrEnv(values['audit-log'], env, 'CALLBOARD_AUDIT_LOG');
  const origins = parseOrigins(
    values.origin ??
      (env.CALLBOARD_ORIGINS ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
  );
  const vocabulary = flagOrEnv(
    values['demo-vocabulary'],
    env,
    'CALLBOARD_DEMO_VOCABULARY',
    'twilio',
  )!;
  if (!(VOCABULARIES as readonly string[]).includes(vocabulary)) {
    throw new UsageError(
      `--demo-vocabulary must be ${VOCABULARIES.join(' or ')}, got "${vocabulary}"`,
    );
  }
  const rate = parseRate(flagOrEnv(values['demo-rate'], env, 'CALLBOARD_DEMO_RATE', '2')!);
  const level = (flagOrEnv(values['log-level'], env, 'CALLBOARD_LOG_LEVEL', 'info') ??
    'info') as LogLevel;
  if (!['debug', 'info', 'warn', 'error'].includes(level)) {
    throw new UsageError(`--log-level must be debug, info, warn or error, got "${level}"`);
  }
  const stateDir =
    flagOrEnv(values['state-dir'], env, 'CALLBOARD_STATE_DIR') ??
    join(env.XDG_STATE_HOME || join(homedir(), '.local', 'state'), 'callboard');
  const staticDir = values['static-dir'] ?? join(__dirname, '..', 'renderer');
  const mappingFile = flagOrEnv(values['status-mapping'], env, 'CALLBOARD_STATUS_MAPPING');
  const lifecycle = mappingFile !== undefined ? await readStatusMapping(mappingFile) : undefined;
  const planLimitText = flagOrEnv(values['plan-limit'], env, 'CALLBOARD_PLAN_LIMIT');
  const planLimit = planLimitText !== undefined ? parsePlanLimit(planLimitText) : undefined;
  const timeoutMs = Number(env.CALLBOARD_MONGO_TIMEOUT_MS ?? '10000') || 10_000;
  const transcriptsCollection = parseCollectionName(
    flagOrEnv(
      values['transcripts-collection'],
      env,
      'CALLBOARD_TRANSCRIPTS_COLLECTION',
      'transcripts',
    )!,
    '--transcripts-collection',
  );
  const recent = {
    windowMinutes: parseWhole(
      flagOrEnv(values['recent-minutes'], env, 'CALLBOARD_RECENT_MINUTES', '60')!,
      '--recent-minutes',
      1,
      1440,
    ),
    limit: parseWhole(
      flagOrEnv(values['recent-limit'], env, 'CALLBOARD_RECENT_LIMIT', '2000')!,
      '--recent-limit',
      1,
      50_000,
    ),
  };
  const keyText = flagOrEnv(values['transcripts-key'], env, 'CALLBOARD_TRANSCRIPTS_KEY');
  const transcriptsKey =
    keyText !== undefined ? parseFieldList(keyText, '--transcripts-key') : undefined;
  if (
    token === undefined &&
    tokensFile === undefined &&
    !isLoopbackHost(host) &&
    !values['insecure-no-auth']
  ) {
    // Checked before the demo's emulator starts; the server checks it again itself.
    throw new CliError(
      `refusing to listen on ${host} without a token: anyone who can reach it would see every call. ` +
        'Give --token (or CALLBOARD_TOKEN) or --tokens FILE, bind 127.0.0.1, or pass --insecure-no-auth',
    );
  }
  return {
    demo,
    mongoUri,
    dbName,
    host,
    port,
    token,
    tokensFile,
    auditLog,
    insecureNoAuth: values['insecure-no-auth'] ?? false,
    origins,
    vocabulary: vocabulary as Vocabulary,
    rate,
    level,
    stateDir,
    staticDir,
    lifecycle,
    planLimit,
    timeoutMs,
    transcriptsCollection,
    transcriptsKey,
    recent,
  };
}

export const serveCommand: CliCommand = {
  name: 'serve',
  summary: 'run the realtime server headless (Socket.IO, /healthz, /metrics, web dashboard)',
  usage: USAGE,
  async run(argv, io) {
    const o = await readServeOptions(argv, io.env);
    const logger = createLogger({
      sink: (r) => io.stderr(`${formatLogLine(r)}\n`),
      level: o.level,
      scope: 'serve',
    });

    // Listen for Ctrl-C before anything starts: a stop during startup still shuts down cleanly.
    const stop = waitForStop(io);
    let emulator: RunningEmulator | null = null;
    let simulatorClient: MongoClient | null = null;
    let simulator: TrafficSimulator | null = null;
    let server: RealtimeServer | null = null;
    let tokens: TokenFileSource | null = null;
    let audit: AuditLog | null = null;
    let offReload = () => {};
    const shutdown = async () => {
      offReload();
      await simulator?.stop();
      await server?.stop();
      tokens?.close();
      await audit?.close();
      await simulatorClient?.close().catch(() => {});
      await emulator?.stop();
    };
    try {
      if (o.tokensFile !== undefined) {
        try {
          tokens = await openTokenFile(o.tokensFile, logger.child('tokens'));
        } catch (error) {
          if (error instanceof TokenFileError) throw new CliError(error.message);
          throw error;
        }
      }
      // Always listened for: without a listener, SIGHUP (`systemctl reload`) would end the
      // process.
      const source = tokens;
      offReload =
        io.onReloadSignal?.(() => {
          if (source) void source.reload();
          else logger.info('reload requested (SIGHUP): nothing to reload without --tokens');
        }) ?? (() => {});
      if (o.auditLog !== undefined) {
        audit = openAuditLog(o.auditLog, {
          stdout: io.stdout,
          onError: (error) =>
            logger.error('cannot write the audit log', { file: o.auditLog, error: error.message }),
        });
      }
      let uri = o.mongoUri!;
      if (o.demo) {
        emulator = await startEmulator({ logger: logger.child('emulator') });
        uri = emulator.uri;
        logger.info('demo: emulator started', { uri });
      }
      server = createRealtimeServer({
        logger,
        host: o.host,
        port: o.port,
        ...(o.token !== undefined ? { token: o.token } : {}),
        ...(tokens ? { tokens: tokens.registry } : {}),
        ...(audit ? { audit } : {}),
        insecureNoAuth: o.insecureNoAuth,
        allowedOrigins: o.origins,
        staticDir: o.staticDir,
        simulated: o.demo,
        ...(o.planLimit !== undefined ? { planLimit: o.planLimit } : {}),
        hub: { recent: o.recent, ...(o.lifecycle ? { lifecycle: o.lifecycle } : {}) },
        source: (hub) =>
          new Watcher({
            hub,
            uri,
            dbName: o.dbName,
            logger: logger.child('watcher'),
            tokenStore: o.demo ? memoryTokenStore() : fileTokenStore(o.stateDir),
            collections: { transcripts: o.transcriptsCollection },
            ...(o.transcriptsKey ? { transcripts: { key: o.transcriptsKey } } : {}),
            clientOptions: { serverSelectionTimeoutMS: o.timeoutMs },
          }),
      });
      const { url } = await server.start();
      if (o.demo) {
        simulatorClient = new MongoClient(uri, { appName: 'callboard-simulator' });
        await simulatorClient.connect();
        simulator = new TrafficSimulator({
          store: mongoCallStore(simulatorClient.db(o.dbName), {
            transcripts: o.transcriptsCollection,
          }),
          logger: logger.child('simulator'),
          callsPerSecond: o.rate,
          vocabulary: o.vocabulary,
          timeScale: 0.25,
          transcriptCalls: 20,
        });
        simulator.start();
      }
      if (!existsSync(join(o.staticDir, 'index.html'))) {
        logger.warn(`no web dashboard at ${o.staticDir} (run npm run build): / answers 404`);
      }
      io.stdout(
        `callboard serve: listening on ${url} (dashboard at ${url}/, health at ${url}/healthz)\n`,
      );
    } catch (error) {
      stop.off();
      await shutdown();
      if (error instanceof ServerError) throw new CliError(error.message);
      throw error;
    }
    await stop.requested;
    logger.info('stopping');
    try {
      await shutdown();
    } finally {
      stop.off();
    }
    io.stdout('callboard serve: stopped\n');
    return 0;
  },
};
