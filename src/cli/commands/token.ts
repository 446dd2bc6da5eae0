import { existsSync } from 'node:fs';
import {
  hashToken,
  newToken,
  parseTokenFile,
  readTokenFile,
  TokenFileError,
  type TokenEntry,
} from '../../server/auth/token-file';
import { writePrivateFile } from '../../server/private-file';
import { parseScopes, SCOPES, WALLBOARD_SCOPES } from '../../shared/privacy/scopes';
import { CliError, parseFlags, UsageError, type CliCommand } from '../command';

const USAGE = `Usage: callboard token create --name NAME --scopes S[,S...] [--file FILE]
       callboard token revoke --name NAME --file FILE
       callboard token list --file FILE

Named tokens for \`callboard serve --tokens FILE\` (docs/operations.md, "Tokens and scopes").

  create   makes a random token, prints it once (it is not stored anywhere: the file keeps
           its SHA-256), and adds its entry to FILE (created readable by you only). Without
           --file, prints the entry to paste into the file.
  revoke   removes the token named NAME from FILE; a running serve rereads the file and
           ends that token's connections.
  list     prints the names and scopes in FILE.

Scopes: ${SCOPES.join(', ')}; "wallboard" means ${WALLBOARD_SCOPES.join(',')} and "all" every scope.`;

/** The file's entries, read and checked as serve reads them; none yet for a new file. */
async function readEntries(file: string, mustExist: boolean): Promise<TokenEntry[]> {
  if (!mustExist && !existsSync(file)) return [];
  try {
    return (await readTokenFile(file)).entries;
  } catch (error) {
    if (error instanceof TokenFileError) throw new CliError(error.message);
    throw error;
  }
}

const fileText = (entries: readonly TokenEntry[]) =>
  `${JSON.stringify({ tokens: entries }, null, 2)}\n`;

function scopesOf(text: string) {
  const names = text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .flatMap((s) => (s === 'all' ? [...SCOPES] : s === 'wallboard' ? [...WALLBOARD_SCOPES] : [s]));
  const parsed = parseScopes(names);
  if (!parsed.ok) throw new UsageError(`--scopes: ${parsed.error}`);
  if (parsed.value.length === 0) throw new UsageError('--scopes must name at least one scope');
  return parsed.value;
}

export const tokenCommand: CliCommand = {
  name: 'token',
  summary: 'create, revoke and list the named tokens of serve --tokens FILE',
  usage: USAGE,
  async run(argv, io) {
    const [action, ...rest] = argv;
    const { values } = parseFlags(rest, {
      name: { type: 'string' },
      scopes: { type: 'string' },
      file: { type: 'string' },
    });
    if (action === 'create') {
      if (values.name === undefined) throw new UsageError('token create needs --name NAME');
      if (values.scopes === undefined) throw new UsageError('token create needs --scopes S[,S...]');
      const token = newToken();
      const entry: TokenEntry = {
        name: values.name,
        sha256: hashToken(token),
        scopes: scopesOf(values.scopes),
      };
      const existing = values.file !== undefined ? await readEntries(values.file, false) : [];
      // Validates the new entry (its name, no duplicate) with the file's own rule.
      try {
        parseTokenFile(fileText([...existing, entry]), values.file ?? '(the new entry)');
      } catch (error) {
        if (error instanceof TokenFileError) throw new UsageError(error.message);
        throw error;
      }
      if (values.file !== undefined) {
        await writePrivateFile(values.file, fileText([...existing, entry]));
        io.stderr(
          `added "${entry.name}" (${entry.scopes.join(', ')}) to ${values.file}; the token, shown only now:\n`,
        );
      } else {
        io.stderr(`the entry for the token file, then the token, shown only now:\n`);
        io.stdout(`${JSON.stringify(entry)}\n`);
      }
      io.stdout(`${token}\n`);
      return 0;
    }
    if (action === 'revoke' || action === 'list') {
      if (values.file === undefined) throw new UsageError(`token ${action} needs --file FILE`);
      const entries = await readEntries(values.file, true);
      if (action === 'list') {
        for (const e of entries) io.stdout(`${e.name}\t${e.scopes.join(',')}\n`);
        return 0;
      }
      if (values.name === undefined) throw new UsageError('token revoke needs --name NAME');
      const kept = entries.filter((e) => e.name !== values.name);
      if (kept.length === entries.length) {
        throw new CliError(`no token named "${values.name}" in ${values.file}`);
      }
      await writePrivateFile(values.file, fileText(kept));
      io.stdout(`revoked "${values.name}": ${values.file} holds ${kept.length} token(s)\n`);
      return 0;
    }
    throw new UsageError(
      action === undefined
        ? 'say what to do: token create, token revoke or token list'
        : `unknown token action "${action}": create, revoke or list`,
    );
  },
};
