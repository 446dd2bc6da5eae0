import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CliError, UsageError } from '../command';
import { captureIo } from './capture-io.test-support';
import { tokenCommand } from './token';

let dir = '';
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = '';
});
const sha = (text: string) => createHash('sha256').update(text).digest('hex');

describe('callboard token', () => {
  it('creates tokens into a private file (the token printed once, only its hash kept), lists and revokes them', async () => {
    dir = await mkdtemp(join(tmpdir(), 'callboard-token-'));
    const file = join(dir, 'tokens.json');
    const tv = captureIo();
    expect(
      await tokenCommand.run(
        ['create', '--name', 'floor-tv', '--scopes', 'wallboard', '--file', file],
        tv.io,
      ),
    ).toBe(0);
    const token = tv.out().trim();
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const desk = captureIo();
    await tokenCommand.run(
      ['create', '--name', 'desk', '--scopes', 'all', '--file', file],
      desk.io,
    );
    const text = await readFile(file, 'utf8');
    expect(text).not.toContain(token);
    expect(JSON.parse(text)).toEqual({
      tokens: [
        { name: 'floor-tv', sha256: sha(token), scopes: ['calls', 'campaigns', 'outcomes'] },
        {
          name: 'desk',
          sha256: sha(desk.out().trim()),
          scopes: ['calls', 'campaigns', 'outcomes', 'transcripts', 'pii'],
        },
      ],
    });
    expect((await stat(file)).mode & 0o077).toBe(0);

    const list = captureIo();
    await tokenCommand.run(['list', '--file', file], list.io);
    expect(list.out()).toBe(
      'floor-tv\tcalls,campaigns,outcomes\ndesk\tcalls,campaigns,outcomes,transcripts,pii\n',
    );

    await tokenCommand.run(['revoke', '--name', 'floor-tv', '--file', file], captureIo().io);
    expect(
      JSON.parse(await readFile(file, 'utf8')).tokens.map((t: { name: string }) => t.name),
    ).toEqual(['desk']);
    await expect(
      tokenCommand.run(['revoke', '--name', 'floor-tv', '--file', file], captureIo().io),
    ).rejects.toThrow(new CliError(`no token named "floor-tv" in ${file}`));
    // The same name twice is refused, and the file is left as it was.
    const before = await readFile(file, 'utf8');
    await expect(
      tokenCommand.run(
        ['create', '--name', 'desk', '--scopes', 'calls', '--file', file],
        captureIo().io,
      ),
    ).rejects.toThrow(/\("desk"\): the name is used twice/);
    expect(await readFile(file, 'utf8')).toBe(before);
  });

  it('prints the entry to paste when no file is given', async () => {
    const cap = captureIo();
    await tokenCommand.run(['create', '--name', 'tv', '--scopes', 'calls'], cap.io);
    const [entry, token] = cap.out().trim().split('\n');
    expect(JSON.parse(entry!)).toEqual({ name: 'tv', sha256: sha(token!), scopes: ['calls'] });
  });

  it.each([
    [['create', '--scopes', 'calls'], 'token create needs --name NAME'],
    [['create', '--name', 'x'], 'token create needs --scopes'],
    [['create', '--name', 'x', '--scopes', 'calls,admin'], '--scopes: unknown scope "admin"'],
    [['create', '--name', ' x', '--scopes', 'calls'], 'name must be 1-64 letters'],
    [['list'], 'token list needs --file FILE'],
    [['rotate'], 'unknown token action "rotate"'],
    [[], 'say what to do'],
  ])('refuses %j: %s', async (argv, message) => {
    const error = await tokenCommand.run(argv, captureIo().io).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toContain(message);
  });
});
