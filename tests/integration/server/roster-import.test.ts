import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImportBatchView } from '../../../src/shared/roster-import';
import { buildTestApp, signIn } from '../../helpers/app';
import { testDbKinds, type TestDb } from '../../helpers/db';
import { createFixture, type Fixture } from '../../helpers/fixtures';
import {
  PARENT_GIVEN,
  rawXlsx,
  staffRecords,
  staffWorkbook,
  studentCsv,
  studentRecords,
  studentWorkbook,
  zipBomb,
  type StudentRecord,
} from '../../fixtures/roster/make-fixtures';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

interface Applied extends ImportBatchView {
  result: { created: number; updated: number; left: number; classesCreated: number; skipped: number } | null;
}

describe.each(testDbKinds())('roster import on $kind', ({ open }) => {
  let db: TestDb;
  let app: FastifyInstance;
  let f: Fixture;
  let principal: Record<string, string>;

  beforeAll(async () => {
    db = await open();
    f = await createFixture(db.kysely);
    app = await buildTestApp(db);
    await app.ready();
    principal = await signIn(app, 'principala');
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  async function upload(bytes: Buffer, kind: 'students' | 'staff' = 'students', contentType: string | null = XLSX, schoolId = f.schoolA) {
    return app.inject({
      method: 'POST',
      url: `/api/schools/${schoolId}/imports?kind=${kind}&schoolYearId=${f.schoolYear}`,
      headers: { ...principal, ...(contentType ? { 'content-type': contentType } : {}) },
      payload: bytes,
    });
  }
  async function preview(bytes: Buffer, kind: 'students' | 'staff' = 'students', contentType: string | null = XLSX) {
    const res = await upload(bytes, kind, contentType);
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as ImportBatchView;
  }
  async function apply(id: string, confirm: boolean) {
    return app.inject({ method: 'POST', url: `/api/imports/${id}/apply`, headers: principal, payload: { confirm } });
  }
  const streamVersion = async () =>
    (await db.kysely.selectFrom('stream_versions').select('version').where('stream', '=', f.schoolA).executeTakeFirstOrThrow()).version;
  const people = (kind: string) =>
    db.kysely
      .selectFrom('persons')
      .select(['id', 'code', 'full_name', 'class_id', 'birth_year', 'sex', 'status', 'left_on', 'joined_on', 'role_tags', 'version'])
      .where('school_id', '=', f.schoolA)
      .where('kind', '=', kind)
      .where('code', 'is not', null)
      .execute();
  const count = async (table: 'persons' | 'classes') =>
    Number((await sql<{ n: number }>`select count(*) as n from ${sql.table(table)}`.execute(db.kysely)).rows[0]!.n);

  const records = studentRecords(2000, 3);

  it('imports 2,000 students: a preview first that changes nothing, then apply, and devices pull them', async () => {
    const file = await studentWorkbook(records);
    const before = { persons: await count('persons'), classes: await count('classes'), version: await streamVersion() };
    const started = performance.now();
    const view = await preview(file);
    expect(view.summary).toMatchObject({ create: 2000, update: 0, leave: 0, unchanged: 0, errors: 0, total: 2000 });
    expect(view.sheet).toBe('C1-HocSinh');
    // School A already has 5A1 (the fixture's class): it is matched, not created again.
    expect(view.classesToCreate.length).toBe(new Set(records.map((r) => r.className)).size - 1);
    expect(view.classesToCreate.map((c) => c.name)).not.toContain('5A1');
    expect(view.classesToCreate.find((c) => c.name === '3A1')).toEqual({ name: '3A1', grade: 3 });
    expect(view.rows).toHaveLength(2000);
    expect(await count('persons')).toBe(before.persons);
    expect(await count('classes')).toBe(before.classes);

    const res = await apply(view.id, false);
    expect(res.statusCode, res.body).toBe(200);
    const applied = res.json() as Applied;
    const elapsed = performance.now() - started;
    expect(applied.status).toBe('applied');
    expect(applied.result).toMatchObject({ created: 2000, updated: 0, left: 0, skipped: 0 });
    expect(elapsed).toBeLessThan(20_000);
    const rows = await people('student');
    expect(rows).toHaveLength(2000);
    expect(new Set(rows.map((r) => r.code)).size).toBe(2000);
    const first = rows.find((r) => r.code === records[0]!.code)!;
    expect(first).toMatchObject({ full_name: records[0]!.fullName, birth_year: Number(records[0]!.birthDate.slice(-4)), status: 'active' });
    const transferred = records.find((r) => r.status === 'Chuyển đến')!;
    expect(rows.find((r) => r.code === transferred.code)!.joined_on).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    // Every new row took its own version of the school's stream.
    expect(await streamVersion()).toBe(before.version + 2000 + applied.classesToCreate.length);
    expect(await count('classes')).toBe(before.classes + applied.classesToCreate.length);

    // A teacher's device pulls the new students.
    const teacher = await signIn(app, 'teachera');
    let cursor: string | undefined;
    const pulled = new Set<string>();
    for (let page = 0; page < 10; page++) {
      const pull = await app.inject({
        method: 'GET',
        url: `/api/sync/pull?limit=5000&clientId=test-device-import${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        headers: teacher,
      });
      expect(pull.statusCode, pull.body).toBe(200);
      const body = pull.json() as { changes: { entity: string; row: { code?: string } }[]; cursor: string; hasMore: boolean };
      for (const c of body.changes) if (c.entity === 'person' && c.row.code) pulled.add(c.row.code);
      cursor = body.cursor;
      if (!body.hasMore) break;
    }
    expect(records.every((r) => pulled.has(r.code))).toBe(true);

    // Applying again answers what was done, and does nothing more.
    const again = await apply(view.id, true);
    expect(again.statusCode).toBe(200);
    expect((again.json() as Applied).result).toEqual(applied.result);
    expect(await count('persons')).toBe(before.persons + 2000);
  });

  it('re-importing the same file changes nothing; a changed file updates by code, marks leavers, never duplicates', async () => {
    const version = await streamVersion();
    const same = await preview(await studentWorkbook(records));
    expect(same.summary).toMatchObject({ create: 0, update: 0, leave: 0, unchanged: 2000, errors: 0 });
    expect(same.classesToCreate).toEqual([]);
    expect((await apply(same.id, false)).statusCode).toBe(200);
    expect(await streamVersion()).toBe(version);

    const changed: StudentRecord[] = records.map((r) => ({ ...r }));
    changed[0]!.fullName = 'Nguyễn Thị Đổi Tên';
    changed[1]!.className = changed[1]!.className === '1A1' ? '1A2' : '1A1';
    changed[2]!.status = 'Chuyển đi';
    changed[3]!.status = 'Thôi học';
    const removed = changed.splice(10, 5);
    changed.push(...studentRecords(4, 9).map((r) => ({ ...r, className: '5A20' })));
    const file = await studentWorkbook(changed);
    const view = await preview(file);
    expect(view.summary).toMatchObject({ create: 4, update: 2, leave: 2 + 5, unchanged: 2000 - 9, errors: 0 });
    expect(view.absent.map((a) => a.code).sort()).toEqual(removed.map((r) => r.code).sort());
    expect(view.absent.find((a) => a.code === removed[0]!.code)?.className).toBe(removed[0]!.className);
    expect(view.classesToCreate).toEqual([{ name: '5A20', grade: 5 }]);
    const applied = (await apply(view.id, false)).json() as Applied;
    expect(applied.result).toMatchObject({ created: 4, updated: 2, left: 7, classesCreated: 1 });

    const rows = await people('student');
    expect(rows).toHaveLength(2004);
    expect(new Set(rows.map((r) => r.code)).size).toBe(2004);
    const byCode = new Map(rows.map((r) => [r.code, r]));
    expect(byCode.get(records[0]!.code)!.full_name).toBe('Nguyễn Thị Đổi Tên');
    for (const r of [records[2]!, records[3]!, ...removed]) {
      expect(byCode.get(r.code)).toMatchObject({ status: 'left' });
      expect(byCode.get(r.code)!.left_on).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
    expect(await streamVersion()).toBe(version + 4 + 2 + 7 + 1);

    // The same changed file once more: idempotent.
    const version2 = await streamVersion();
    const again = await preview(file);
    expect(again.summary).toMatchObject({ create: 0, update: 0, leave: 0, unchanged: changed.length, errors: 0 });
    await apply(again.id, false);
    expect(await streamVersion()).toBe(version2);
    expect(await people('student')).toHaveLength(2004);

    // Someone who left and comes back in a later export is active again.
    const back = await preview(await studentWorkbook([...changed, removed[0]!]));
    expect(back.summary).toMatchObject({ update: 1, create: 0, leave: 0 });
    await apply(back.id, false);
    const returned = (await people('student')).find((r) => r.code === removed[0]!.code)!;
    expect(returned).toMatchObject({ status: 'active', left_on: null });
  });

  it("a one-class export marks as left only that class's missing students, never the rest of the school", async () => {
    const current = (await people('student')).filter((r) => r.status === 'active');
    const classOf = new Map(current.map((r) => [r.code, r.class_id]));
    const oneClass = records.filter((r) => classOf.get(r.code) === classOf.get(records[0]!.code));
    expect(oneClass.length).toBeGreaterThan(2);
    const [gone, ...stay] = oneClass;
    const view = await preview(await studentWorkbook(stay));
    expect(view.absent.map((a) => a.code)).toEqual([gone!.code]);
    expect(view.summary).toMatchObject({ leave: 1, create: 0 });
  });

  it('applies nothing from a file with bad rows until confirmed, and reports each bad row', async () => {
    // In the fixture's class 5A1, so that only the last row names a class the school does not have.
    const good = studentRecords(6, 11).map((r) => ({ ...r, className: '5A1' }));
    const rows: StudentRecord[] = [
      ...good,
      { ...good[0]!, code: 'HS-BAD-NAME', fullName: '' },
      { ...good[0]!, code: 'HS-BAD-DATE', birthDate: '31/02/2016' },
      { ...good[0]!, code: '', fullName: 'Không Có Mã' },
      { ...good[0]!, code: 'HS-NEW-CLASS', className: '4A30' },
    ];
    const csv = studentCsv(rows);
    const before = { persons: await count('persons'), classes: await count('classes'), version: await streamVersion() };
    const view = await preview(csv, 'students', 'text/csv');
    expect(view.summary).toMatchObject({ create: 7, errors: 3, total: 10 });
    // Problem rows first, with their line in the file (line 1 is the header).
    expect(view.rows.slice(0, 4).map((r) => [r.line, r.problems, r.action])).toEqual([
      [8, ['missingName'], 'skip'],
      [9, ['badBirthDate'], 'skip'],
      [10, ['missingCode'], 'skip'],
      [11, ['newClass'], 'create'],
    ]);
    expect(view.classesToCreate.map((c) => c.name)).toContain('4A30');

    const refused = await apply(view.id, false);
    expect(refused.statusCode).toBe(409);
    expect((refused.json() as { message: string }).message).toMatch(/3 dòng lỗi/);
    expect({ persons: await count('persons'), classes: await count('classes'), version: await streamVersion() }).toEqual(before);
    const got = await app.inject({ method: 'GET', url: `/api/imports/${view.id}`, headers: principal });
    expect((got.json() as ImportBatchView).status).toBe('previewed');

    const confirmed = await apply(view.id, true);
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    expect((confirmed.json() as Applied).result).toMatchObject({ created: 7, skipped: 3 });
    const codes = new Set((await people('student')).map((p) => p.code));
    expect(codes.has('HS-NEW-CLASS')).toBe(true);
    expect(codes.has('HS-BAD-NAME') || codes.has('HS-BAD-DATE')).toBe(false);
  });

  it('never reads parent, address, ethnicity, disability or national id columns into the preview or the database', async () => {
    const recs = studentRecords(40, 21);
    recs[0]!.disability = 'Khuyết tật nghe nói';
    const res = await upload(await studentWorkbook(recs));
    const view = res.json() as ImportBatchView;
    await apply(view.id, true);
    const secrets = recs.flatMap((r) => [r.address, r.fatherName, r.motherName, r.parentPhone, r.nationalId, r.disability].filter(Boolean));
    const ethnicity = /\b(Tày|Mường|Thái|Nùng)\b/;
    const dump = JSON.stringify([
      await db.kysely.selectFrom('persons').selectAll().execute(),
      await db.kysely.selectFrom('classes').selectAll().execute(),
      await db.kysely.selectFrom('import_batches').selectAll().execute(),
      await db.kysely.selectFrom('audit_log').selectAll().execute(),
    ]);
    for (const text of [res.body, dump]) {
      for (const s of secrets) expect(text.includes(s), s).toBe(false);
      for (const given of PARENT_GIVEN) expect(text.includes(given), given).toBe(false);
      expect(text).not.toMatch(ethnicity);
      expect(text).not.toMatch(/ngõ \d+ phố/);
    }
    expect(view.droppedColumns).toEqual(
      expect.arrayContaining(['Dân tộc', 'Địa chỉ thường trú', 'Họ tên cha', 'Họ tên mẹ', 'Số CCCD', 'Khuyết tật']),
    );
    // The audit entry has counts, no names.
    const audit = await db.kysely.selectFrom('audit_log').select('details').where('action', '=', 'roster.import').execute();
    expect(audit.length).toBeGreaterThan(0);
    for (const a of audit) expect(Object.keys(JSON.parse(a.details ?? '{}') as object).sort()).toEqual(['classesCreated', 'created', 'kind', 'left', 'skipped', 'updated']);
  });

  it('imports the 72-column staff export with role tags; re-import marks the retired as left', async () => {
    const staff = staffRecords(30, 5);
    const view = await preview(await staffWorkbook(staff), 'staff');
    expect(view.summary).toMatchObject({ create: 30, errors: 0 });
    expect(view.droppedColumns).toEqual(expect.arrayContaining(['Email', 'Số CCCD', 'Tình trạng hôn nhân', 'Dân tộc']));
    await apply(view.id, false);
    const rows = await people('staff');
    const tags = (code: string) => JSON.parse(rows.find((r) => r.code === code)!.role_tags) as string[];
    expect(tags(staff[0]!.code)).toEqual(['principal']);
    expect(tags(staff[1]!.code)).toEqual(['vice_principal']);
    expect(tags(staff[3]!.code).sort()).toEqual(['teacher', 'youth_leader']);
    expect(tags(staff[4]!.code)).toEqual(['employee']);
    expect(tags(staff[10]!.code)).toEqual(['teacher']);
    // Students are untouched by a staff import.
    const students = (await people('student')).filter((p) => p.status === 'active').length;

    staff[10]!.status = 'Nghỉ hưu';
    const again = await preview(await staffWorkbook(staff), 'staff');
    expect(again.summary).toMatchObject({ leave: 1, unchanged: 29 });
    await apply(again.id, false);
    expect((await people('staff')).find((r) => r.code === staff[10]!.code)!.status).toBe('left');
    expect((await people('student')).filter((p) => p.status === 'active').length).toBe(students);
  });

  it('refuses bad files with clear errors and stays up', async () => {
    const message = (res: { json(): unknown }) => (res.json() as { message: string }).message;
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52]);
    const notExcel = await upload(png, 'students', 'application/octet-stream');
    expect(notExcel.statusCode).toBe(415);
    expect(message(notExcel)).toMatch(/Excel/);

    const empty = await upload(Buffer.alloc(0), 'students', XLSX);
    expect(empty.statusCode).toBe(422);
    expect(message(empty)).toMatch(/rỗng/);

    const bomb = await upload(zipBomb(64));
    expect(bomb.statusCode).toBe(422);

    const big = rawXlsx(['Mã học sinh', 'Họ và tên', 'Mã lớp'], 100_000, (r, c) => (c === 0 ? `HS${r}` : c === 1 ? 'Nguyễn Văn An' : '1A1'));
    const huge = await upload(big);
    expect(huge.statusCode).toBe(413);
    expect(message(huge)).toMatch(/dòng/);

    const wrongKind = await upload(await staffWorkbook(staffRecords(3)), 'students');
    expect(wrongKind.statusCode).toBe(422);
    expect(message(wrongKind)).toMatch(/Mã học sinh/);

    const textPlain = await upload(studentCsv(studentRecords(3)), 'students', 'text/plain');
    expect(textPlain.statusCode).toBe(415);
    const overLimit = await upload(Buffer.alloc(21 * 1024 * 1024, 0x41), 'students', 'text/csv');
    expect(overLimit.statusCode).toBe(413);

    // A CSV without a content type is sniffed and read.
    const sniffed = await upload(studentCsv(studentRecords(3, 31)), 'students', null);
    expect(sniffed.statusCode, sniffed.body).toBe(201);

    const health = await app.inject({ method: 'GET', url: '/api/health' });
    expect(health.statusCode).toBe(200);
    // Generating the bomb and the 100,000-row workbook takes a few seconds on a busy machine.
  }, 90_000);

  it('refuses a teacher and answers other schools as not found', async () => {
    const teacher = await signIn(app, 'teachera');
    const csv = studentCsv(studentRecords(3, 41));
    const url = `/api/schools/${f.schoolA}/imports?kind=students&schoolYearId=${f.schoolYear}`;
    const res = await app.inject({ method: 'POST', url, headers: { ...teacher, 'content-type': 'text/csv' }, payload: csv });
    expect(res.statusCode).toBe(404);
    const other = await upload(csv, 'students', 'text/csv', f.schoolB);
    expect(other.statusCode).toBe(404);
    const unknownYear = await app.inject({
      method: 'POST',
      url: `/api/schools/${f.schoolA}/imports?kind=students&schoolYearId=${f.schoolA}`,
      headers: { ...principal, 'content-type': 'text/csv' },
      payload: csv,
    });
    expect(unknownYear.statusCode).toBe(400);
    expect((unknownYear.json() as { fields: { field: string }[] }).fields.map((x) => x.field)).toEqual(['schoolYearId']);
  });

  it('applies a preview once when two applies race', async () => {
    const recs = studentRecords(30, 51).map((r) => ({ ...r, className: '5A1' }));
    const view = await preview(studentCsv(recs), 'students', 'text/csv');
    const before = await streamVersion();
    const [a, b] = await Promise.all([apply(view.id, true), apply(view.id, true)]);
    expect([a.statusCode, b.statusCode]).toEqual([200, 200]);
    expect((a.json() as Applied).result).toEqual((b.json() as Applied).result);
    const codes = (await people('student')).map((p) => p.code).filter((c) => recs.some((r) => r.code === c));
    expect(codes).toHaveLength(30);
    // 30 created, the 2,000-row school's other students marked as left: each change once.
    const result = (a.json() as Applied).result!;
    expect(await streamVersion()).toBe(before + result.created + result.updated + result.left + result.classesCreated);
  });
});
