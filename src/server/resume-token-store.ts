import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writePrivateFile } from './private-file';

export type ResumeToken = Record<string, unknown>;

/** Where the watcher keeps resume tokens between runs, one per namespace (`db.collection`). */
export interface ResumeTokenStore {
  load(namespace: string): Promise<ResumeToken | null>;
  save(namespace: string, token: ResumeToken | null): Promise<void>;
}

/** In memory: a restart of the process starts from a fresh snapshot. */
export function memoryTokenStore(): ResumeTokenStore {
  const tokens = new Map<string, ResumeToken>();
  return {
    load: async (ns) => tokens.get(ns) ?? null,
    save: async (ns, token) => {
      if (token) tokens.set(ns, token);
      else tokens.delete(ns);
    },
  };
}

/**
 * A small JSON file in `dir` (never the user's database), written with writePrivateFile, so
 * a crash leaves the previous token, never a torn file.
 * A resume token is `{ _data: "<hex>" }`, plain JSON.
 */
export function fileTokenStore(dir: string): ResumeTokenStore {
  const file = join(dir, 'resume-tokens.json');
  let cache: Record<string, ResumeToken> | null = null;
  let writing: Promise<void> = Promise.resolve();

  const read = async (): Promise<Record<string, ResumeToken>> => {
    if (cache) return cache;
    try {
      const parsed: unknown = JSON.parse(await readFile(file, 'utf8'));
      cache =
        parsed && typeof parsed === 'object' && !Array.isArray(parsed)
          ? (parsed as Record<string, ResumeToken>)
          : {};
    } catch {
      cache = {};
    }
    return cache;
  };

  return {
    async load(ns) {
      const token = (await read())[ns];
      return token && typeof token === 'object' ? token : null;
    },
    async save(ns, token) {
      const all = await read();
      if (token) all[ns] = token;
      else delete all[ns];
      const text = JSON.stringify(all, null, 2);
      writing = writing
        .catch(() => {})
        .then(async () => {
          await writePrivateFile(file, text);
        });
      await writing;
    },
  };
}
