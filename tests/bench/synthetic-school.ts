import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../src/server/db/schema';
import { reserveVersions } from '../../src/server/db/versions';
import { hashPassword } from '../../src/server/auth/passwords';
import { newId } from '../../src/shared/domain/ids';
import { seededRandom } from '../helpers/fault-proxy';

export interface SyntheticSchool {
  schoolId: string;
  departmentId: string;
  /** Past sessions, with a mark for every student. */
  sessionIds: string[];
  /** Planned sessions for the whole school with nobody marked yet (`emptySessions`), soonest first. */
  emptySessionIds: string[];
  studentIds: string[];
  teacherUsername: string;
  password: string;
  rows: number;
}

const FAMILY = ['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Hoàng', 'Vũ', 'Đặng', 'Bùi', 'Đỗ', 'Ngô'];
const MIDDLE = ['Văn', 'Thị', 'Minh', 'Ngọc', 'Đức', 'Thu', 'Gia', 'Bảo'];
const GIVEN = ['An', 'Bình', 'Chi', 'Dũng', 'Hà', 'Hải', 'Lan', 'Long', 'Mai', 'Nam', 'Phúc', 'Quân', 'Trang', 'Vy'];

type Row = Record<string, unknown>;

/** Inserts rows in chunks that stay under both databases' limits on bound parameters. */
async function insertChunked(trx: Transaction<Database>, table: keyof Database, rows: Row[]): Promise<void> {
  if (rows.length === 0) return;
  const perRow = Object.keys(rows[0]!).length;
  const size = Math.max(1, Math.floor(30_000 / perRow));
  for (let i = 0; i < rows.length; i += size) {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    await trx.insertInto(table).values(rows.slice(i, i + size) as any).execute();
  }
}

/**
 * One large school with a school year of records, for benchmarks: `students` students in classes of 40, one parent
 * each, staff, `sessions` past sessions with attendance for the whole audience, commitments. The department above it
 * is created too. `emptySessions` more sessions for every student are planned in the days ahead with nobody marked,
 * for benchmarks that take attendance. Deterministic for a given seed (ids and dates aside).
 */
