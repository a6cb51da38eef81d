import { IMPORT_MAX_ROWS, HEADER_SEARCH_ROWS } from '../../shared/roster-import';
import { HttpError } from '../http/errors';
import { CsvTooManyRows, decodeCsv, parseCsv } from './csv';
import { WorkbookRefused, inspectXlsx, isZip, readXlsx, XLSX_LIMITS, type WorkbookTable } from './xlsx';

export const XLSX_MIME = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
/** What an upload may be labelled; an absent type is sniffed from the bytes. */
export const ACCEPTED_TYPES = new Set([XLSX_MIME, 'text/csv', 'application/csv', 'application/vnd.ms-excel', 'application/octet-stream']);

const unsupported = (message: string) => new HttpError(415, 'unsupported_media_type', message);
const tooLarge = (message: string) => new HttpError(413, 'payload_too_large', message);
const unprocessable = (message: string) => new HttpError(422, 'unprocessable', message);

export const NOT_A_ROSTER =
  'Tệp không phải Excel (.xlsx) hay CSV; hãy xuất lại danh sách từ CSDL ngành (the file is neither an Excel .xlsx workbook nor CSV)';
export const TOO_MANY_ROWS = `Tệp có hơn ${IMPORT_MAX_ROWS.toLocaleString('vi-VN')} dòng, quá lớn cho danh sách một trường; hãy tách theo khối (more than ${IMPORT_MAX_ROWS} rows)`;

/** Old binary .xls (OLE compound file): exceljs cannot read it. */
const isOle = (b: Uint8Array) => b.length >= 4 && b[0] === 0xd0 && b[1] === 0xcf && b[2] === 0x11 && b[3] === 0xe0;

/**
 * Bytes of an upload → its sheets as rows of cells, refusing what is not a roster before any costly parsing: an empty
 * body, an old .xls, a zip bomb, more rows than any school has. Everything here is bounded by the body limit and
 * the row limit, so one upload cannot hold the event loop for long.
 */
export async function readRosterFile(bytes: Uint8Array): Promise<WorkbookTable[]> {
  if (bytes.length === 0) throw unprocessable('Tệp rỗng (the file is empty)');
  if (isOle(bytes)) {
    throw unsupported('Tệp Excel 97-2003 (.xls): hãy mở và lưu lại dạng .xlsx rồi tải lên (old .xls format: save as .xlsx)');
  }
  const maxRows = IMPORT_MAX_ROWS + HEADER_SEARCH_ROWS;
  if (isZip(bytes)) {
    try {
      inspectXlsx(bytes, { ...XLSX_LIMITS, maxRows });
      const sheets = await readXlsx(bytes);
      if (sheets.some((s) => s.rows.length > maxRows)) throw new WorkbookRefused('tooManyRows');
      if (sheets.every((s) => s.rows.length === 0)) throw unprocessable('Tệp không có dữ liệu (the workbook has no data)');
      return sheets;
    } catch (e) {
      if (!(e instanceof WorkbookRefused)) throw e;
      if (e.reason === 'tooManyRows') throw tooLarge(TOO_MANY_ROWS);
      if (e.reason === 'zipBomb') {
        throw unprocessable('Tệp nén bất thường (giải nén quá lớn), không đọc (the archive expands far beyond any roster: refused)');
      }
      throw unsupported(NOT_A_ROSTER);
    }
  }
  const text = decodeCsv(bytes);
  if (text === null) throw unsupported(NOT_A_ROSTER);
  try {
    const rows = parseCsv(text, maxRows);
    if (rows.length === 0) throw unprocessable('Tệp rỗng (the file is empty)');
    return [{ name: 'CSV', rows }];
  } catch (e) {
    if (e instanceof CsvTooManyRows) throw tooLarge(TOO_MANY_ROWS);
    throw e;
  }
}
