import { isScope, SCOPES, type Scope } from './scopes';

/**
 * The client's view of its token's scopes (docs/protocol.md, v2 subscribe ack `scopes`).
 * `undefined` means the server said nothing (a seed server, an older Callboard, the embedded
 * and demo feeds): every scope, as the single `--token` gives.
 */
export type GrantedScopes = readonly Scope[] | undefined;

export function hasScope(granted: GrantedScopes, scope: Scope): boolean {
  return granted === undefined || granted.includes(scope);
}

/** The scopes the token lacks, in SCOPES order; empty when it has them all. */
export function missingScopes(granted: GrantedScopes): Scope[] {
  return SCOPES.filter((s) => !hasScope(granted, s));
}

export function sameScopes(a: GrantedScopes, b: GrantedScopes): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.length === b.length && a.every((s, i) => s === b[i]);
}

/**
 * Reads an ack's `scopes`: a list of names, kept in SCOPES order without repeats. A name this
 * client does not know (a newer server's scope) is left out and reported, so the rest still
 * counts; a value that is not a list is reported and read as "not said" (the server enforces
 * its scopes either way; the client only shows them and skips what would be refused).
 */
export function readGrantedScopes(value: unknown): { scopes: GrantedScopes; problem?: string } {
  if (value === undefined) return { scopes: undefined };
  if (!Array.isArray(value)) {
    return { scopes: undefined, problem: `scopes is not a list of scope names; ignored` };
  }
  const given = new Set<unknown>(value);
  const unknown = value.filter((v) => !isScope(v));
  const scopes = SCOPES.filter((s) => given.has(s));
  if (unknown.length === 0) return { scopes };
  const shown = unknown
    .slice(0, 3)
    .map((v) => (typeof v === 'string' ? JSON.stringify(v.slice(0, 40)) : typeof v))
    .join(', ');
  return { scopes, problem: `unknown scope ${shown} in the server's scopes; ignored` };
}
