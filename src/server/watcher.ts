import { MongoClient, type Document, type MongoClientOptions } from 'mongodb';
import type { Logger } from '../shared/log';
import type { BackoffOptions } from '../shared/backoff';
import { STREAMS, type StreamName } from '../shared/protocol/events';
import { ServerError } from './errors';
import type { Hub } from './hub';
import type { WatcherHealth, WatcherState } from './metrics';
import type { HubSource } from './realtime-server';
import { memoryTokenStore, type ResumeTokenStore } from './resume-token-store';
import { hubTarget, WatchStream, type WatchTarget } from './watch-stream';
import { DEFAULT_TRANSCRIPT_FIELDS } from '../shared/domain/field-mapping';
import { TranscriptStore } from './transcripts/transcript-store';
import { mongoTranscriptReader, transcriptTarget } from './transcripts/transcript-source';

export interface WatcherOptions {
  hub: Hub;
  /** A MongoDB replica set (or sharded cluster) URI. */
  uri: string;
  dbName: string;
  /** Collection names; default `calls`, `campaigns` and `transcripts`. */
  collections?: Partial<Record<StreamName | 'transcripts', string>>;
  /**
   * Live transcripts (docs/architecture.md, "Transcripts"); false: none. `key`: the spellings
   * of the call key in turn documents (default callSid, conversationId, conversation_id; each
   * needs its index). `maxTurnsPerCall` and `lingerMs`: see TranscriptStoreOptions.
   */
  transcripts?: false | { key?: readonly string[]; maxTurnsPerCall?: number; lingerMs?: number };
  /** Where resume tokens live between runs; default in memory (a restart re-snapshots). */
  tokenStore?: ResumeTokenStore;
  logger: Logger;
  /** Extra driver options (e.g. `serverSelectionTimeoutMS`, `appName`). */
  clientOptions?: MongoClientOptions;
  /** Restart delays after a non-resumable error. */
  backoff?: { initialMs?: number; maxMs?: number };
  /** How often the latest token is written (ms). Default 250. */
  tokenSaveIntervalMs?: number;
  /** How long an idle change-stream getMore waits (ms). Default 1000 (the server's default). */
  maxAwaitTimeMS?: number;
}

/** Restart delays: from `initialMs` (default 500) doubling to `maxMs` (default 30 s). */
function restartBackoff(given: WatcherOptions['backoff'] = {}): BackoffOptions {
  const initialMs = given.initialMs ?? 500;
  return {
    baseMs: initialMs,
    capMs: Math.max(initialMs, given.maxMs ?? 30_000),
    minMs: Math.min(100, initialMs),
  };
}

/** `host:port` list of a URI, for messages (never the credentials). */
export function describeHosts(client: MongoClient): string {
  const hosts = (client.options.hosts ?? []).map((h) => h.toString());
  return hosts.length > 0 ? hosts.join(',') : 'the configured host';
}

function reachability(error: unknown): string {
  const text = `${(error as Error)?.message ?? error} ${String((error as { cause?: unknown }).cause ?? '')}`;
  if (/ECONNREFUSED/.test(text)) return 'connection refused';
  if (/ENOTFOUND|EAI_AGAIN/.test(text)) return 'host not found';
  if (/ETIMEDOUT|timed out/i.test(text)) return 'timed out';
  if (/auth/i.test(text)) return `authentication failed (${(error as Error).message})`;
  return (error as Error)?.message ?? String(error);
}

/** Change streams need a replica set or a sharded cluster; null when `hello` shows one. */
export function changeStreamSupport(hello: Document, where: string): ServerError | null {
  if (typeof hello.setName === 'string' || hello.msg === 'isdbgrid') return null;
  return new ServerError(
    'mongo_no_change_streams',
    `MongoDB at ${where} is a standalone server: change streams need a replica set ` +
      '(a single-node replica set will do: start mongod with --replSet and run rs.initiate())',
  );
}

/**
 * Change streams on `calls` and `campaigns` feeding the hub (ARCHITECTURE.md, "Delivery
 * promises"). start() connects, checks that change streams are possible, opens both streams
 * and loads their snapshots; it rejects with a ServerError naming what is wrong.
 */
export class Watcher implements HubSource {
  private client: MongoClient | null = null;
  /**
   * The transcripts' own connection (appName `<appName>-transcripts`): their reads and
   * stream neither queue behind nor fail with the list streams' (and fail points can aim at
   * either).
   */
  private transcriptClient: MongoClient | null = null;
  private streams: { name: string; stream: WatchStream }[] = [];
  private connected = false;
  private readonly tokens: ResumeTokenStore;
  /** The turns of the calls someone watches (undefined with `transcripts: false`). */
  readonly transcripts: TranscriptStore | undefined;
  private readonly transcriptKey: readonly string[];

  constructor(private readonly options: WatcherOptions) {
    this.tokens = options.tokenStore ?? memoryTokenStore();
    const t = options.transcripts === false ? null : (options.transcripts ?? {});
    this.transcriptKey = t?.key ?? DEFAULT_TRANSCRIPT_FIELDS.callSid!;
    const callsRules = options.hub.rules.calls;
    this.transcripts = t
      ? new TranscriptStore({
          reader: mongoTranscriptReader(
            () => this.transcriptClient?.db(options.dbName) ?? null,
            {
              transcripts: options.collections?.transcripts ?? 'transcripts',
              calls: options.collections?.calls ?? 'calls',
            },
            this.transcriptKey,
          ),
          logger: options.logger.child('transcripts'),
          isCallEnded: (doc) => !callsRules.isActive(doc),
          fields: { ...DEFAULT_TRANSCRIPT_FIELDS, callSid: this.transcriptKey },
          ...(t.maxTurnsPerCall !== undefined ? { maxTurnsPerCall: t.maxTurnsPerCall } : {}),
          ...(t.lingerMs !== undefined ? { lingerMs: t.lingerMs } : {}),
        })
      : undefined;
  }

