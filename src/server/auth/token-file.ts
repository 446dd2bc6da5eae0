import { createHash, randomBytes } from 'node:crypto';
import { open } from 'node:fs/promises';
import { parseScopes, type Scope } from '../../shared/privacy/scopes';

/**
 * The token file of `serve --tokens FILE` (docs/operations.md, "Tokens and scopes"):
 *
 *     { "tokens": [ { "name": "floor-tv", "sha256": "<hex>", "scopes": ["calls", ...] } ] }
 *
 * It holds each token's SHA-256, never the token: a copy of the file lets no one in. Tokens
 * are random (`callboard token create`: 32 bytes), so a plain hash is enough; a password
 * hash (slow, salted) is for secrets people choose.
 */
export interface TokenEntry {
  name: string;
  /** SHA-256 of the token, 64 lowercase hex digits. */
  sha256: string;
  scopes: readonly Scope[];
}

/** Larger than any real list of tokens (about 150 bytes each): anything bigger is refused. */
export const MAX_TOKEN_FILE_BYTES = 1024 * 1024;
const NAME = /^[A-Za-z0-9][A-Za-z0-9 ._@-]{0,63}$/;
const HEX64 = /^[0-9a-f]{64}$/;

export class TokenFileError extends Error {
  override readonly name = 'TokenFileError';
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** A new token: 32 random bytes, base64url (43 characters). */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Validates a token file's text; every error names the file and the entry that is wrong. */
export function parseTokenFile(text: string, file: string): TokenEntry[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new TokenFileError(`the token file ${file} is not JSON: ${(error as Error).message}`);
  }
  const tokens = (data as { tokens?: unknown } | null)?.tokens;
  if (typeof data !== 'object' || data === null || Array.isArray(data) || !Array.isArray(tokens)) {
    throw new TokenFileError(
      `the token file ${file} must be an object with a "tokens" list: { "tokens": [ { "name", "sha256", "scopes" } ] }`,
    );
  }
  const names = new Set<string>();
  const hashes = new Set<string>();
  return tokens.map((entry: unknown, index): TokenEntry => {
    const where = `the token file ${file}, entry ${index + 1}`;
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      throw new TokenFileError(`${where} is not an object`);
    }
    const { name, sha256, scopes, ...rest } = entry as Record<string, unknown>;
    const extra = Object.keys(rest);
    if (extra.length > 0) {
      // A "token" key would be the secret itself, in clear: refuse rather than ignore it.
      throw new TokenFileError(
        `${where} has unknown field${extra.length > 1 ? 's' : ''} ${extra.map((k) => `"${k.slice(0, 40)}"`).join(', ')}: an entry has name, sha256, scopes (never the token itself)`,
      );
    }
    if (typeof name !== 'string' || !NAME.test(name)) {
      throw new TokenFileError(
        `${where}: name must be 1-64 letters, digits, spaces or . _ @ - (starting with a letter or digit)`,
      );
    }
    const at = `${where} ("${name}")`;
    if (typeof sha256 !== 'string' || !HEX64.test(sha256)) {
      throw new TokenFileError(
        `${at}: sha256 must be the token's SHA-256 as 64 lowercase hex digits (callboard token create writes it)`,
      );
    }
    const parsed = parseScopes(scopes);
    if (!parsed.ok) throw new TokenFileError(`${at}: ${parsed.error}`);
    if (names.has(name)) throw new TokenFileError(`${at}: the name is used twice`);
    if (hashes.has(sha256)) throw new TokenFileError(`${at}: the same token is listed twice`);
    names.add(name);
    hashes.add(sha256);
    return { name, sha256, scopes: parsed.value };
  });
}

export interface TokenFile {
  entries: TokenEntry[];
  /** Said at every read: e.g. the file is readable by every user of the machine. */
  warnings: string[];
}

/**
 * Reads and validates the file. Refuses one over MAX_TOKEN_FILE_BYTES without reading it all
 * (the size is checked on the open file, then at most one byte more than the limit is read).
 */
export async function readTokenFile(file: string): Promise<TokenFile> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    throw new TokenFileError(`cannot read the token file ${file}: ${(error as Error).message}`);
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw new TokenFileError(`the token file ${file} is not a file`);
    if (info.size > MAX_TOKEN_FILE_BYTES) {
      throw new TokenFileError(
        `the token file ${file} is ${info.size} bytes, over the limit of ${MAX_TOKEN_FILE_BYTES}`,
      );
    }
    const buffer = Buffer.alloc(MAX_TOKEN_FILE_BYTES + 1);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    if (bytesRead > MAX_TOKEN_FILE_BYTES) {
      throw new TokenFileError(`the token file ${file} grew over ${MAX_TOKEN_FILE_BYTES} bytes`);
    }
    const warnings: string[] = [];
    // Hashes only, but still: who may list the tokens is for the admin to decide, not everyone.
    if (process.platform !== 'win32' && (info.mode & 0o004) !== 0) {
      warnings.push(
        `the token file ${file} is readable by every user of this machine (mode ${(info.mode & 0o777).toString(8)}): chmod 600 it`,
      );
    }
    return {
      entries: parseTokenFile(buffer.subarray(0, bytesRead).toString('utf8'), file),
      warnings,
    };
  } finally {
    await handle.close();
  }
}
