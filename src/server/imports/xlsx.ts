import type ExcelJS from 'exceljs';
import { Unzip, UnzipInflate, unzipSync } from 'fflate';
import type { Cell } from '../../shared/roster-import';

/** Why a workbook is refused before or while it is read. */
export type WorkbookRefusal = 'notXlsx' | 'zipBomb' | 'tooManyRows';

export class WorkbookRefused extends Error {
  constructor(readonly reason: WorkbookRefusal) {
    super(reason);
  }
}

export interface XlsxLimits {
  /** Sum of the uncompressed sizes of every part. */
  maxUncompressedBytes: number;
  /** A part may expand at most this many times (real sheets: 5–30×; a zip bomb: ~1000×). */
  maxRatio: number;
  /** Rows of the largest sheet. */
  maxRows: number;
}

export const XLSX_LIMITS: XlsxLimits = { maxUncompressedBytes: 200 * 1024 * 1024, maxRatio: 100, maxRows: 20_000 };

export const isZip = (b: Uint8Array): boolean => b.length >= 4 && b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04;

/**
 * Checks a zip before any library inflates it: first the sizes its central directory declares (free), then the
 * real inflated sizes, counted while streaming and stopped at the limit (a zip may lie about its sizes). The rows
 * of each sheet are counted on the way (`<row ` elements), so a 100,000-row sheet is refused without being parsed.
 */
export function inspectXlsx(bytes: Uint8Array, limits: XlsxLimits = XLSX_LIMITS): void {
  let declared = 0;
  let hasWorkbook = false;
  try {
    unzipSync(bytes, {
      filter: (f) => {
        declared += f.originalSize;
        if (f.name === 'xl/workbook.xml') hasWorkbook = true;
        if (f.originalSize > 1024 * 1024 && f.originalSize / Math.max(f.size, 1) > limits.maxRatio) {
          throw new WorkbookRefused('zipBomb');
        }
        return false;
      },
    });
  } catch (e) {
    if (e instanceof WorkbookRefused) throw e;
    throw new WorkbookRefused('notXlsx');
  }
  if (declared > limits.maxUncompressedBytes) throw new WorkbookRefused('zipBomb');
  if (!hasWorkbook) throw new WorkbookRefused('notXlsx');

  let inflated = 0;
  let refusal: WorkbookRefusal | null = null;
  const unzip = new Unzip((file) => {
    const isSheet = /^xl\/worksheets\/[^/]+\.xml$/.test(file.name);
    let rows = 0;
    let tail = '';
    const decoder = new TextDecoder();
    file.ondata = (err, chunk) => {
      if (err || refusal) return;
      inflated += chunk.length;
      if (inflated > limits.maxUncompressedBytes) {
        refusal = 'zipBomb';
        file.terminate();
        return;
      }
      if (isSheet) {
        const text = tail + decoder.decode(chunk, { stream: true });
        rows += text.split('<row ').length - 1 + (text.split('<row>').length - 1);
        // Four characters cannot hold a whole "<row " or "<row>", so a tag cut by the chunk boundary counts once.
        tail = text.slice(-4);
        if (rows > limits.maxRows) {
          refusal = 'tooManyRows';
          file.terminate();
        }
      }
    };
    file.start();
  });
  unzip.register(UnzipInflate);
  try {
    unzip.push(bytes, true);
  } catch {
    if (!refusal) throw new WorkbookRefused('notXlsx');
  }
  if (refusal) throw new WorkbookRefused(refusal);
}

/** exceljs cell values → plain cells: dates as `yyyy-mm-dd`, formulas by their result, rich text as its text. */
export function cellOf(value: ExcelJS.CellValue): Cell {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString().slice(0, 10);
  if (typeof value === 'object') {
    if ('richText' in value && Array.isArray(value.richText)) return value.richText.map((r) => r.text).join('');
    if ('result' in value) return cellOf((value as { result?: ExcelJS.CellValue }).result ?? null);
    if ('text' in value && typeof value.text === 'string') return value.text;
  }
  return null;
}

export interface WorkbookTable {
  name: string;
  rows: Cell[][];
}

/** Every sheet as rows of plain cells (after `inspectXlsx` has bounded its size). */
export async function readXlsx(bytes: Uint8Array): Promise<WorkbookTable[]> {
  // Loaded on first use: exceljs is about 25 MB of memory that a server which never imports a roster need not hold.
  const { default: Excel } = await import('exceljs');
  const wb = new Excel.Workbook();
  try {
    await wb.xlsx.load(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
  } catch {
    throw new WorkbookRefused('notXlsx');
  }
  return wb.worksheets.map((ws) => {
    const rows: Cell[][] = [];
    ws.eachRow({ includeEmpty: true }, (row, rowNumber) => {
      const values = row.values as ExcelJS.CellValue[];
      // exceljs rows are 1-based (index 0 unused).
      rows[rowNumber - 1] = values.slice(1).map((v) => cellOf(v));
    });
    for (let i = 0; i < rows.length; i++) rows[i] ??= [];
    return { name: ws.name, rows };
  });
}
