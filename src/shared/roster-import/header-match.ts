import { FIELD_SPECS, isDenylisted, type ImportField, type ImportKind } from './fields';
import { normaliseHeader } from './normalise';

/** A cell as the parsers hand it over: dates already turned into `yyyy-mm-dd` text. */
export type Cell = string | number | boolean | null;

/** The top of one sheet, enough to find its header row. */
export interface SheetHead {
  name: string;
  rows: Cell[][];
}

/** How many rows from the top of a sheet may hold the header: the ministry's files put a title block above it. */
export const HEADER_SEARCH_ROWS = 15;

export interface HeaderMatch {
  /** Index (0-based) of the header row in the sheet. */
  headerRow: number;
  /** Column index (0-based) of each field found. */
  columns: Partial<Record<ImportField, number>>;
  /** Required fields with no column. */
  missing: ImportField[];
  /** Titles of columns dropped unread because they carry data this app must not hold. */
  dropped: string[];
  /** Titles of other columns that are simply ignored. */
  ignored: string[];
  score: number;
}

const title = (cell: Cell | undefined): string => (cell === null || cell === undefined ? '' : String(cell));

/** Matches one row of titles against the fields of `kind`: exact titles first, then titles that begin with a known one. */
export function matchHeaderRow(cells: Cell[], kind: ImportKind, headerRow = 0): HeaderMatch {
  const specs = FIELD_SPECS[kind];
  const normalised: (string | null)[] = cells.map((c) => {
    const t = title(c);
    return t.trim() === '' || isDenylisted(t) ? null : normaliseHeader(t);
  });
  const columns: Partial<Record<ImportField, number>> = {};
  const used = new Set<number>();
  const pick = (accept: (n: string, synonym: string) => boolean) => {
    for (const spec of specs) {
      if (columns[spec.field] !== undefined) continue;
      // Earlier synonyms are the more specific titles ("trang thai hs" before "trang thai").
      outer: for (const synonym of spec.synonyms) {
        for (let i = 0; i < normalised.length; i++) {
          const n = normalised[i];
          if (n && !used.has(i) && accept(n, synonym)) {
            columns[spec.field] = i;
            used.add(i);
            break outer;
          }
        }
      }
    }
  };
  pick((n, s) => n === s);
  pick((n, s) => n.startsWith(`${s} `));

  const dropped: string[] = [];
  const ignored: string[] = [];
  cells.forEach((c, i) => {
    const t = title(c).trim();
    if (!t || used.has(i)) return;
    (isDenylisted(t) ? dropped : ignored).push(t);
  });
  const missing = specs.filter((s) => s.required && columns[s.field] === undefined).map((s) => s.field);
  const found = specs.filter((s) => columns[s.field] !== undefined);
  const score = found.filter((s) => s.required).length * 10 + found.filter((s) => !s.required).length;
  return { headerRow, columns, missing, dropped, ignored, score };
}

export interface DataSheetMatch extends HeaderMatch {
  sheet: string;
}

/**
 * The data sheet is the one whose header row (searched in the first rows of every sheet) matches the fields best;
 * lookup sheets (DM_Lop, DM_GioiTinh…) match little or nothing. Ties go to the earlier sheet. Null for a workbook
 * with no titles at all.
 */
export function findDataSheet(sheets: SheetHead[], kind: ImportKind): DataSheetMatch | null {
  let best: DataSheetMatch | null = null;
  for (const sheet of sheets) {
    const limit = Math.min(sheet.rows.length, HEADER_SEARCH_ROWS);
    for (let r = 0; r < limit; r++) {
      const m = matchHeaderRow(sheet.rows[r] ?? [], kind, r);
      if (m.score > 0 && (!best || m.score > best.score)) best = { ...m, sheet: sheet.name };
    }
  }
  return best;
}
