import { missingScopes, type GrantedScopes } from '../../../shared/privacy/granted';
import type { Scope } from '../../../shared/privacy/scopes';

/** What a supervisor notices when a scope is missing (src/shared/privacy/scopes.ts). */
const WITHOUT: Record<Scope, string> = {
  calls: 'no calls',
  campaigns: 'no campaigns',
  outcomes: 'no outcomes',
  transcripts: 'no transcripts',
  pii: 'numbers masked',
};

/**
 * "Limited access: no transcripts, numbers masked" for a token that lacks scopes, with the
 * scopes it has; null when it has every scope (or the server said none: every scope).
 */
export function describeLimitedAccess(
  granted: GrantedScopes,
): { summary: string; scopes: string } | null {
  const missing = missingScopes(granted);
  if (missing.length === 0) return null;
  return {
    summary: `Limited access: ${missing.map((s) => WITHOUT[s]).join(', ')}`,
    scopes:
      granted && granted.length > 0
        ? `This token's scopes: ${granted.join(', ')}`
        : 'This token has no scopes',
  };
}