  /** Each stream's target: the hub's streams (calls also tell the store), then transcripts. */
  private targets(): { name: string; collection: string; target: WatchTarget }[] {
    const o = this.options;
    const store = this.transcripts;
    const out: { name: string; collection: string; target: WatchTarget }[] = STREAMS.map(
      (stream) => {
        const target = hubTarget(o.hub, stream);
        const rules = o.hub.rules[stream];
        // An ended call's post-call transcript[] reaches a transcript opened before it landed.
        const withPostCall: WatchTarget =
          stream === 'calls' && store
            ? {
                ...target,
                ingest: (change) => {
                  target.ingest(change);
                  const key = change.doc ? rules.keyOf(change.doc) : null;
                  if (key !== null && change.doc) store.noteCallDocument(key, change.doc);
                },
              }
            : target;
        return {
          name: stream,
          collection: o.collections?.[stream] ?? stream,
          target: withPostCall,
        };
      },
    );
    if (store) {
      out.push({
        name: 'transcripts',
        collection: o.collections?.transcripts ?? 'transcripts',
        target: transcriptTarget(store, this.transcriptKey),
      });
    }
    return out;
  }

  async start(): Promise<void> {
    const o = this.options;
    const log = o.logger;
    let client: MongoClient;
    const clientOptions = {
      appName: 'callboard-watcher',
      serverSelectionTimeoutMS: 10_000,
      ...o.clientOptions,
    };
    try {
      client = new MongoClient(o.uri, clientOptions);
    } catch (error) {
      throw new ServerError('mongo_bad_uri', `invalid MongoDB URI: ${(error as Error).message}`);
    }
    this.client = client;
    const where = describeHosts(client);
    // Reachable = the driver knows a data-bearing server. Its topology changes on a failed
    // heartbeat and also on the first network error of any operation, while a change stream
    // waiting in the driver's own resume (up to serverSelectionTimeoutMS) still looks open:
    // /healthz must say 503 from the first sign, not when that wait runs out.
    client.on('topologyDescriptionChanged', (event) => {
      this.connected = event.newDescription.hasDataBearingServers;
    });
    try {
      await client.connect();
    } catch (error) {
      await this.closeClient();
      throw new ServerError(
        'mongo_unreachable',
        `cannot reach MongoDB at ${where}: ${reachability(error)}`,
      );
    }
    this.connected = true;
    const refusal = changeStreamSupport(await client.db('admin').command({ hello: 1 }), where);
    if (refusal) {
      await this.closeClient();
      throw refusal;
    }
    const transcriptClient = this.transcripts
      ? new MongoClient(o.uri, {
          ...clientOptions,
          appName: `${clientOptions.appName}-transcripts`,
        })
      : null;
    this.transcriptClient = transcriptClient;
    this.streams = this.targets().map(({ name, collection, target }) => ({
      name,
      stream: new WatchStream({
        client: name === 'transcripts' && transcriptClient ? transcriptClient : client,
        dbName: o.dbName,
        collection,
        target,
        tokens: this.tokens,
        logger: log.child(name),
        backoff: restartBackoff(o.backoff),
        random: Math.random,
        tokenSaveIntervalMs: o.tokenSaveIntervalMs ?? 250,
        maxAwaitTimeMS: o.maxAwaitTimeMS ?? 1000,
      }),
    }));
    try {
      await Promise.all(this.streams.map((s) => s.stream.start()));
    } catch (error) {
      await this.stop();
      const e = error as { code?: number; message?: string };
      if (e.code === 40573 || /only supported on replica sets/i.test(e.message ?? '')) {
        throw new ServerError(
          'mongo_no_change_streams',
          `MongoDB at ${where} refused a change stream: change streams need a replica set`,
        );
      }
      throw new ServerError(
        'mongo_failed',
        `cannot watch ${o.dbName} on ${where}: ${e.message ?? String(error)}`,
      );
    }
    log.info('watching', { db: o.dbName, hosts: where });
  }

  async stop(): Promise<void> {
    const streams = this.streams;
    this.streams = [];
    await Promise.all(streams.map((s) => s.stream.stop()));
    this.transcripts?.close();
    await this.closeClient();
  }

  health(): WatcherHealth {
    const states: Record<string, WatcherState> = {};
    let changesIn = 0;
    let restarts = 0;
    let lastError: string | undefined;
    for (const { stream: s } of this.streams) {
      changesIn += s.changesIn;
      restarts += s.restarts;
      lastError = s.lastError ?? lastError;
    }
    const names = [...STREAMS, ...(this.transcripts ? ['transcripts'] : [])];
    for (const name of names) {
      const s = this.streams.find((x) => x.name === name)?.stream;
      states[name] = s?.state ?? (this.client ? 'starting' : 'stopped');
    }
    const missingIndexes = this.streams.flatMap((s) => s.stream.missingIndexes);
    return {
      mongo: this.connected ? 'connected' : 'disconnected',
      streams: states,
      changesIn,
      restarts,
      ...(lastError !== undefined ? { lastError } : {}),
      ...(missingIndexes.length > 0 ? { missingIndexes } : {}),
    };
  }

  private async closeClient(): Promise<void> {
    const clients = [this.client, this.transcriptClient];
    this.client = null;
    this.transcriptClient = null;
    this.connected = false;
    await Promise.all(clients.map((c) => c?.close().catch(() => {})));
  }
}
