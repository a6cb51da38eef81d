import type { Cell } from '../../shared/roster-import';

export class CsvTooManyRows extends Error {}

/** The delimiter of a CSV export: Excel writes `;` where the decimal separator is a comma (Vietnamese Windows). */
export function detectDelimiter(text: string): ',' | ';' | '\t' {
  const counts = { ',': 0, ';': 0, '\t': 0 };
  let quoted = false;
  for (let i = 0; i < text.length && i < 64 * 1024; i++) {
    const ch = text[i];
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === '\n' || ch === '\r')) {
      if (counts[','] + counts[';'] + counts['\t'] > 0) break;
    } else if (!quoted && (ch === ',' || ch === ';' || ch === '\t')) counts[ch]++;
  }
  if (counts[';'] > counts[','] && counts[';'] >= counts['\t']) return ';';
  if (counts['\t'] > counts[','] && counts['\t'] > counts[';']) return '\t';
  return ',';
}

/**
 * RFC 4180: fields in double quotes may hold the delimiter, line breaks and doubled quotes; CRLF or LF ends a
 * record. Stops with `CsvTooManyRows` past `maxRows`, so a huge file costs no more than the limit.
 */
export function parseCsv(text: string, maxRows: number, delimiter = detectDelimiter(text)): Cell[][] {
  const rows: Cell[][] = [];
  let row: Cell[] = [];
  let field = '';
  let quoted = false;
  let i = 0;
  const n = text.length;
  const endRow = () => {
    row.push(field);
    field = '';
    // Blank lines are kept, so that a row's index is its line number for the preview.
    rows.push(row);
    row = [];
    if (rows.length > maxRows) throw new CsvTooManyRows();
  };
  while (i < n) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else field += ch;
      i++;
      continue;
    }
    if (ch === '"' && field === '') quoted = true;
    else if (ch === delimiter) {
      row.push(field);
      field = '';
    } else if (ch === '\r' || ch === '\n') {
      endRow();
      if (ch === '\r' && text[i + 1] === '\n') i++;
    } else field += ch;
    i++;
  }
  if (field !== '' || row.length > 0) endRow();
  return rows;
}

/** UTF-8 (with or without BOM); null for bytes that are not text. */
export function decodeCsv(bytes: Uint8Array): string | null {
  const sample = bytes.subarray(0, 64 * 1024);
  if (sample.includes(0)) return null;
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  } catch {
    // Older Excel on Vietnamese Windows saves "CSV" in windows-1258.
    try {
      return new TextDecoder('windows-1258', { fatal: true }).decode(bytes);
    } catch {
      return null;
    }
  }
}
