import type ExcelJS from 'exceljs';
import type { IndicatorCode } from '../../shared/coverage/types';
import { asciiFileName, type Report } from '../../shared/reports/wire';

/** The workbook speaks Vietnamese: it is filed with the Sở as the school's report. */
export const INDICATOR_NAMES_VI: Record<IndicatorCode, string> = {
  staffLegalEducation: 'CBGVNV được tuyên truyền, phổ biến pháp luật',
  drillsHeld: 'Diễn tập theo phương án đã tổ chức',
  trafficCommitments: 'Ký cam kết an toàn giao thông',
  youthStaffTrained: 'Cán bộ làm công tác giáo dục thanh thiếu niên được tập huấn',
  parentsReached: 'Cha mẹ học sinh được tuyên truyền, phối hợp',
  studentsVolunteering: 'Học sinh tham gia hoạt động tình nguyện',
};

export const KIND_NAMES_VI: Record<Report['kind'], string> = {
  term1: 'Báo cáo sơ kết học kỳ I',
  year: 'Báo cáo tổng kết năm học',
};

export const STATUS_NAMES_VI: Record<Report['status'], string> = {
  draft: 'Bản nháp',
  submitted: 'Đã gửi',
  acknowledged: 'Đã tiếp nhận',
};

const percent = (p: number | null) => (p === null ? 'Không áp dụng' : p / 100);

function header(sheet: ExcelJS.Worksheet, columns: Array<{ header: string; key: string; width: number }>): void {
  sheet.columns = columns;
  const row = sheet.getRow(1);
  row.font = { bold: true };
  row.alignment = { vertical: 'middle', wrapText: true };
  sheet.views = [{ state: 'frozen', ySplit: 1 }];
}

/**
 * The report as a workbook: sheets "Chỉ tiêu" (indicators, and each school's for a unit), "Diễn tập" (drills with
 * their facts) and "Buổi hoạt động" (sessions held per activity, people reached, notable results).
 */
export async function reportWorkbook(report: Report): Promise<Buffer> {
  const f = report.figures;
  // Loaded on first use, like the roster import's reader: most servers rarely export a workbook.
  const { default: Excel } = await import('exceljs');
  const wb = new Excel.Workbook();
  wb.creator = 'Trường An';
  wb.created = new Date(f.generatedAt);

  const ind = wb.addWorksheet('Chỉ tiêu');
  header(ind, [
    { header: 'Chỉ tiêu', key: 'name', width: 55 },
    { header: 'Đã đạt', key: 'numerator', width: 12 },
    { header: 'Tổng số', key: 'denominator', width: 12 },
    { header: 'Tỷ lệ', key: 'percentage', width: 14 },
    { header: 'Số tiết', key: 'periods', width: 10 },
  ]);
  for (const i of f.indicators) {
    ind.addRow({
      name: INDICATOR_NAMES_VI[i.code],
      numerator: i.numerator,
      denominator: i.denominator,
      percentage: percent(i.percentage),
      periods: i.periods ?? null,
    });
  }
  if (f.indicators.length === 0) ind.addRow({ name: 'Chưa có số liệu chỉ tiêu cho kỳ này' });
  ind.getColumn('percentage').numFmt = '0.0%';
  if (f.schools.length > 0) {
    ind.addRow({});
    const head = ind.addRow({ name: 'Theo trường' });
    head.font = { bold: true };
    const codes = f.indicators.map((i) => i.code);
    const titles = ind.addRow(['Trường', ...codes.map((c) => INDICATOR_NAMES_VI[c])]);
    titles.font = { bold: true };
    for (const s of f.schools) {
      ind.addRow([s.name, ...codes.map((c) => percent(s.indicators.find((x) => x.code === c)?.percentage ?? null))]);
    }
  }

  const drills = wb.addWorksheet('Diễn tập');
  header(drills, [
    { header: 'Ngày', key: 'date', width: 12 },
    { header: 'Trường', key: 'school', width: 34 },
    { header: 'Buổi diễn tập', key: 'title', width: 40 },
    { header: 'Tình huống', key: 'scenario', width: 18 },
    { header: 'Thời gian sơ tán (giây)', key: 'seconds', width: 14 },
    { header: 'Sĩ số dự kiến', key: 'expected', width: 12 },
    { header: 'Có mặt tại điểm tập kết', key: 'accounted', width: 14 },
    { header: 'Chưa xác định', key: 'missing', width: 12 },
    { header: 'Nhận xét', key: 'observations', width: 50 },
  ]);
  for (const d of f.drills) {
    drills.addRow({
      date: d.date,
      school: d.schoolName,
      title: d.title,
      scenario: d.scenarioCode ?? '',
      seconds: d.evacuationSeconds,
      expected: d.expectedCount,
      accounted: d.accountedCount,
      missing: d.missingCount,
      observations: d.observations,
    });
  }

  const sessions = wb.addWorksheet('Buổi hoạt động');
  header(sessions, [
    { header: 'Loại hoạt động', key: 'name', width: 40 },
    { header: 'Số buổi đã tổ chức', key: 'held', width: 16 },
    { header: 'Lượt tham dự', key: 'attendances', width: 14 },
  ]);
  for (const s of f.sessions) sessions.addRow({ name: s.activityName, held: s.held, attendances: s.attendances });
  sessions.addRow({ name: 'Tổng số buổi', held: f.sessionsHeld });
  sessions.addRow({});
  sessions.addRow({ name: 'Số người được tiếp cận' }).font = { bold: true };
  sessions.addRow({ name: 'Cán bộ, giáo viên, nhân viên', held: f.peopleReached.staff });
  sessions.addRow({ name: 'Học sinh', held: f.peopleReached.students });
  sessions.addRow({ name: 'Cha mẹ học sinh', held: f.peopleReached.parents });
  sessions.addRow({});
  sessions.addRow({ name: 'Kết quả nổi bật, đề nghị khen thưởng' }).font = { bold: true };
  const notes = sessions.addRow({ name: report.notableResults });
  notes.alignment = { wrapText: true, vertical: 'top' };
  sessions.addRow({});
  sessions.addRow({ name: `${KIND_NAMES_VI[report.kind]} — ${f.unitName} — năm học ${f.schoolYearLabel}` });
  sessions.addRow({ name: `Kỳ báo cáo: ${f.from} đến ${f.to}; trạng thái: ${STATUS_NAMES_VI[report.status]}` });

  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** `content-disposition` with an ASCII fallback and the Vietnamese name for browsers that read `filename*`. */
export function reportFileDisposition(report: Report): string {
  const name = `${KIND_NAMES_VI[report.kind]} ${report.figures.unitName} ${report.figures.schoolYearLabel}`.trim();
  const ascii = `${asciiFileName(name)}.xlsx`;
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(`${name}.xlsx`)}`;
}