export async function createSyntheticSchool(
  db: Kysely<Database>,
  {
    students = 2000,
    sessions = 17,
    emptySessions = 0,
    seed = 1,
  }: { students?: number; sessions?: number; emptySessions?: number; seed?: number } = {},
): Promise<SyntheticSchool> {
  const rnd = seededRandom(seed);
  const pick = <T>(list: T[]) => list[Math.floor(rnd() * list.length)]!;
  const now = new Date().toISOString();
  const departmentId = newId();
  const schoolId = newId();
  const schoolYearId = newId();
  const activityTypeId = newId();
  const password = 'bench-password-1';
  const passwordHash = await hashPassword(password);
  let rows = 0;

  const result = await db.transaction().execute(async (trx) => {
    const versions = async (stream: string, n: number) => {
      let next = await reserveVersions(trx, stream, n);
      return () => next++;
    };
    const dv = await versions(departmentId, 4);
    await insertChunked(trx, 'units', [
      { id: departmentId, kind: 'department', name: 'Sở GDĐT (bench)', code: null, parent_id: null, cluster_id: null, school_level: null, status: 'active', created_at: now, updated_at: now, stream: departmentId, version: dv() },
      { id: schoolId, kind: 'school', name: 'Trường THCS Thử Tải', code: null, parent_id: departmentId, cluster_id: null, school_level: 'thcs', status: 'active', created_at: now, updated_at: now, stream: departmentId, version: dv() },
    ]);
    await insertChunked(trx, 'school_years', [
      { id: schoolYearId, department_id: departmentId, label: '2025-2026', start_date: '2025-09-05', end_date: '2026-05-31', stream: departmentId, version: dv() },
    ]);
    await insertChunked(trx, 'terms', [
      { id: newId(), school_year_id: schoolYearId, no: 1, name: 'Học kỳ I', start_date: '2025-09-05', end_date: '2026-01-17' },
      { id: newId(), school_year_id: schoolYearId, no: 2, name: 'Học kỳ II', start_date: '2026-01-19', end_date: '2026-05-31' },
    ]);
    await insertChunked(trx, 'activity_types', [
      { id: activityTypeId, owner_unit_id: departmentId, code: 'legal_education', name: 'Tuyên truyền pháp luật', name_en: 'Legal education', scenarios: '[]', audiences: '["staff","students","parents"]', indicators: '["staff_legal_education"]', carries_commitment: 0, carries_periods: 0, stream: departmentId, version: dv() },
    ]);
    rows += 4;

    const classCount = Math.ceil(students / 40);
    const staffCount = classCount * 2 + 10;
    const sessionRows: Row[] = [];
    const attendanceRows: Row[] = [];
    const commitmentRows: Row[] = [];
    const total = classCount + students * 2 + staffCount + sessions + emptySessions;
    const sv = await versions(schoolId, total + students * sessions + students);

    const classRows: Row[] = [];
    for (let c = 0; c < classCount; c++) {
      const grade = 6 + (c % 4);
      classRows.push({ id: newId(), school_id: schoolId, school_year_id: schoolYearId, grade, name: `${grade}A${Math.floor(c / 4) + 1}`, code: null, homeroom_person_id: null, status: 'active', stream: schoolId, version: sv() });
    }
    const person = (kind: string, classId: string | null, tags: string[]) => ({
      id: newId(), school_id: schoolId, kind, full_name: `${pick(FAMILY)} ${pick(MIDDLE)} ${pick(GIVEN)}`, code: null,
      birth_year: kind === 'student' ? 2012 : 1980, sex: rnd() < 0.5 ? 'male' : 'female', class_id: classId,
      role_tags: JSON.stringify(tags), status: 'active', created_at: now, updated_at: now, stream: schoolId, version: sv(),
    });
    const studentRows = Array.from({ length: students }, (_, i) => person('student', classRows[i % classCount]!.id as string, []));
    const parentRows = studentRows.map(() => person('parent', null, []));
    const linkRows = studentRows.map((s, i) => ({ id: newId(), school_id: schoolId, parent_id: parentRows[i]!.id, student_id: s.id }));
    const staffRows = Array.from({ length: staffCount }, (_, i) => person('staff', null, [i === 0 ? 'principal' : 'teacher']));
    for (let s = 0; s < sessions; s++) {
      const id = newId();
      const day = new Date(Date.UTC(2025, 8, 8 + s * 14, 1, 0));
      sessionRows.push({ id, school_id: schoolId, scope_unit_id: schoolId, school_year_id: schoolYearId, activity_type_id: activityTypeId, scenario_code: null, title: `Buổi tuyên truyền số ${s + 1}`, starts_at: day.toISOString(), ends_at: new Date(day.getTime() + 3600_000).toISOString(), place: 'Hội trường', audience: JSON.stringify({ classIds: [], grades: [6, 7, 8, 9], staff: false, youthStaffOnly: false, parents: false }), facilitator_person_id: null, trainer_user_id: null, material_ids: '[]', periods: null, status: 'done', revision: 0, created_by: departmentId, created_at: now, updated_at: now, stream: schoolId, version: sv() });
      for (const st of studentRows) {
        const r = rnd();
        attendanceRows.push({ id: newId(), school_id: schoolId, session_id: id, person_id: st.id, status: r < 0.9 ? 'present' : r < 0.95 ? 'late' : 'absent', note: null, marked_by: departmentId, marked_at: day.toISOString(), stream: schoolId, version: sv() });
      }
    }
    const emptySessionIds: string[] = [];
    const today = new Date();
    for (let s = 0; s < emptySessions; s++) {
      const id = newId();
      emptySessionIds.push(id);
      const day = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() + 1 + s, 1, 0));
      sessionRows.push({ id, school_id: schoolId, scope_unit_id: schoolId, school_year_id: schoolYearId, activity_type_id: activityTypeId, scenario_code: null, title: `Buổi tuyên truyền sắp tới số ${s + 1}`, starts_at: day.toISOString(), ends_at: new Date(day.getTime() + 3600_000).toISOString(), place: 'Sân trường', audience: JSON.stringify({ classIds: [], grades: [6, 7, 8, 9], staff: false, youthStaffOnly: false, parents: false }), facilitator_person_id: null, trainer_user_id: null, material_ids: '[]', periods: null, status: 'planned', revision: 0, created_by: departmentId, created_at: now, updated_at: now, stream: schoolId, version: sv() });
    }
    for (const st of studentRows) {
      commitmentRows.push({ id: newId(), school_id: schoolId, school_year_id: schoolYearId, person_id: st.id, kind: 'student_traffic', signed_by: 'self', signer_person_id: null, method: 'paper', signature_hash: null, signed_at: '2025-09-15T02:00:00.000Z', device_id: null, stream: schoolId, version: sv() });
    }
    await insertChunked(trx, 'classes', classRows);
    await insertChunked(trx, 'persons', [...studentRows, ...parentRows, ...staffRows]);
    await insertChunked(trx, 'person_links', linkRows);
    await insertChunked(trx, 'sessions', sessionRows);
    await insertChunked(trx, 'attendance', attendanceRows);
    await insertChunked(trx, 'commitments', commitmentRows);
    rows += classRows.length + studentRows.length * 2 + staffRows.length + sessionRows.length + attendanceRows.length + commitmentRows.length;

    const userId = newId();
    await insertChunked(trx, 'users', [{ id: userId, username: 'bench.teacher', display_name: 'Giáo viên thử tải', password_hash: passwordHash, person_id: staffRows[1]!.id, active: 1, must_change_password: 0, created_at: now, updated_at: now }]);
    await insertChunked(trx, 'role_grants', [{ id: newId(), user_id: userId, role: 'principal', unit_id: schoolId, created_at: now }]);
    const empty = new Set(emptySessionIds);
    return {
      sessionIds: sessionRows.map((s) => s.id as string).filter((id) => !empty.has(id)),
      emptySessionIds,
      studentIds: studentRows.map((s) => s.id),
    };
  });
  return { schoolId, departmentId, ...result, teacherUsername: 'bench.teacher', password, rows };
}
