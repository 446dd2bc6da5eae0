import { readFile, rename } from 'node:fs/promises';
import { writePrivateFile } from '../../server/private-file';
import type { SettingsView } from '../../shared/ipc';
import type { Logger } from '../../shared/log';
import { DEFAULT_SETTINGS, settingsSchema, type Settings } from '../../shared/settings';
import { describeZodError } from '../../shared/domain/schemas';
import type { SecretCipher } from './secret-cipher';

/**
 * The settings file (docs/desktop.md, "Settings file"): `settings.json` in the user data
 * folder, `{ version: 1, settings, secrets }`. Secrets live in `secrets`, encrypted when the
 * OS allows; `settings` holds them blank. A file that cannot be read as valid settings is
 * never overwritten silently: it is renamed to `settings.json.bad-<timestamp>`, the app
 * starts on defaults (keeping every section that was still valid) and says why.
 */

export const SETTINGS_FILE_VERSION = 1;

type SecretName = 'remoteToken' | 'mongoUri';
interface StoredSecret {
  encrypted: boolean;
  data: string;
}
interface SettingsFile {
  version: number;
  settings: Settings;
  secrets: Partial<Record<SecretName, StoredSecret>>;
}

export class SettingsError extends Error {
  override name = 'SettingsError';
}

export interface SettingsStoreDeps {
  file: string;
  cipher: SecretCipher;
  logger: Logger;
  now?: () => Date;
}

export interface SettingsStore {
  /** Reads the file. Never throws: problems become `loadProblem` and defaults. */
  load(): Promise<SettingsView>;
  /** Settings with secrets in clear, for the main process only. */
  current(): Settings;
  view(): SettingsView;
  /** Validates and writes; an empty secret keeps the saved one. Throws SettingsError. */
  save(input: unknown): Promise<SettingsView>;
  /** Validates without saving, filling empty secrets from the saved ones (test connection). */
  resolve(input: unknown): Settings;
}

const getSecret = (s: Settings, name: SecretName) =>
  name === 'remoteToken' ? s.remote.token : s.embedded.mongoUri;

