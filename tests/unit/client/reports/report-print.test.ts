import { describe, expect, it } from 'vitest';
import { mount } from '@vue/test-utils';
import { i18n, setLocale } from '../../../../src/client/i18n';
import ReportPrintView from '../../../../src/client/features/reports/ReportPrintView.vue';
import { ReportSchema, type Report } from '../../../../src/shared/reports/wire';
import { mayAcknowledge, mayEdit, reportingUnits } from '../../../../src/client/features/reports/reports-api';

const SCHOOL = '0199a000-0000-7000-8000-000000000001';
const WARD = '0199a000-0000-7000-8000-000000000002';
const USER = '0199a000-0000-7000-8000-000000000003';

function report(overrides: Partial<Report> = {}): Report {
  return ReportSchema.parse({
    id: '0199a000-0000-7000-8000-000000000010',
    unitId: SCHOOL,
    schoolYearId: '0199a000-0000-7000-8000-000000000011',
    kind: 'term1',
    status: 'submitted',
    notableResults: 'Đề nghị tặng giấy khen cho tập thể lớp 5A1.\nCô Nguyễn Thị Hường: giáo viên tiêu biểu.',
    figures: {
      unitName: 'Trường Tiểu học Dịch Vọng',
      unitKind: 'school',
      schoolYearLabel: '2025-2026',
      from: '2025-09-05',
      to: '2026-01-15',
      generatedAt: '2026-01-10T03:00:00.000Z',
      indicators: [
        { code: 'staffLegalEducation', numerator: 40, denominator: 42, percentage: 95.2 },
        { code: 'youthStaffTrained', numerator: 0, denominator: 0, percentage: null },
      ],
      schools: [],
      drills: [
        {
          sessionId: '0199a000-0000-7000-8000-000000000020',
          schoolId: SCHOOL,
          schoolName: 'Trường Tiểu học Dịch Vọng',
          date: '2025-10-07',
          title: 'Diễn tập PCCC học kỳ I',
          scenarioCode: 'fire',
          evacuationSeconds: 185,
          expectedCount: 412,
          accountedCount: 410,
          missingCount: 2,
          observations: 'Cầu thang khu B đông',
        },
      ],
      sessions: [{ activityCode: 'legal_education', activityName: 'Tuyên truyền pháp luật', held: 3, attendances: 120 }],
      sessionsHeld: 3,
      peopleReached: { staff: 40, students: 75, parents: 5 },
    },
    createdBy: USER,
    createdByName: 'Hiệu trưởng Dịch Vọng',
    createdAt: '2026-01-10T03:00:00.000Z',
    updatedAt: '2026-01-10T03:00:00.000Z',
    submittedBy: USER,
    submittedByName: 'Hiệu trưởng Dịch Vọng',
    submittedAt: '2026-01-11T03:00:00.000Z',
    acknowledgedBy: null,
    acknowledgedByName: null,
    acknowledgedAt: null,
    ...overrides,
  });
}

describe('report print page', () => {
  it('renders the report with its figures, drills, people reached and notable results', () => {
    setLocale('vi');
    const wrapper = mount(ReportPrintView, { props: { report: report() }, global: { plugins: [i18n] } });
    expect(wrapper.get('[data-testid="report-print-title"]').text()).toBe('Báo cáo sơ kết học kỳ I');
    expect(wrapper.text()).toContain('Trường Tiểu học Dịch Vọng');
    expect(wrapper.text()).toContain('Kỳ báo cáo: từ 05/09/2025 đến 15/01/2026');
    const rows = wrapper.findAll('[data-testid="report-indicators"] tbody tr').map((r) => r.findAll('th,td').map((c) => c.text()));
    expect(rows).toEqual([
      ['CBGVNV được tuyên truyền pháp luật', '40', '42', '95,2%'],
      ['Cán bộ công tác thanh thiếu niên được tập huấn', '0', '0', 'Không áp dụng'],
    ]);
    const drill = wrapper.findAll('[data-testid="report-drills"] tbody td').map((c) => c.text());
    expect(drill).toEqual(['07/10/2025', 'Diễn tập PCCC học kỳ I', '185', '410 / 412', '2', 'Cầu thang khu B đông']);
    expect(wrapper.get('[data-testid="report-reached"]').text()).toMatch(/Học sinh\s*75/);
    expect(wrapper.get('[data-testid="report-notable"]').text()).toContain('Cô Nguyễn Thị Hường: giáo viên tiêu biểu.');
    expect(wrapper.text()).toContain('Người gửi: Hiệu trưởng Dịch Vọng');
    expect(wrapper.text()).not.toContain('Cấp trên tiếp nhận');
    // Tables carry their header cells for screen readers and print.
    expect(wrapper.findAll('th[scope="col"]').length).toBeGreaterThan(10);
    wrapper.unmount();
  });

  it('says so when there are no indicators or drills, and speaks English when asked', () => {
    setLocale('en');
    const empty = report({ status: 'acknowledged', acknowledgedBy: USER, acknowledgedByName: 'Cán bộ phường', acknowledgedAt: '2026-01-12T03:00:00.000Z' });
    empty.figures = { ...empty.figures, indicators: [], drills: [] };
    const wrapper = mount(ReportPrintView, { props: { report: empty }, global: { plugins: [i18n] } });
    expect(wrapper.text()).toContain('No indicator figures for this period yet.');
    expect(wrapper.text()).toContain('No drills in this period.');
    expect(wrapper.text()).toContain('Acknowledged by Cán bộ phường');
    expect(wrapper.find('[data-testid="report-drills"]').exists()).toBe(false);
    wrapper.unmount();
    setLocale('vi');
  });
});

describe('who may do what with a report (the server decides; the page only hides)', () => {
  const principal = [{ role: 'principal' as const, unitId: SCHOOL, unitName: 'TH Dịch Vọng' }];
  const ward = [{ role: 'officer' as const, unitId: WARD, unitName: 'Phường Cầu Giấy' }];
  it('lets the sender edit a draft and the level above acknowledge a submitted report', () => {
    expect(reportingUnits([...principal, { role: 'teacher', unitId: WARD, unitName: 'x' }])).toEqual([SCHOOL]);
    expect(mayEdit(principal, { unitId: SCHOOL, status: 'draft' })).toBe(true);
    expect(mayEdit(principal, { unitId: SCHOOL, status: 'submitted' })).toBe(false);
    expect(mayAcknowledge(principal, { unitId: SCHOOL, status: 'submitted' })).toBe(false);
    expect(mayAcknowledge(ward, { unitId: SCHOOL, status: 'submitted' })).toBe(true);
    expect(mayAcknowledge(ward, { unitId: SCHOOL, status: 'draft' })).toBe(false);
    expect(mayAcknowledge(ward, { unitId: WARD, status: 'submitted' })).toBe(false);
  });
});
