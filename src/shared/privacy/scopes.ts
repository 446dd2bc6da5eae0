/**
 * What a token may see (docs/operations.md, "Tokens and scopes"). A client without a scope
 * gets nothing of it: no calls stream without `calls`, no outcome fields without `outcomes`,
 * no transcript subscription without `transcripts`, and numbers masked to their last digits
 * and names reduced to initials without `pii`.
 */
export const SCOPES = ['calls', 'campaigns', 'outcomes', 'transcripts', 'pii'] as const;
export type Scope = (typeof SCOPES)[number];

/** The single `--token` (and no token on loopback) means every scope. */
export const ALL_SCOPES: readonly Scope[] = SCOPES;

/** What a wallboard on the call-centre floor should get: no phone numbers, no transcripts. */
export const WALLBOARD_SCOPES: readonly Scope[] = ['calls', 'campaigns', 'outcomes'];

const KNOWN: ReadonlySet<string> = new Set(SCOPES);

export function isScope(value: unknown): value is Scope {
  return typeof value === 'string' && KNOWN.has(value);
}

/**
 * Reads a list of scope names (a token file's `scopes`): every entry must be a known scope.
 * Returns the scopes in SCOPES order, without repeats, or an error naming the bad entry.
 */
export function parseScopes(
  value: unknown,
): { ok: true; value: readonly Scope[] } | { ok: false; error: string } {
  if (!Array.isArray(value)) return { ok: false, error: 'scopes must be a list of scope names' };
  for (const entry of value) {
    if (!isScope(entry)) {
      const shown = typeof entry === 'string' ? `"${entry.slice(0, 40)}"` : typeof entry;
      return { ok: false, error: `unknown scope ${shown}: known scopes are ${SCOPES.join(', ')}` };
    }
  }
  const given = new Set<unknown>(value);
  return { ok: true, value: SCOPES.filter((s) => given.has(s)) };
}
