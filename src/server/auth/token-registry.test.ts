import { createHash } from 'node:crypto';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger, type LogRecord } from '../../shared/log';
import { until } from '../../shared/until.test-support';
import { writePrivateFile } from '../private-file';
import { openTokenFile, TokenRegistry, type TokenFileSource } from './token-registry';

// The expected hashes are computed here with node:crypto, not with the module's hashToken.
const sha = (text: string) => createHash('sha256').update(text).digest('hex');

describe('TokenRegistry', () => {
  it.each([
    ['secret', 'token'],
    ['secreT', null],
    ['', null],
    [undefined, null],
    [42, null],
    [{ toString: () => 'secret' }, null],
    ['x'.repeat(5000), null],
  ])('the single token: %j -> %s', (presented, name) => {
    expect(TokenRegistry.single('secret').authenticate(presented)?.name ?? null).toBe(name);
  });

  it('finds the entry of a token among several, with its scopes; none for a wrong one', () => {
    const registry = TokenRegistry.fromEntries([
      { name: 'desk', sha256: sha('a'), scopes: ['calls', 'pii'] },
      { name: 'tv', sha256: sha('b'), scopes: ['calls'] },
    ]);
    expect(registry.authenticate('b')).toEqual({ name: 'tv', scopes: ['calls'], id: sha('b') });
    expect(registry.authenticate('a')?.name).toBe('desk');
    expect(registry.authenticate('c')).toBeNull();
    // The hash itself is not a token.
    expect(registry.authenticate(sha('a'))).toBeNull();
  });

  it('without tokens, everyone is "anonymous" with every scope', () => {
    expect(TokenRegistry.open().authenticate(undefined)?.scopes).toEqual([
      'calls',
      'campaigns',
      'outcomes',
      'transcripts',
      'pii',
    ]);
  });

  it('a principal stays current only while its entry is there with the same name and scopes', () => {
    const registry = TokenRegistry.fromEntries([
      { name: 'tv', sha256: sha('b'), scopes: ['calls'] },
    ]);
    const tv = registry.authenticate('b')!;
    let changes = 0;
    registry.changed.on(() => (changes += 1));
    registry.replace([{ name: 'tv', sha256: sha('b'), scopes: ['calls'] }]);
    expect(registry.isCurrent(tv)).toBe(true);
    registry.replace([{ name: 'tv', sha256: sha('b'), scopes: ['calls', 'pii'] }]);
    expect(registry.isCurrent(tv)).toBe(false);
    registry.replace([{ name: 'tv-renamed', sha256: sha('b'), scopes: ['calls'] }]);
    expect(registry.isCurrent(tv)).toBe(false);
    registry.replace([]);
    expect(registry.isCurrent(tv)).toBe(false);
    expect(changes).toBe(4);
  });
});

describe('openTokenFile', () => {
  let dir = '';
  let source: TokenFileSource | null = null;
  afterEach(async () => {
    source?.close();
    source = null;
    if (dir) await rm(dir, { recursive: true, force: true });
  });
  const file = (tokens: unknown[]) => JSON.stringify({ tokens });

  it('reloads when the file is replaced; a bad file on reload keeps the previous tokens', async () => {
    dir = await mkdtemp(join(tmpdir(), 'callboard-tokens-'));
    const path = join(dir, 'tokens.json');
    await writePrivateFile(path, file([{ name: 'tv', sha256: sha('b'), scopes: ['calls'] }]));
    const records: LogRecord[] = [];
    source = await openTokenFile(path, createLogger({ sink: (r) => records.push(r) }));
    const { registry } = source;
    expect(registry.authenticate('b')?.name).toBe('tv');
    expect(records.filter((r) => r.level === 'warn')).toEqual([]); // written 0600

    // An atomic replace (write to a temporary file, rename over): the watcher sees it.
    await writePrivateFile(path, file([{ name: 'desk', sha256: sha('a'), scopes: ['calls'] }]));
    await until(() => registry.authenticate('a') !== null, 'the new token to be accepted');
    expect(registry.authenticate('b')).toBeNull();

    // A broken file: the error is logged, naming it; the tokens stay as they were.
    await writePrivateFile(path, '{ "tokens": [ { "name": "x" ');
    expect(await source.reload()).toBe(false);
    expect(registry.authenticate('a')?.name).toBe('desk');
    const error = records.find((r) => r.level === 'error');
    expect(error?.msg).toMatch(/kept the previous tokens/);
    expect(JSON.stringify(error)).toContain(`the token file ${path} is not JSON`);
  });

  it('warns when the file is readable by every user', async () => {
    dir = await mkdtemp(join(tmpdir(), 'callboard-tokens-'));
    const path = join(dir, 'tokens.json');
    await writeFile(path, file([]));
    await chmod(path, 0o644);
    const records: LogRecord[] = [];
    source = await openTokenFile(path, createLogger({ sink: (r) => records.push(r) }));
    expect(records.filter((r) => r.level === 'warn').map((r) => r.msg)).toEqual([
      `the token file ${path} is readable by every user of this machine (mode 644): chmod 600 it`,
    ]);
  });
});
