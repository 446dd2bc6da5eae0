import { describe, expect, it } from 'vitest';
import { hasScope, missingScopes, readGrantedScopes, sameScopes } from './granted';

describe('granted scopes', () => {
  it('reads "not said" as every scope', () => {
    expect(hasScope(undefined, 'transcripts')).toBe(true);
    expect(missingScopes(undefined)).toEqual([]);
  });

  it('names the scopes a wallboard token lacks', () => {
    const wallboard = ['calls', 'campaigns', 'outcomes'] as const;
    expect(hasScope(wallboard, 'transcripts')).toBe(false);
    expect(hasScope(wallboard, 'calls')).toBe(true);
    expect(missingScopes(wallboard)).toEqual(['transcripts', 'pii']);
    expect(missingScopes([])).toEqual(['calls', 'campaigns', 'outcomes', 'transcripts', 'pii']);
  });

  it('compares lists by their entries, and "not said" only with itself', () => {
    expect(sameScopes(['calls'], ['calls'])).toBe(true);
    expect(sameScopes(['calls'], ['calls', 'pii'])).toBe(false);
    expect(sameScopes(undefined, [])).toBe(false);
    expect(sameScopes(undefined, undefined)).toBe(true);
  });

  it.each<[string, unknown, string[] | undefined, RegExp | null]>([
    ['absent', undefined, undefined, null],
    ['in any order, with repeats', ['pii', 'calls', 'pii'], ['calls', 'pii'], null],
    ['empty', [], [], null],
    ['with a name from a newer server', ['calls', 'exports'], ['calls'], /unknown scope "exports"/],
    ['with a number', ['calls', 7], ['calls'], /unknown scope number/],
    ['not a list', 'calls,pii', undefined, /not a list of scope names; ignored/],
    ['an object', { calls: true }, undefined, /not a list/],
  ])('reads an ack scopes value %s', (_name, value, scopes, problem) => {
    const read = readGrantedScopes(value);
    expect(read.scopes).toEqual(scopes);
    if (problem) expect(read.problem).toMatch(problem);
    else expect(read.problem).toBeUndefined();
  });
});
