import { describe, expect, it } from 'vitest';
import { uploadType } from '../../../../src/client/features/roster/import-api';
import { canApply, filterRows, importSchools, pageOf, rowSeverity } from '../../../../src/client/features/roster/import-view';
import type { ImportPreviewRow } from '../../../../src/shared/roster-import';
import { i18n } from '../../../../src/client/i18n';
import { PROBLEM_CODES } from '../../../../src/shared/roster-import';

const row = (line: number, problems: ImportPreviewRow['problems'] = []): ImportPreviewRow => ({
  line,
  code: `HS${line}`,
  fullName: 'Nguyễn Văn An',
  className: '1A1',
  status: 'active',
  problems,
  action: problems.some((p) => p !== 'newClass') ? 'skip' : 'create',
});

describe('import preview view', () => {
  const rows = [row(2, ['missingName']), row(3, ['newClass']), ...Array.from({ length: 120 }, (_, i) => row(i + 4))];

  it('tells errors from warnings', () => {
    expect(rowSeverity(rows[0]!)).toBe('error');
    expect(rowSeverity(rows[1]!)).toBe('warning');
    expect(rowSeverity(rows[2]!)).toBe('ok');
  });

  it('filters the problem rows and pages 2,000 rows 50 at a time', () => {
    expect(filterRows(rows, 'problems').map((r) => r.line)).toEqual([2, 3]);
    const all = filterRows(rows, 'all');
    expect(pageOf(all, 0)).toMatchObject({ page: 0, pages: 3 });
    expect(pageOf(all, 2).rows).toHaveLength(22);
    expect(pageOf(all, 9).page).toBe(2);
    expect(pageOf([], 0)).toEqual({ rows: [], page: 0, pages: 1 });
  });

  it('asks for confirmation only when rows will be skipped, and never twice', () => {
    const summary = { create: 1, update: 0, leave: 0, unchanged: 0, errors: 1, warnings: 0, total: 2 };
    expect(canApply({ status: 'previewed', summary }, false)).toBe(false);
    expect(canApply({ status: 'previewed', summary }, true)).toBe(true);
    expect(canApply({ status: 'previewed', summary: { ...summary, errors: 0 } }, false)).toBe(true);
    expect(canApply({ status: 'applied', summary }, true)).toBe(false);
  });

  it('labels uploads by extension', () => {
    expect(uploadType('C1-HocSinh.xlsx')).toMatch(/spreadsheetml/);
    expect(uploadType('hoc-sinh.CSV')).toBe('text/csv');
    expect(uploadType('danh-sach.xls')).toBe('application/octet-stream');
  });

  it('offers a principal their school and an officer the schools under their unit', () => {
    const units = [
      { id: 'dept', kind: 'department' as const, name: 'Sở', parentId: null, clusterId: null },
      { id: 'ward', kind: 'commune' as const, name: 'Phường', parentId: 'dept', clusterId: null },
      { id: 'a', kind: 'school' as const, name: 'TH Dịch Vọng', parentId: 'ward', clusterId: null },
      { id: 'b', kind: 'school' as const, name: 'THPT Cầu Giấy', parentId: 'dept', clusterId: null },
    ];
    expect(importSchools([{ role: 'principal', unitId: 'a', unitName: '' }], units)).toEqual([{ id: 'a', name: 'TH Dịch Vọng' }]);
    expect(importSchools([{ role: 'officer', unitId: 'ward', unitName: '' }], units)).toEqual([{ id: 'a', name: 'TH Dịch Vọng' }]);
    expect(importSchools([{ role: 'officer', unitId: 'dept', unitName: '' }], units).map((s) => s.id)).toEqual(['a', 'b']);
    expect(importSchools([{ role: 'teacher', unitId: 'a', unitName: '' }], units)).toEqual([]);
  });

  it('has every problem, action and message in both languages', () => {
    const messages = i18n.global.messages.value as unknown as Record<string, { rosterImport: Record<string, Record<string, string>> }>;
    for (const locale of ['vi', 'en']) {
      const m = messages[locale]!.rosterImport;
      for (const code of PROBLEM_CODES) expect(m.problems![code], `${locale} ${code}`).toBeTruthy();
      for (const a of ['create', 'update', 'unchanged', 'leave', 'skip']) expect(m.actions![a], `${locale} ${a}`).toBeTruthy();
    }
  });
});
