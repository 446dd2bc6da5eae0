/**
 * An RFC 4180 reader written for the test (section 2's grammar, one state per character), so
 * the writer is checked against the format, not against itself.
 */
export function readCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i += 2;
      } else if (ch === '"') {
        quoted = false;
        i += 1;
      } else {
        field += ch;
        i += 1;
      }
    } else if (ch === '"' && field === '') {
      quoted = true;
      i += 1;
    } else if (ch === ',') {
      record.push(field);
      field = '';
      i += 1;
    } else if (ch === '\r' && text[i + 1] === '\n') {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      i += 2;
    } else if (ch === '"' || ch === '\r' || ch === '\n') {
      throw new Error(`not RFC 4180 at ${i}: a bare ${JSON.stringify(ch)} in an unquoted field`);
    } else {
      field += ch;
      i += 1;
    }
  }
  if (quoted) throw new Error('not RFC 4180: a quoted field never closed');
  if (field !== '' || record.length > 0)
    throw new Error('not RFC 4180: no CRLF after the last record');
  return records;
}
