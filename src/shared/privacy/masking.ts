/**
 * How personal data is shown to someone without the `pii` scope (the server, for its
 * clients) or on a shared screen (the desktop wallboard): one rule, used by both. The masked
 * values are still strings, so seed clients keep their payload shapes.
 */

/** Digits kept at the end of a masked phone number. */
export const KEPT_DIGITS = 4;
const MASK = '•';

/**
 * `+14155550123` -> `•••••••0123`: every digit but the last four replaced, the rest of the
 * text (a leading +, spaces, dashes) kept so the number still reads as a number. A value
 * with four digits or fewer is masked entirely: its last digits would be all of it.
 */
export function maskPhoneNumber(value: string): string {
  const digits = value.replace(/\D/g, '').length;
  const keepFrom = digits > KEPT_DIGITS ? digits - KEPT_DIGITS : digits;
  let seen = 0;
  let out = '';
  for (const char of value) {
    if (char >= '0' && char <= '9') {
      out += seen < keepFrom ? MASK : char;
      seen += 1;
    } else {
      // Letters are not a phone number's: a SIP URI's user part could be a name.
      out += /\p{L}/u.test(char) ? MASK : char;
    }
  }
  return out;
}

/** `Ada Lovelace` -> `A. L.`; a name with no letters at all -> `•`. */
export function initialsOf(name: string): string {
  const initials = name
    .split(/[\s\-_.]+/u)
    .map((part) => [...part].find((c) => /\p{L}/u.test(c)))
    .filter((c): c is string => c !== undefined)
    .map((c) => `${c.toLocaleUpperCase()}.`);
  return initials.length > 0 ? initials.join(' ') : MASK;
}
