import { z } from 'zod';

/** How values written by other services are read (shared by ./schemas and ./outcome-fields). */

/**
 * A short, printable form of a bad value for an error message: a hostile document can hold a
 * megabyte string, and the message ends up in logs and on screen.
 */
export function previewValue(value: unknown, max = 60): string {
  let text: string;
  if (typeof value === 'number') return String(value); // JSON would print Infinity as null
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = Object.prototype.toString.call(value);
  }
  return text.length > max ? `${text.slice(0, max)}...(${text.length} chars)` : text;
}

/** A date in any of the shapes seen in the wild, normalised to an ISO-8601 string. */
export const dateField = z
  .union([z.string(), z.date(), z.number()], {
    error: (issue) => `${previewValue(issue.input)} is not a date`,
  })
  .nullish()
  .transform((value, ctx) => {
    if (value == null) return value;
    // A number below 1e11 is epoch seconds (ElevenLabs' *_unix_secs): as milliseconds it
    // would be a date in 1973; as seconds, 1e11 is the year 5138.
    const date =
      value instanceof Date
        ? value
        : new Date(typeof value === 'number' && Math.abs(value) < 1e11 ? value * 1000 : value);
    if (Number.isNaN(date.getTime())) {
      ctx.addIssue({ code: 'custom', message: `${previewValue(value)} is not a date` });
      return z.NEVER;
    }
    return date.toISOString();
  });

/** A count or duration: a finite number, or a numeric string (some writers store "42"). */
export const numberField = z
  .union([z.number(), z.string()], {
    error: (issue) => `${previewValue(issue.input)} is not a number`,
  })
  .nullish()
  .transform((value, ctx) => {
    if (value == null) return value;
    const n = typeof value === 'number' ? value : Number(value.trim());
    if (!Number.isFinite(n) || (typeof value === 'string' && value.trim() === '')) {
      ctx.addIssue({ code: 'custom', message: `${previewValue(value)} is not a number` });
      return z.NEVER;
    }
    return n;
  });

/** Free text: a string, or a number held as its digits. */
export const optionalText = z
  .union([z.string(), z.number()], {
    error: (issue) => `${previewValue(issue.input)} is not text`,
  })
  .nullish()
  .transform((v) => (typeof v === 'number' ? String(v) : v));
