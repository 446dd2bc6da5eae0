import { describe, expect, it } from 'vitest';
import { initialsOf, maskPhoneNumber } from './masking';

describe('maskPhoneNumber', () => {
  it.each([
    ['+14155550123', '+•••••••0123'],
    ['+1 (415) 555-0123', '+• (•••) •••-0123'],
    ['0123', '••••'],
    ['12', '••'],
    ['', ''],
    ['sip:ada@example.com', '•••:•••@•••••••.•••'],
  ])('%s -> %s', (input, expected) => {
    expect(maskPhoneNumber(input)).toBe(expected);
  });

  it('keeps exactly the last four digits and the length', () => {
    const masked = maskPhoneNumber('+447700900123');
    expect(masked).toHaveLength('+447700900123'.length);
    expect(masked.replace(/\D/g, '')).toBe('0123');
  });
});

describe('initialsOf', () => {
  it.each([
    ['Ada Lovelace', 'A. L.'],
    ['jean-luc picard', 'J. L. P.'],
    ['Émile', 'É.'],
    ['  ', '•'],
    ['42', '•'],
  ])('%s -> %s', (input, expected) => {
    expect(initialsOf(input)).toBe(expected);
  });
});
