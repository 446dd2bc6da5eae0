import { MongoClient, type Document, type MongoClientOptions } from 'mongodb';
import type { Logger } from '../shared/log';
import type { BackoffOptions } from '../shared/backoff';
import { STREAMS, type StreamName } from '../shared/protocol/events';
import { ServerError } from './errors';
import type { Hub } from './hub';
import type { WatcherHealth, WatcherState } from './metrics';
import type { HubSource } from './realtime-server';
import { memoryTokenStore, type ResumeTokenStore } from './resume-token-store';
import { WatchStream } from './watch-stream';

export interface WatcherOptions {
  hub: Hub;
  /** A MongoDB replica set (or sharded cluster) URI. */
  uri: string;
  dbName: string;
  /** Collection names; default `calls` and `campaigns`. */
  collections?: Partial<Record<StreamName, string>>;
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
  private streams: WatchStream[] = [];
  private connected = false;
  private readonly tokens: ResumeTokenStore;

  constructor(private readonly options: WatcherOptions) {
    this.tokens = options.tokenStore ?? memoryTokenStore();
  }

  async start(): Promise<void> {
    const o = this.options;
    const log = o.logger;
    let client: MongoClient;
    try {
      client = new MongoClient(o.uri, {
        appName: 'callboard-watcher',
        serverSelectionTimeoutMS: 10_000,
        ...o.clientOptions,
      });
    } catch (error) {
      throw new ServerError('mongo_bad_uri', `invalid MongoDB URI: ${(error as Error).message}`);
    }
    this.client = client;
    const where = describeHosts(client);
    client.on('serverHeartbeatSucceeded', () => (this.connected = true));
    client.on('serverHeartbeatFailed', () => (this.connected = false));
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
    this.streams = STREAMS.map(
      (stream) =>
        new WatchStream({
          stream,
          client,
          dbName: o.dbName,
          collection: o.collections?.[stream] ?? stream,
          hub: o.hub,
          tokens: this.tokens,
          logger: log.child(stream),
          backoff: restartBackoff(o.backoff),
          random: Math.random,
          tokenSaveIntervalMs: o.tokenSaveIntervalMs ?? 250,
          maxAwaitTimeMS: o.maxAwaitTimeMS ?? 1000,
        }),
    );
    try {
      await Promise.all(this.streams.map((stream) => stream.start()));
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
    await Promise.all(streams.map((s) => s.stop()));
    await this.closeClient();
  }

  health(): WatcherHealth {
    const states: Record<string, WatcherState> = {};
    let changesIn = 0;
    let restarts = 0;
    let lastError: string | undefined;
    for (const s of this.streams) {
      changesIn += s.changesIn;
      restarts += s.restarts;
      lastError = s.lastError ?? lastError;
    }
    STREAMS.forEach((name, i) => {
      states[name] = this.streams[i]?.state ?? (this.client ? 'starting' : 'stopped');
    });
    const open = this.streams.length > 0 && this.streams.every((s) => s.state === 'open');
    const missingIndexes = this.streams.flatMap((s) => (s.missingIndex ? [s.missingIndex] : []));
    return {
      mongo: this.connected || open ? 'connected' : 'disconnected',
      streams: states,
      changesIn,
      restarts,
      ...(lastError !== undefined ? { lastError } : {}),
      ...(missingIndexes.length > 0 ? { missingIndexes } : {}),
    };
  }

  private async closeClient(): Promise<void> {
    const client = this.client;
    this.client = null;
    this.connected = false;
    await client?.close().catch(() => {});
  }
}
