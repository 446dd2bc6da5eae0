/**
 * CSV as spreadsheets read it: RFC 4180 (fields separated by commas, records by CRLF; a field
 * holding a comma, a double quote, CR or LF is quoted, and its quotes doubled), with the
 * header as the first record.
 *
 * Cells come from outside data (contact names, summaries an AI wrote), so a text cell that a
 * spreadsheet would run as a formula (it starts with `=`, `+`, `-`, `@`, a tab or CR; OWASP,
 * "CSV Injection") gets a leading `'`, which spreadsheets show as text. A number given as a
 * number is written as is: a negative cost or duration is data, not a formula.
 */

export interface CsvColumn<T> {
  header: string;
  /** The cell: text, a number, a boolean, or null/undefined for an empty cell. */
  value: (row: T) => string | number | boolean | null | undefined;
}

const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

/** A text cell a spreadsheet will not run as a formula. */
export function neutraliseFormula(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

/** One field, escaped for formulas and quoted as RFC 4180 asks. */
export function csvField(value: string | number | boolean | null | undefined): string {
  let text: string;
  if (value == null) text = '';
  else if (typeof value === 'number') text = Number.isFinite(value) ? String(value) : '';
  else if (typeof value === 'boolean') text = value ? 'true' : 'false';
  else text = neutraliseFormula(value);
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv<T>(rows: Iterable<T>, columns: readonly CsvColumn<T>[]): string {
  const lines = [columns.map((c) => csvField(c.header)).join(',')];
  for (const row of rows) lines.push(columns.map((c) => csvField(c.value(row))).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

/**
 * What an exported file holds: a UTF-8 byte order mark, without which Excel reads the text
 * in the machine's legacy code page ("ZoÃ«"), then the records.
 */
export function csvDocument(csv: string): string {
  return `\uFEFF${csv}`;
}
