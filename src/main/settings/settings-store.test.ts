import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../shared/log';
import { DEFAULT_SETTINGS, type Settings } from '../../shared/settings';
import { plainCipher, safeStorageCipher, type SecretCipher } from './secret-cipher';
import { createSettingsStore } from './settings-store';

/** A reversible stand-in for safeStorage whose output does not contain the plain text. */
const fakeCipher: SecretCipher = {
  isEncryptionAvailable: () => true,
  encrypt: (plain) => `enc:${Buffer.from([...plain].reverse().join('')).toString('base64')}`,
  decrypt: (data) => {
    if (!data.startsWith('enc:')) throw new Error('not ours');
    return [...Buffer.from(data.slice(4), 'base64').toString()].reverse().join('');
  },
};

let dir: string;
let file: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'callboard-settings-'));
  file = join(dir, 'settings.json');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const store = (cipher: SecretCipher = fakeCipher) =>
  createSettingsStore({
    file,
    cipher,
    logger: silentLogger,
    now: () => new Date('2026-11-26T20:00:00.000Z'),
  });

const remoteSettings: Settings = {
  ...DEFAULT_SETTINGS,
  mode: 'remote',
  remote: { url: 'https://callboard.example:7070', token: 's3cret-token' },
  embedded: {
    ...DEFAULT_SETTINGS.embedded,
    mongoUri: 'mongodb://app:hunter2@db:27017/?replicaSet=rs0',
  },
};

