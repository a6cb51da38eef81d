import { zipSync, strToU8 } from 'fflate';
import { describe, expect, it } from 'vitest';
import { HttpError } from '../../../../src/server/http/errors';
import { detectDelimiter, parseCsv, decodeCsv, CsvTooManyRows } from '../../../../src/server/imports/csv';
import { readRosterFile } from '../../../../src/server/imports/read-file';
import { inspectXlsx, WorkbookRefused, XLSX_LIMITS } from '../../../../src/server/imports/xlsx';
import { rawXlsx, studentCsv, studentRecords, studentWorkbook, zipBomb } from '../../../fixtures/roster/make-fixtures';

async function refusal(bytes: Uint8Array): Promise<HttpError> {
  try {
    await readRosterFile(bytes);
  } catch (e) {
    if (e instanceof HttpError) return e;
    throw e;
  }
  throw new Error('the file was accepted');
}

describe('CSV', () => {
  it('parses RFC 4180 quoting, CRLF and LF, and detects the delimiter', () => {
    const text = 'a;b;c\r\n"x;1";"say ""hi""";"two\nlines"\n3;4;5\n';
    expect(detectDelimiter(text)).toBe(';');
    expect(parseCsv(text, 100)).toEqual([
      ['a', 'b', 'c'],
      ['x;1', 'say "hi"', 'two\nlines'],
      ['3', '4', '5'],
    ]);
    expect(detectDelimiter('a,b;c,d\n')).toBe(',');
    expect(detectDelimiter('a\tb\tc\n')).toBe('\t');
  });

  it('strips the BOM of "CSV UTF-8" and refuses binary bytes', () => {
    expect(decodeCsv(new Uint8Array([0xef, 0xbb, 0xbf, 0x61]))).toBe('a');
    expect(decodeCsv(new Uint8Array([0x61, 0x00, 0x62]))).toBeNull();
  });

  it('stops at the row limit', () => {
    expect(() => parseCsv('a\n'.repeat(11), 10)).toThrow(CsvTooManyRows);
  });

  it('reads a roster CSV', async () => {
    const sheets = await readRosterFile(studentCsv(studentRecords(20)));
    expect(sheets).toHaveLength(1);
    expect(sheets[0]!.rows[0]).toContain('Mã học sinh');
    expect(sheets[0]!.rows).toHaveLength(21);
  });
});

describe('bad files', () => {
  it('an empty file → 422', async () => {
    const e = await refusal(new Uint8Array(0));
    expect(e.statusCode).toBe(422);
    expect(e.message).toMatch(/rỗng/);
  });

  it('a PNG, a PDF-like binary, an old .xls → 415', async () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
    expect((await refusal(png)).statusCode).toBe(415);
    const xls = new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]);
    const e = await refusal(xls);
    expect(e.statusCode).toBe(415);
    expect(e.message).toMatch(/\.xlsx/);
  });

  it('a zip that is not a workbook, and a truncated workbook → 415', async () => {
    const docx = zipSync({ 'word/document.xml': strToU8('<w:document/>') });
    expect((await refusal(docx)).statusCode).toBe(415);
    const wb = await studentWorkbook(studentRecords(5));
    expect((await refusal(wb.subarray(0, wb.length - 200))).statusCode).toBe(415);
  });

  it('a zip bomb → 422 before anything inflates it', async () => {
    const bomb = zipBomb(64);
    expect(bomb.length).toBeLessThan(200 * 1024);
    const started = performance.now();
    const e = await refusal(bomb);
    expect(e.statusCode).toBe(422);
    expect(e.message).toMatch(/nén/);
    expect(performance.now() - started).toBeLessThan(500);
  });

  it('a zip that lies about its sizes is stopped while inflating', () => {
    // Under the declared-size check (small parts) but over the real limit once inflated.
    const parts = { 'xl/workbook.xml': strToU8('<workbook/>'), 'xl/worksheets/sheet1.xml': new Uint8Array(3 * 1024 * 1024) };
    const zip = zipSync(parts, { level: 1 });
    expect(() => inspectXlsx(zip, { ...XLSX_LIMITS, maxUncompressedBytes: 2 * 1024 * 1024, maxRatio: 1e9 })).toThrow(WorkbookRefused);
  });

  it('100,000 rows → 413, counted without parsing the sheet', async () => {
    const big = rawXlsx(['Mã học sinh', 'Họ và tên', 'Mã lớp'], 100_000, (r, c) => (c === 0 ? `HS${r}` : c === 1 ? 'Nguyễn Văn An' : '1A1'));
    const started = performance.now();
    const e = await refusal(big);
    expect(e.statusCode).toBe(413);
    expect(e.message).toMatch(/20[.,]000/);
    expect(performance.now() - started).toBeLessThan(3000);
    const csv = Buffer.from(`Mã học sinh;Họ và tên;Mã lớp\n${'HS1;Nguyễn Văn An;1A1\n'.repeat(100_000)}`);
    expect((await refusal(csv)).statusCode).toBe(413);
  });

  it('a hand-written workbook within limits reads (inline strings)', async () => {
    const small = rawXlsx(['Mã học sinh', 'Họ và tên'], 3, (r, c) => (c === 0 ? `HS${r}` : 'Lê Bình'));
    const sheets = await readRosterFile(small);
    expect(sheets[0]!.rows).toEqual([
      ['Mã học sinh', 'Họ và tên'],
      ['HS0', 'Lê Bình'],
      ['HS1', 'Lê Bình'],
      ['HS2', 'Lê Bình'],
    ]);
  });
});
