import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { csvField, toCsv, type CsvColumn } from './csv';
import { readCsv } from './csv-reader.test-support';

interface Row {
  a: string | number | boolean | null;
}
const columns: CsvColumn<Row>[] = [{ header: 'A', value: (r) => r.a }];
const cellOf = (value: Row['a']) => readCsv(toCsv([{ a: value }], columns))[1]![0]!;

describe('CSV (RFC 4180)', () => {
  it.each<[string, Row['a'], string]>([
    ['plain text', 'Ana Diaz', 'Ana Diaz'],
    ['a comma', 'Diaz, Ana', 'Diaz, Ana'],
    ['quotes', 'say "hi"', 'say "hi"'],
    ['a line break', 'one\ntwo', 'one\ntwo'],
    ['CRLF inside', 'one\r\ntwo', 'one\r\ntwo'],
    ['a number', 12.5, '12.5'],
    ['a negative number (data, not a formula)', -3, '-3'],
    ['NaN', Number.NaN, ''],
    ['true', true, 'true'],
    ['null', null, ''],
    ['unicode', 'Zoë 👋', 'Zoë 👋'],
  ])('keeps %s', (_name, value, expected) => {
    expect(cellOf(value)).toBe(expected);
  });

  it.each([
    ['=HYPERLINK("http://evil.example","click")', `'=HYPERLINK("http://evil.example","click")`],
    ['+1 555 0100', `'+1 555 0100`],
    ['-2+3', `'-2+3`],
    ['@SUM(A1:A9)', `'@SUM(A1:A9)`],
    ['\t=1+1', `'\t=1+1`],
    ['\r=1+1', `'\r=1+1`],
    ["=cmd|' /C calc'!A0", `'=cmd|' /C calc'!A0`],
    ['a=b', 'a=b'],
    [' =1', ' =1'],
  ])('a spreadsheet does not run %j as a formula', (value, expected) => {
    expect(cellOf(value)).toBe(expected);
  });

  it('quotes exactly the fields that need it, and ends every record with CRLF', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('=1,2')).toBe(`"'=1,2"`);
    expect(toCsv([{ a: 'x' }, { a: 'y' }], columns)).toBe('A\r\nx\r\ny\r\n');
    expect(toCsv([], columns)).toBe('A\r\n');
  });

  it('any text reads back as written, a formula start behind a quote mark', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(fc.string(), fc.constantFrom('=', '+', '-', '@', '\t', '\r', '"', ',', '\n')),
          {
            minLength: 1,
            maxLength: 5,
          },
        ),
        (parts) => {
          const value = parts.join('');
          const cell = cellOf(value);
          expect(cell).toBe(/^[=+\-@\t\r]/.test(value) ? `'${value}` : value);
        },
      ),
    );
  });
});
