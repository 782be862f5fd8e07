/** RFC 4180-style CSV (quoted fields, doubled quotes, CRLF, empty cells): the one parser for bundled and user files. */

/** Rows of fields; blank lines are skipped. `fail` builds the error for a malformed file. */
export function parseCsv(text: string, fail: (message: string) => Error = (m) => new Error(m)): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  const endRow = () => {
    row.push(field);
    if (row.length > 1 || row[0] !== '') rows.push(row);
    row = [];
    field = '';
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') {
        quoted = false;
      } else {
        field += ch;
      }
    } else if (ch === '"') {
      quoted = true;
    } else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      endRow();
    } else {
      field += ch;
    }
  }
  if (quoted) throw fail('unterminated quoted field');
  if (field !== '' || row.length > 0) endRow();
  return rows;
}

/** Records keyed by the (trimmed) header; every line must have the header's field count. */
export function parseCsvRecords(
  text: string,
  fail: (message: string) => Error = (m) => new Error(m),
): Record<string, string>[] {
  const rows = parseCsv(text, fail);
  if (rows.length === 0) throw fail('empty file');
  const [header, ...body] = rows;
  return body.map((r, i) => {
    if (r.length !== header.length) {
      throw fail(`line ${i + 2} has ${r.length} fields, the header has ${header.length}`);
    }
    return Object.fromEntries(header.map((h, j) => [h.trim(), r[j]]));
  });
}