describe('settings store', () => {
  it('starts on defaults with no problem when there is no file', async () => {
    const view = await store().load();
    expect(view.settings).toEqual(DEFAULT_SETTINGS);
    expect(view.loadProblem).toBeUndefined();
    expect(view.file).toBe(file);
  });

  it('saves, encrypts secrets at rest, and never sends them back in the view', async () => {
    const s = store();
    await s.load();
    const view = await s.save(remoteSettings);
    expect(view.settings.remote.token).toBe('');
    expect(view.settings.embedded.mongoUri).toBe('');
    expect(view.secretsSet).toEqual({ remoteToken: true, mongoUri: true });
    expect(view.secretsEncrypted).toBe(true);
    const text = await readFile(file, 'utf8');
    expect(text).not.toContain('s3cret-token');
    expect(text).not.toContain('hunter2');
    const again = store();
    await again.load();
    expect(again.current()).toEqual(remoteSettings);
  });

  it('keeps a saved secret when the new settings leave it empty', async () => {
    const s = store();
    await s.load();
    await s.save(remoteSettings);
    await s.save({ ...remoteSettings, remote: { url: 'http://127.0.0.1:7070', token: '' } });
    expect(s.current().remote).toEqual({ url: 'http://127.0.0.1:7070', token: 's3cret-token' });
  });

  it('concurrent saves are applied one after the other, the last one wins', async () => {
    const s = store();
    await s.load();
    await Promise.all([
      s.save(remoteSettings),
      s.save({ ...remoteSettings, remote: { url: 'http://other:7070', token: '' } }),
    ]);
    expect(s.current().remote).toEqual({ url: 'http://other:7070', token: 's3cret-token' });
    const again = store();
    await again.load();
    expect(again.current().remote.url).toBe('http://other:7070');
  });

  it('safeStorage on Linux without a keyring (basic_text) does not count as encryption', () => {
    const fake = {
      isEncryptionAvailable: () => true,
      getSelectedStorageBackend: () => 'basic_text',
      encryptString: (p: string) => Buffer.from(p),
      decryptString: (b: Buffer) => b.toString(),
    };
    expect(safeStorageCipher(fake).isEncryptionAvailable()).toBe(false);
    expect(
      safeStorageCipher({
        ...fake,
        getSelectedStorageBackend: () => 'gnome_libsecret',
      }).isEncryptionAvailable(),
    ).toBe(true);
    const cipher = safeStorageCipher({ ...fake, getSelectedStorageBackend: () => 'kwallet5' });
    expect(cipher.decrypt(cipher.encrypt('tok'))).toBe('tok');
  });

  it('stores secrets as they are, and says so, where no keyring exists', async () => {
    const s = store(plainCipher);
    await s.load();
    const view = await s.save(remoteSettings);
    expect(view.secretsEncrypted).toBe(false);
    const again = store(plainCipher);
    await again.load();
    expect(again.current().remote.token).toBe('s3cret-token');
  });

  it('refuses invalid settings with a clear error and writes nothing', async () => {
    const s = store();
    await s.load();
    await expect(s.save({ ...DEFAULT_SETTINGS, mode: 'cloud' })).rejects.toThrow(
      /invalid settings: mode/,
    );
    await expect(
      s.save({ ...DEFAULT_SETTINGS, alerts: { ...DEFAULT_SETTINGS.alerts, waitingSeconds: -1 } }),
    ).rejects.toThrow(/alerts\.waitingSeconds/);
    await expect(readdir(dir)).resolves.toEqual([]);
  });

  it('keeps a corrupt file aside, starts on defaults, and says where the file went', async () => {
    await writeFile(file, '{"version":1,"settings":{"mode":"remo');
    const view = await store().load();
    expect(view.settings).toEqual(DEFAULT_SETTINGS);
    expect(view.loadProblem).toMatch(/not valid JSON/);
    const aside = `${file}.bad-2026-11-26T20-00-00-000Z`;
    expect(view.loadProblem).toContain(aside);
    await expect(readFile(aside, 'utf8')).resolves.toContain('"mode":"remo');
    expect(await readdir(dir)).toEqual(['settings.json.bad-2026-11-26T20-00-00-000Z']);
  });

  it('keeps a file from a newer Callboard aside instead of rewriting it', async () => {
    const newer = JSON.stringify({ version: 2, settings: { mode: 'remote', future: true } });
    await writeFile(file, newer);
    const view = await store().load();
    expect(view.settings).toEqual(DEFAULT_SETTINGS);
    expect(view.loadProblem).toMatch(
      /written by a newer Callboard \(file version 2; this one reads up to 1\)/,
    );
    await expect(readFile(`${file}.bad-2026-11-26T20-00-00-000Z`, 'utf8')).resolves.toBe(newer);
  });

  it('reads a version 1 file written before the AI-agent thresholds as is, with their defaults', async () => {
    // What an earlier release wrote: no outcome thresholds, no plan limit, six alert kinds.
    const old = structuredClone(DEFAULT_SETTINGS) as unknown as {
      alerts: Record<string, unknown>;
      notifications: { kinds: Record<string, boolean> };
    };
    for (const key of [
      'agentSuccessRatePercent',
      'agentSuccessCalls',
      'criterionPassRatePercent',
      'campaignMachineRatePercent',
      'outcomeMinCalls',
      'concurrencyAlertPercent',
      'planLimit',
      'spendPerHour',
    ]) {
      delete old.alerts[key];
    }
    old.alerts.waitingSeconds = 90;
    for (const kind of [
      'agent-success-rate',
      'criterion-pass-rate',
      'campaign-machine-rate',
      'concurrency',
      'spend-rate',
    ]) {
      delete old.notifications.kinds[kind];
    }
    old.notifications.kinds['call-failed'] = true;
    const text = JSON.stringify({ version: 1, settings: old, secrets: {} });
    await writeFile(file, text);
    const s = store();
    const view = await s.load();
    expect(view.loadProblem).toBeUndefined();
    expect(s.current().alerts).toEqual({ ...DEFAULT_SETTINGS.alerts, waitingSeconds: 90 });
    expect(s.current().notifications.kinds).toEqual({
      ...DEFAULT_SETTINGS.notifications.kinds,
      'call-failed': true,
    });
    // Loading never rewrites the file; the next save writes the new fields.
    await expect(readFile(file, 'utf8')).resolves.toBe(text);
    await s.save({ ...s.current(), alerts: { ...s.current().alerts, planLimit: 40 } });
    const saved = JSON.parse(await readFile(file, 'utf8')) as { settings: Settings };
    expect(saved.settings.alerts).toEqual({
      ...DEFAULT_SETTINGS.alerts,
      waitingSeconds: 90,
      planLimit: 40,
    });
  });

  it('keeps the valid sections of a hand-edited file with a bad value', async () => {
    const s = store();
    await s.load();
    await s.save(remoteSettings);
    const saved = JSON.parse(await readFile(file, 'utf8')) as { settings: Settings };
    (saved.settings.alerts as unknown as Record<string, unknown>).waitingSeconds = 'soon';
    await writeFile(file, JSON.stringify(saved));
    const again = store();
    const view = await again.load();
    expect(view.loadProblem).toMatch(/alerts: waitingSeconds/);
    expect(view.loadProblem).toContain('.bad-');
    expect(again.current().alerts).toEqual(DEFAULT_SETTINGS.alerts);
    expect(again.current().mode).toBe('remote');
    expect(again.current().remote.token).toBe('s3cret-token');
  });

  it.each([
    ['an array', '[]'],
    ['null', 'null'],
    ['a string', '"demo"'],
    ['no settings key', '{"version":1}'],
    [
      'an unknown key',
      JSON.stringify({ version: 1, settings: { ...DEFAULT_SETTINGS, theme: 'x' } }),
    ],
    ['a __proto__ key', `{"version":1,"settings":{"__proto__":{"mode":"remote"}}}`],
  ])('treats %s as a bad file', async (_name, text) => {
    await writeFile(file, text);
    const s = store();
    const view = await s.load();
    expect(view.loadProblem).toBeDefined();
    expect(view.loadProblem).toContain('.bad-');
    expect(s.current().mode).toBe('demo');
    expect(({} as Record<string, unknown>).mode).toBeUndefined();
  });

  it('drops a secret that cannot be decrypted here and asks for it again', async () => {
    const s = store();
    await s.load();
    await s.save(remoteSettings);
    const other: SecretCipher = {
      ...fakeCipher,
      decrypt: () => {
        throw new Error('wrong key');
      },
    };
    const again = store(other);
    const view = await again.load();
    expect(view.loadProblem).toMatch(/server token could not be decrypted.*enter it again/);
    expect(again.current().remote.token).toBe('');
    expect(again.current().remote.url).toBe('https://callboard.example:7070');
  });
});