function withSecrets(s: Settings, secrets: Record<SecretName, string>): Settings {
  return {
    ...s,
    remote: { ...s.remote, token: secrets.remoteToken },
    embedded: { ...s.embedded, mongoUri: secrets.mongoUri },
  };
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function createSettingsStore(deps: SettingsStoreDeps): SettingsStore {
  const log = deps.logger.child('settings');
  const now = deps.now ?? (() => new Date());
  let settings: Settings = structuredClone(DEFAULT_SETTINGS);
  let loadProblem: string | undefined;
  let queue: Promise<void> = Promise.resolve();

  const view = (): SettingsView => ({
    settings: withSecrets(settings, { remoteToken: '', mongoUri: '' }),
    secretsSet: {
      remoteToken: settings.remote.token !== '',
      mongoUri: settings.embedded.mongoUri !== '',
    },
    file: deps.file,
    ...(loadProblem ? { loadProblem } : {}),
    secretsEncrypted: deps.cipher.isEncryptionAvailable(),
  });

  const keepAside = async (): Promise<string> => {
    const stamp = now().toISOString().replace(/[:.]/g, '-');
    const aside = `${deps.file}.bad-${stamp}`;
    await rename(deps.file, aside);
    return aside;
  };

  const readSecret = (raw: unknown, name: SecretName, problems: string[]): string | null => {
    if (raw == null) return null;
    const stored = raw as Partial<StoredSecret>;
    if (typeof stored.data !== 'string' || typeof stored.encrypted !== 'boolean') {
      problems.push(`secrets.${name}: not a stored secret`);
      return null;
    }
    if (!stored.encrypted) return stored.data;
    try {
      return deps.cipher.decrypt(stored.data);
    } catch (error) {
      problems.push(
        `the saved ${name === 'remoteToken' ? 'server token' : 'MongoDB URI'} could not be decrypted on this machine (${errorText(error)}); enter it again`,
      );
      return '';
    }
  };

  const parseFile = (text: string): { settings: Settings; problems: string[]; keep: boolean } => {
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (error) {
      return {
        settings: DEFAULT_SETTINGS,
        problems: [`not valid JSON (${errorText(error)})`],
        keep: true,
      };
    }
    const file = (raw ?? {}) as Partial<SettingsFile>;
    if (
      typeof raw !== 'object' ||
      raw === null ||
      Array.isArray(raw) ||
      typeof file.settings !== 'object' ||
      file.settings === null
    ) {
      return {
        settings: DEFAULT_SETTINGS,
        problems: ['it does not hold a "settings" object'],
        keep: true,
      };
    }
    // Fields added since version 1 have defaults (the schema fills them), so every version up
    // to ours reads as is; a newer app's file is kept aside rather than rewritten.
    if (typeof file.version === 'number' && file.version > SETTINGS_FILE_VERSION) {
      return {
        settings: DEFAULT_SETTINGS,
        problems: [
          `it was written by a newer Callboard (file version ${file.version}; this one reads up to ${SETTINGS_FILE_VERSION})`,
        ],
        keep: true,
      };
    }
    const problems: string[] = [];
    const secretsIn = (file.secrets ?? {}) as Record<string, unknown>;
    const decryptProblems: string[] = [];
    const stored = file.settings as Record<string, unknown>;
    const candidate: Record<string, unknown> = { ...stored };
    const token = readSecret(secretsIn.remoteToken, 'remoteToken', decryptProblems);
    const uri = readSecret(secretsIn.mongoUri, 'mongoUri', decryptProblems);
    if (token !== null && typeof stored.remote === 'object' && stored.remote) {
      candidate.remote = { ...stored.remote, token };
    }
    if (uri !== null && typeof stored.embedded === 'object' && stored.embedded) {
      candidate.embedded = { ...stored.embedded, mongoUri: uri };
    }
    // Section by section, so one bad value does not throw away the rest.
    const out: Record<string, unknown> = {};
    const shape = settingsSchema.shape;
    for (const key of Object.keys(shape) as (keyof typeof shape)[]) {
      const parsed = shape[key].safeParse(candidate[key]);
      if (parsed.success) out[key] = parsed.data;
      else {
        out[key] = structuredClone(DEFAULT_SETTINGS[key]);
        problems.push(describeZodError(key, parsed.error));
      }
    }
    for (const key of Object.keys(candidate)) {
      if (!(key in shape)) problems.push(`unknown setting "${key}"`);
    }
    return {
      settings: out as Settings,
      problems: [...problems, ...decryptProblems],
      keep: problems.length > 0,
    };
  };

  const write = async (next: Settings): Promise<void> => {
    const secrets: SettingsFile['secrets'] = {};
    const encrypted = deps.cipher.isEncryptionAvailable();
    for (const name of ['remoteToken', 'mongoUri'] as const) {
      const value = getSecret(next, name);
      if (value === '') continue;
      secrets[name] = encrypted
        ? { encrypted: true, data: deps.cipher.encrypt(value) }
        : { encrypted: false, data: value };
    }
    const body: SettingsFile = {
      version: SETTINGS_FILE_VERSION,
      settings: withSecrets(next, { remoteToken: '', mongoUri: '' }),
      secrets,
    };
    await writePrivateFile(deps.file, `${JSON.stringify(body, null, 2)}\n`);
  };

  const resolve = (input: unknown): Settings => {
    const parsed = settingsSchema.safeParse(input);
    if (!parsed.success)
      throw new SettingsError(describeZodError('invalid settings', parsed.error));
    const next = parsed.data;
    return withSecrets(next, {
      remoteToken: next.remote.token !== '' ? next.remote.token : settings.remote.token,
      mongoUri: next.embedded.mongoUri !== '' ? next.embedded.mongoUri : settings.embedded.mongoUri,
    });
  };

  return {
    async load() {
      let text: string;
      try {
        text = await readFile(deps.file, 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
          settings = structuredClone(DEFAULT_SETTINGS);
          loadProblem = undefined;
          return view();
        }
        settings = structuredClone(DEFAULT_SETTINGS);
        loadProblem = `cannot read the settings file ${deps.file} (${errorText(error)}); using defaults`;
        log.error(loadProblem);
        return view();
      }
      const result = parseFile(text);
      settings = result.settings;
      loadProblem = undefined;
      if (result.problems.length > 0) {
        let where = '';
        if (result.keep) {
          try {
            where = `; the file was kept as ${await keepAside()}`;
          } catch (error) {
            where = `; it could not be kept aside (${errorText(error)})`;
          }
        }
        const defaults = result.keep
          ? 'defaults are used for what was wrong'
          : 'nothing else changed';
        loadProblem = `settings file ${deps.file}: ${result.problems.join('; ')}. ${defaults}${where}`;
        log.warn(loadProblem);
      }
      return view();
    },
    current: () => structuredClone(settings),
    view,
    resolve,
    save(input) {
      // One write at a time (they share the temp file); each validates against the settings
      // the previous one left, so "empty secret = keep" sees the latest secret.
      const run = queue.then(async () => {
        const next = resolve(input);
        await write(next);
        settings = next;
        loadProblem = undefined;
        log.info('settings saved', { mode: next.mode });
        return view();
      });
      queue = run.then(
        () => undefined,
        () => undefined,
      );
      return run;
    },
  };
}
