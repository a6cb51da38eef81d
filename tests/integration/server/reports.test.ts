import ExcelJS from 'exceljs';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../../src/shared/domain/ids';
import { ReportListResponseSchema, ReportSchema, type Report } from '../../../src/shared/reports/wire';
import { reserveVersions } from '../../../src/server/db/versions';
import { buildTestApp, signIn } from '../../helpers/app';
import { testDbKinds, type TestDb } from '../../helpers/db';
import { createFixture, type Fixture } from '../../helpers/fixtures';

const NOTABLE = 'Liên đội Trường Tiểu học A: 100% học sinh ký cam kết ATGT; đề nghị tặng giấy khen cho cô Nguyễn Thị Hường.';

describe.each(testDbKinds())('term and year-end reports on $kind', ({ open }) => {
  let db: TestDb;
  let app: FastifyInstance;
  let f: Fixture;
  const h: Record<string, Record<string, string>> = {};

  /** Marks a fixture session done on a given day, with some attendance and (for drills) a drill record. */
  async function holdSession(school: 'A' | 'B', day: string, drill: boolean): Promise<string> {
    const schoolId = school === 'A' ? f.schoolA : f.schoolB;
    const sessionId = newId();
    await db.kysely.transaction().execute(async (trx) => {
      await trx
        .insertInto('sessions')
        .values({
          id: sessionId,
          school_id: schoolId,
          scope_unit_id: schoolId,
          school_year_id: f.schoolYear,
          activity_type_id: f.activityType,
          scenario_code: drill ? 'fire' : null,
          title: drill ? `Diễn tập PCCC ${school}` : `Tuyên truyền pháp luật ${school} (${day})`,
          starts_at: `${day}T01:00:00.000Z`,
          ends_at: `${day}T02:00:00.000Z`,
          place: 'Sân trường',
          audience: JSON.stringify({ classIds: [f.classes[school]], grades: [], staff: true, youthStaffOnly: false, parents: false }),
          facilitator_person_id: null,
          trainer_user_id: null,
          material_ids: '[]',
          periods: null,
          status: 'done',
          revision: 0,
          created_by: f.users.principalA,
          created_at: new Date().toISOString(),
          updated_at: new Date().toISOString(),
          series_id: null,
          cancel_reason: null,
          stream: schoolId,
          version: await reserveVersions(trx, schoolId),
        })
        .execute();
      const people = [...f.students[school].slice(0, 3), f.staff[school][0]!];
      for (const [i, personId] of people.entries()) {
        await trx
          .insertInto('attendance')
          .values({
            id: newId(),
            school_id: schoolId,
            session_id: sessionId,
            person_id: personId,
            status: i === 0 ? 'late' : 'present',
            note: null,
            marked_by: f.users.principalA,
            marked_at: `${day}T01:10:00.000Z`,
            stream: schoolId,
            version: await reserveVersions(trx, schoolId),
          })
          .execute();
      }
      if (drill) {
        await trx
          .insertInto('drill_records')
          .values({
            id: newId(),
            school_id: schoolId,
            session_id: sessionId,
            scenario_code: 'fire',
            alarm_at: `${day}T01:00:00.000Z`,
            all_clear_at: `${day}T01:04:00.000Z`,
            evacuation_seconds: 185,
            expected_count: 412,
            accounted_count: 410,
            missing_count: 2,
            observations: JSON.stringify(['Cầu thang khu B đông, cần phân luồng']),
            notes: null,
            photo_hashes: '[]',
            stream: schoolId,
            version: await reserveVersions(trx, schoolId),
          })
          .execute();
      }
    });
    return sessionId;
  }

  beforeAll(async () => {
    db = await open();
    f = await createFixture(db.kysely);
    app = await buildTestApp(db);
    await app.ready();
    for (const u of ['principalA', 'principalB', 'teacherA', 'officerCommuneA', 'officerDept']) h[u] = await signIn(app, u.toLowerCase());
    await holdSession('A', '2025-10-07', true);
    await holdSession('A', '2025-11-20', false);
    // Term II: in the year-end report, not in the term report.
    await holdSession('A', '2026-03-03', false);
    await holdSession('B', '2025-10-08', true);
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  async function saveDraft(user: string, unitId: string, kind: 'term1' | 'year', id = newId()) {
    return app.inject({
      method: 'PUT',
      url: `/api/reports/${id}`,
      headers: h[user],
      payload: { unitId, schoolYearId: f.schoolYear, kind, notableResults: NOTABLE },
    });
  }

  it('takes a school term report with its drills, sessions and people reached in term I only', async () => {
    const res = await saveDraft('principalA', f.schoolA, 'term1');
    expect(res.statusCode, res.body).toBe(201);
    const report = ReportSchema.parse(res.json());
    expect(report).toMatchObject({ status: 'draft', kind: 'term1', notableResults: NOTABLE, createdByName: 'principalA' });
    expect(report.figures).toMatchObject({ from: '2025-09-05', to: '2026-01-15', sessionsHeld: 2, unitName: 'Trường Tiểu học A' });
    // Three students and one staff member attended (the same people twice): distinct people count once.
    expect(report.figures.peopleReached).toEqual({ staff: 1, students: 3, parents: 0 });
    expect(report.figures.sessions).toEqual([
      { activityCode: 'legal_education', activityName: 'Tuyên truyền pháp luật', held: 2, attendances: 8 },
    ]);
    // Indicators come from coverage: one of school A's two staff attended a legal-education session held.
    expect(report.figures.indicators.find((i) => i.code === 'staffLegalEducation')).toEqual({
      code: 'staffLegalEducation',
      numerator: 1,
      denominator: 2,
      percentage: 50,
    });
    expect(report.figures.indicators.map((i) => i.code)).toHaveLength(6);
    expect(report.figures.drills).toHaveLength(1);
    expect(report.figures.drills[0]).toMatchObject({
      schoolId: f.schoolA,
      date: '2025-10-07',
      evacuationSeconds: 185,
      expectedCount: 412,
      accountedCount: 410,
      missingCount: 2,
      observations: 'Cầu thang khu B đông, cần phân luồng',
    });

    const year = ReportSchema.parse((await saveDraft('principalA', f.schoolA, 'year')).json());
    expect(year.figures).toMatchObject({ from: '2025-09-05', to: '2026-05-31', sessionsHeld: 3 });
  });

  it('exports the report as a workbook that reads back with its Vietnamese text intact', async () => {
    const report = ReportSchema.parse((await saveDraft('principalA', f.schoolA, 'term1')).json());
    const res = await app.inject({ method: 'GET', url: `/api/reports/${report.id}/xlsx`, headers: h.principalA });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    const disposition = String(res.headers['content-disposition']);
    expect(disposition).toContain('filename="Bao-cao-so-ket-hoc-ky-I-Truong-Tieu-hoc-A-2025-2026.xlsx"');
    expect(disposition).toContain(`filename*=UTF-8''${encodeURIComponent('Báo cáo sơ kết học kỳ I Trường Tiểu học A 2025-2026.xlsx')}`);

    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    expect(wb.worksheets.map((s) => s.name)).toEqual(['Chỉ tiêu', 'Diễn tập', 'Buổi hoạt động']);
    const drills = wb.getWorksheet('Diễn tập')!;
    expect(drills.getRow(1).getCell(1).value).toBe('Ngày');
    expect(drills.getRow(1).getCell(7).value).toBe('Có mặt tại điểm tập kết');
    expect(drills.getRow(2).values).toEqual([
      undefined,
      '2025-10-07',
      'Trường Tiểu học A',
      'Diễn tập PCCC A',
      'fire',
      185,
      412,
      410,
      2,
      'Cầu thang khu B đông, cần phân luồng',
    ]);
    expect(drills.rowCount).toBe(2);
    const indicators = wb.getWorksheet('Chỉ tiêu')!;
    expect(indicators.getRow(1).values).toEqual([undefined, 'Chỉ tiêu', 'Đã đạt', 'Tổng số', 'Tỷ lệ', 'Số tiết']);
    const legal = indicators.getRows(2, 6)!.find((r) => r.getCell(1).value === 'CBGVNV được tuyên truyền, phổ biến pháp luật')!;
    expect([legal.getCell(2).value, legal.getCell(3).value, legal.getCell(4).value]).toEqual([1, 2, 0.5]);
    const sessions = wb.getWorksheet('Buổi hoạt động')!;
    const texts: string[] = [];
    sessions.eachRow((row) => texts.push(String(row.getCell(1).value ?? '')));
    expect(texts).toContain('Tuyên truyền pháp luật');
    expect(texts).toContain(NOTABLE);
    expect(texts).toContain('Học sinh');
    const studentsRow = sessions.getRows(1, sessions.rowCount)!.find((r) => r.getCell(1).value === 'Học sinh')!;
    expect(studentsRow.getCell(2).value).toBe(3);
  });

  it('goes draft → submitted → acknowledged, with who and when, and refuses the steps out of turn', async () => {
    const id = newId();
    await saveDraft('principalA', f.schoolA, 'term1', id);
    // The level above does not see a draft.
    expect((await app.inject({ method: 'GET', url: `/api/reports/${id}`, headers: h.officerCommuneA })).statusCode).toBe(404);
    const early = await app.inject({ method: 'POST', url: `/api/reports/${id}/acknowledge`, headers: h.officerCommuneA });
    expect(early.statusCode).toBe(409);
    // A teacher of the school may not submit it; the principal may, and a retried tap changes nothing.
    expect((await app.inject({ method: 'POST', url: `/api/reports/${id}/submit`, headers: h.teacherA })).statusCode).toBe(404);
    const submitted = ReportSchema.parse((await app.inject({ method: 'POST', url: `/api/reports/${id}/submit`, headers: h.principalA })).json());
    expect(submitted).toMatchObject({ status: 'submitted', submittedBy: f.users.principalA, submittedByName: 'principalA' });
    const again = ReportSchema.parse((await app.inject({ method: 'POST', url: `/api/reports/${id}/submit`, headers: h.principalA })).json());
    expect(again.submittedAt).toBe(submitted.submittedAt);
    // A submitted report is frozen.
    const edit = await saveDraft('principalA', f.schoolA, 'term1', id);
    expect(edit.statusCode).toBe(409);
    expect((edit.json() as { message: string }).message).toMatch(/đã gửi/);
    // The sender cannot acknowledge their own report.
    expect((await app.inject({ method: 'POST', url: `/api/reports/${id}/acknowledge`, headers: h.principalA })).statusCode).toBe(404);
    const ack = ReportSchema.parse(
      (await app.inject({ method: 'POST', url: `/api/reports/${id}/acknowledge`, headers: h.officerCommuneA })).json(),
    );
    expect(ack).toMatchObject({ status: 'acknowledged', acknowledgedBy: f.users.officerCommuneA, acknowledgedByName: 'officerCommuneA' });
    expect(Date.parse(ack.acknowledgedAt!)).toBeGreaterThanOrEqual(Date.parse(ack.submittedAt!));
    const audit = await db.kysely.selectFrom('audit_log').select('action').where('entity_id', '=', id).orderBy('at').execute();
    expect(audit.map((a) => a.action)).toEqual(['report.create', 'report.submit', 'report.acknowledge']);
  });

  it('keeps a ward officer to their ward in the list, the reports, the exports and the unit report figures', async () => {
    const bId = newId();
    expect((await saveDraft('principalB', f.schoolB, 'term1', bId)).statusCode).toBe(201);
    await app.inject({ method: 'POST', url: `/api/reports/${bId}/submit`, headers: h.principalB });

    const list = ReportListResponseSchema.parse(
      (await app.inject({ method: 'GET', url: `/api/reports?unitId=${f.communeA}&schoolYearId=${f.schoolYear}`, headers: h.officerCommuneA })).json(),
    );
    expect(list.reports.length).toBeGreaterThan(0);
    expect(new Set(list.reports.map((r) => r.unitId))).toEqual(new Set([f.schoolA]));
    expect(list.reports.every((r) => r.status !== 'draft')).toBe(true);
    for (const url of [`/api/reports/${bId}`, `/api/reports/${bId}/xlsx`, `/api/reports?unitId=${f.communeB}`]) {
      expect((await app.inject({ method: 'GET', url, headers: h.officerCommuneA })).statusCode, url).toBe(404);
    }
    // The Sở sees school B's submitted report.
    const dept = ReportListResponseSchema.parse(
      (await app.inject({ method: 'GET', url: `/api/reports?unitId=${f.department}`, headers: h.officerDept })).json(),
    );
    expect(dept.reports.map((r) => r.id)).toContain(bId);

    // The ward's own report counts only the ward's schools: school B's drill is not in it.
    const ward = await saveDraft('officerCommuneA', f.communeA, 'term1');
    expect(ward.statusCode, ward.body).toBe(201);
    const wardReport = ward.json() as Report;
    expect(wardReport.figures.drills.map((d) => d.schoolId)).toEqual([f.schoolA]);
    expect(wardReport.figures.sessionsHeld).toBe(2);
    expect(wardReport.figures.schools.map((s) => s.schoolId)).toEqual([f.schoolA]);
    // …and a ward officer cannot write a school's report nor another ward's.
    expect((await saveDraft('officerCommuneA', f.schoolA, 'term1')).statusCode).toBe(404);
    expect((await saveDraft('officerCommuneA', f.communeB, 'term1')).statusCode).toBe(404);
  });

  it('validates input and saves nothing on a bad request', async () => {
    const id = newId();
    const res = await app.inject({
      method: 'PUT',
      url: `/api/reports/${id}`,
      headers: h.principalA,
      payload: { unitId: f.schoolA, schoolYearId: f.schoolYear, kind: 'term2', notableResults: 'x' },
    });
    expect(res.statusCode).toBe(400);
    expect((res.json() as { fields: { field: string }[] }).fields.map((x) => x.field)).toEqual(['kind']);
    expect(await db.kysely.selectFrom('reports').select('id').where('id', '=', id).executeTakeFirst()).toBeUndefined();
  });
});
