import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { writePrivateFile } from './private-file';

let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('writePrivateFile', () => {
  it('creates the folder, writes the text readable by its user only, and leaves no temp file', async () => {
    dir = await mkdtemp(join(tmpdir(), 'callboard-private-'));
    const file = join(dir, 'state', 'x.json');
    await writePrivateFile(file, '{"a":1}');
    await writePrivateFile(file, '{"a":2}');
    expect(await readFile(file, 'utf8')).toBe('{"a":2}');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await readdir(join(dir, 'state'))).toEqual(['x.json']);
  });

  it('keeps the file whole under concurrent writes: the last one wins', async () => {
    dir = await mkdtemp(join(tmpdir(), 'callboard-private-'));
    const file = join(dir, 'x.json');
    const texts = Array.from({ length: 20 }, (_, i) =>
      JSON.stringify({ i, pad: 'x'.repeat(50_000) }),
    );
    await Promise.all(texts.map((t) => writePrivateFile(file, t)));
    expect(await readFile(file, 'utf8')).toBe(texts.at(-1));
    expect(await readdir(dir)).toEqual(['x.json']);
  });
});
