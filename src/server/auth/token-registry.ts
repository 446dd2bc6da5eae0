import { timingSafeEqual } from 'node:crypto';
import { watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';
import { Emitter } from '../../shared/emitter';
import type { Logger } from '../../shared/log';
import { ALL_SCOPES, type Scope } from '../../shared/privacy/scopes';
import { hashToken, readTokenFile, type TokenEntry } from './token-file';

/** Who a connection is: the token's name and scopes (never the token). */
export interface Principal {
  name: string;
  scopes: readonly Scope[];
  /** The token's SHA-256: which entry it matched, to tell whether it is still valid. */
  id: string;
}

/** Longest token looked at; anything longer is refused unhashed. */
const MAX_TOKEN_LENGTH = 4096;

/**
 * The tokens a server accepts: the entries of a token file, the single `--token` (one entry,
 * every scope) or none at all (loopback only: every client is "anonymous", every scope).
 * `replace` swaps the entries (a reload); `changed` tells the gateway, which then ends the
 * connections whose token is gone or whose scopes changed.
 */
export class TokenRegistry {
  readonly changed = new Emitter<void>();
  private entries: { entry: TokenEntry; hash: Buffer }[] = [];

  private constructor(readonly required: boolean) {}

  static fromEntries(entries: readonly TokenEntry[]): TokenRegistry {
    const registry = new TokenRegistry(true);
    registry.set(entries);
    return registry;
  }

  /** The single `--token`: all scopes, named "token" in the audit log. */
  static single(token: string): TokenRegistry {
    return TokenRegistry.fromEntries([
      { name: 'token', sha256: hashToken(token), scopes: ALL_SCOPES },
    ]);
  }

  /** No token required (serve refuses this on a non-loopback address without --insecure-no-auth). */
  static open(): TokenRegistry {
    return new TokenRegistry(false);
  }

  get size(): number {
    return this.entries.length;
  }

  /**
   * The principal of `presented`, or null. Compared in constant time against every entry (a
   * wrong token takes as long as a right one, whichever entry it is near).
   */
  authenticate(presented: unknown): Principal | null {
    if (!this.required) return ANONYMOUS;
    if (typeof presented !== 'string' || presented.length > MAX_TOKEN_LENGTH) return null;
    const hash = Buffer.from(hashToken(presented), 'hex');
    let found: TokenEntry | null = null;
    for (const { entry, hash: expected } of this.entries) {
      // No early exit: every entry is compared.
      if (timingSafeEqual(hash, expected) && found === null) found = entry;
    }
    return found ? { name: found.name, scopes: found.scopes, id: found.sha256 } : null;
  }

  /** Whether `principal` would still be let in with the same scopes. */
  isCurrent(principal: Principal): boolean {
    if (!this.required) return true;
    const match = this.entries.find((e) => e.entry.sha256 === principal.id)?.entry;
    return (
      match !== undefined &&
      match.name === principal.name &&
      match.scopes.length === principal.scopes.length &&
      match.scopes.every((s, i) => s === principal.scopes[i])
    );
  }

  replace(entries: readonly TokenEntry[]): void {
    if (!this.required) throw new Error('a server without tokens has nothing to reload');
    this.set(entries);
    this.changed.emit();
  }

  private set(entries: readonly TokenEntry[]) {
    this.entries = entries.map((entry) => ({ entry, hash: Buffer.from(entry.sha256, 'hex') }));
  }
}

const ANONYMOUS: Principal = { name: 'anonymous', scopes: ALL_SCOPES, id: '' };

export interface TokenFileSource {
  registry: TokenRegistry;
  /** Reads the file again (SIGHUP): on an error, logs it and keeps the tokens it has. */
  reload(): Promise<boolean>;
  /** Stops watching the file. */
  close(): void;
}

/**
 * The registry of a token file, reloaded when the file changes (watched through its folder,
 * so an editor's or write-file-atomic's rename-over is seen) or on `reload()`. A file that is
 * wrong at start rejects (serve exits naming it); wrong on a reload, it is logged and the
 * previous tokens stay: a typo must not lock every supervisor out, nor let anyone in.
 */
export async function openTokenFile(file: string, logger: Logger): Promise<TokenFileSource> {
  const first = await readTokenFile(file);
  for (const warning of first.warnings) logger.warn(warning);
  const registry = TokenRegistry.fromEntries(first.entries);
  logger.info('tokens read', { file, tokens: first.entries.length });
  let closed = false;
  let running: Promise<boolean> | null = null;
  let again = false;

  const readOnce = async (): Promise<boolean> => {
    try {
      const next = await readTokenFile(file);
      if (closed) return false;
      for (const warning of next.warnings) logger.warn(warning);
      registry.replace(next.entries);
      logger.info('tokens reloaded', { file, tokens: next.entries.length });
      return true;
    } catch (error) {
      logger.error('the token file could not be reloaded: kept the previous tokens', {
        error: (error as Error).message,
      });
      return false;
    }
  };
  // One read at a time; a change during a read means one more read after it.
  const reload = (): Promise<boolean> => {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      let ok = await readOnce();
      while (again && !closed) {
        again = false;
        ok = await readOnce();
      }
      running = null;
      return ok;
    })();
    return running;
  };

  let watcher: FSWatcher | null = null;
  try {
    const name = basename(file);
    watcher = watch(dirname(file), { persistent: false }, (_event, changed) => {
      if (changed === null || changed.toString() === name) void reload();
    });
    watcher.on('error', (error) =>
      logger.warn('stopped watching the token file: reload it with SIGHUP', {
        error: error.message,
      }),
    );
  } catch (error) {
    logger.warn('cannot watch the token file: reload it with SIGHUP', {
      error: (error as Error).message,
    });
  }
  return {
    registry,
    reload,
    close() {
      closed = true;
      watcher?.close();
      registry.changed.clear();
    },
  };
}
