import { describe, expect, it } from 'vitest';
import { parseScopes, SCOPES } from './scopes';

describe('parseScopes', () => {
  it('returns known scopes in canonical order without repeats', () => {
    expect(parseScopes(['pii', 'calls', 'calls'])).toEqual({ ok: true, value: ['calls', 'pii'] });
    expect(parseScopes([])).toEqual({ ok: true, value: [] });
    expect(parseScopes([...SCOPES].reverse())).toEqual({ ok: true, value: SCOPES });
  });

  it.each([
    ['admin', /unknown scope "admin"/],
    [7, /unknown scope number/],
  ])('refuses %s, naming it', (entry, message) => {
    const result = parseScopes(['calls', entry]);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatch(message);
  });

  it('refuses a value that is not a list', () => {
    expect(parseScopes('calls')).toEqual({
      ok: false,
      error: 'scopes must be a list of scope names',
    });
  });
});
