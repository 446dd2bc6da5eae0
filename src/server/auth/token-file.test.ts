import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_TOKEN_FILE_BYTES, newToken, parseTokenFile, readTokenFile } from './token-file';

const HASH = 'a'.repeat(64);
const entry = (over: Record<string, unknown> = {}) => ({
  name: 'floor-tv',
  sha256: HASH,
  scopes: ['calls'],
  ...over,
});
const text = (tokens: unknown) => JSON.stringify({ tokens });

describe('parseTokenFile', () => {
  it('reads entries, scopes in their canonical order without repeats', () => {
    expect(
      parseTokenFile(text([entry({ scopes: ['pii', 'calls', 'pii'] })]), 'tokens.json'),
    ).toEqual([{ name: 'floor-tv', sha256: HASH, scopes: ['calls', 'pii'] }]);
    expect(parseTokenFile(text([]), 't')).toEqual([]);
  });

  it.each([
    ['not JSON', '{', 'the token file t.json is not JSON'],
    ['a list', '[]', 'must be an object with a "tokens" list'],
    ['no tokens', '{}', 'must be an object with a "tokens" list'],
    ['an entry not an object', text([1]), 'entry 1 is not an object'],
    [
      'the token itself in the file',
      text([entry({ token: 'hunter2' })]),
      'entry 1 has unknown field "token": an entry has name, sha256, scopes (never the token itself)',
    ],
    ['a bad name', text([entry({ name: ' x' })]), 'entry 1: name must be 1-64 letters'],
    ['a long name', text([entry({ name: 'x'.repeat(65) })]), 'entry 1: name must be'],
    [
      'an uppercase hash',
      text([entry({ sha256: 'A'.repeat(64) })]),
      'entry 1 ("floor-tv"): sha256 must be the token\'s SHA-256 as 64 lowercase hex digits',
    ],
    ['a short hash', text([entry({ sha256: 'ab' })]), 'sha256 must be'],
    [
      'an unknown scope',
      text([entry({ scopes: ['calls', 'admin'] })]),
      'entry 1 ("floor-tv"): unknown scope "admin": known scopes are calls, campaigns, outcomes, transcripts, pii',
    ],
    ['scopes not a list', text([entry({ scopes: 'calls' })]), 'scopes must be a list'],
    [
      'a name twice',
      text([entry(), entry({ sha256: 'b'.repeat(64) })]),
      'entry 2 ("floor-tv"): the name is used twice',
    ],
    [
      'a token twice',
      text([entry(), entry({ name: 'other' })]),
      'entry 2 ("other"): the same token is listed twice',
    ],
  ])('refuses %s, naming it', (_what, input, message) => {
    expect(() => parseTokenFile(input, 't.json')).toThrow(message);
  });
});

describe('readTokenFile', () => {
  let dir = '';
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('refuses a file over the size limit, and a missing one, naming the file', async () => {
    dir = await mkdtemp(join(tmpdir(), 'callboard-tokens-'));
    const big = join(dir, 'big.json');
    await writeFile(big, ' '.repeat(MAX_TOKEN_FILE_BYTES + 1), { mode: 0o600 });
    await expect(readTokenFile(big)).rejects.toThrow(
      `the token file ${big} is ${MAX_TOKEN_FILE_BYTES + 1} bytes, over the limit of ${MAX_TOKEN_FILE_BYTES}`,
    );
    await expect(readTokenFile(join(dir, 'none.json'))).rejects.toThrow(
      /cannot read the token file .*none\.json: ENOENT/,
    );
    await expect(readTokenFile(dir)).rejects.toThrow(/is not a file/);
  });

  it('makes tokens of 32 random bytes', () => {
    const a = newToken();
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(newToken()).not.toBe(a);
  });
});
