import type { Kysely } from 'kysely';
import type { Database } from '../../src/server/db/schema';
import { reserveVersions } from '../../src/server/db/versions';
import { recordAssignments } from '../../src/server/sync/trainer-view';
import { randomBytes } from 'node:crypto';
import { hashPassword } from '../../src/server/auth/passwords';
import { hashToken } from '../../src/server/auth/auth-service';
import { newId } from '../../src/shared/domain/ids';
import type { Role } from '../../src/shared/auth';
import { createFixtureMaterials, type FixtureMaterials } from './material-files';
import { createFixtureReports, type FixtureReports } from './report-fixtures';
import { createFixtureOrg, type FixtureOrg } from './org-fixtures';
import { createFixtureImports, type FixtureImports } from './import-fixtures';

/**
 * A small organisation for server tests, independent of the demo data:
 *   department ─┬─ communeA ── schoolA (th)   ┐
 *               ├─ communeB ── schoolB (thcs)  ├ cluster (schoolA, schoolC)
 *               ├─ cluster                    │
 *               └─ schoolC (thpt) ────────────┘
 * Each school has one class with `studentsPerSchool` students, two staff and one planned session.
 * Users (password PASSWORD): one per role and scope, named in `users`.
 */
export const PASSWORD = 'test-password-1';

export interface Fixture {
  department: string;
  communeA: string;
  communeB: string;
  cluster: string;
  schoolA: string;
  schoolB: string;
  schoolC: string;
  schoolYear: string;
  activityType: string;
  classes: Record<'A' | 'B' | 'C', string>;
  students: Record<'A' | 'B' | 'C', string[]>;
  staff: Record<'A' | 'B' | 'C', string[]>;
  sessions: Record<'A' | 'B' | 'C', string>;
  /** username → user id */
  users: Record<FixtureUser, string>;
  /** username → the secret token of the user's iCalendar feed (GET /api/calendar/feed/:token). */
  calendarFeeds: Record<FixtureUser, string>;
  /** Material ids: school A's own and one in the department's library (tests/helpers/material-files.ts). */
  materials: FixtureMaterials;
  /** Report ids of school A (tests/helpers/report-fixtures.ts). */
  reports: FixtureReports;
  /** Erasable people and a spare staff account of school A (tests/helpers/org-fixtures.ts). */
  org: FixtureOrg;
  /** A roster import of school A waiting for confirmation (tests/helpers/import-fixtures.ts). */
  imports: FixtureImports;
}

export type FixtureUser =
  | 'teacherA'
  | 'principalA'
  | 'teacherB'
  | 'principalB'
  | 'teacherC'
  | 'officerCommuneA'
  | 'officerCluster'
  | 'officerDept'
  | 'trainer'
  | 'admin'
  | 'nobody';

const now = () => new Date().toISOString();

export async function createFixture(db: Kysely<Database>, studentsPerSchool = 5): Promise<Fixture> {
  const id = () => newId();
  const f = {
    department: id(),
    communeA: id(),
    communeB: id(),
    cluster: id(),
    schoolA: id(),
    schoolB: id(),
    schoolC: id(),
    schoolYear: id(),
    activityType: id(),
  };
  const passwordHash = await hashPassword(PASSWORD);
  return db.transaction().execute(async (trx) => {
    const unit = async (
      uid: string,
      kind: string,
      name: string,
      parent: string | null,
      cluster: string | null,
      level: string | null,
    ) => {
      const stream = parent ?? uid;
      await trx
        .insertInto('units')
        .values({
          id: uid,
          kind,
          name,
          code: null,
          parent_id: parent,
          cluster_id: cluster,
          school_level: level,
          status: 'active',
          created_at: now(),
          updated_at: now(),
          stream,
          version: await reserveVersions(trx, stream),
        })
        .execute();
    };
    await unit(f.department, 'department', 'Sở GDĐT (test)', null, null, null);
    await unit(f.communeA, 'commune', 'Phường A', f.department, null, null);
    await unit(f.communeB, 'commune', 'Phường B', f.department, null, null);
    await unit(f.cluster, 'cluster', 'Cụm 1', f.department, null, null);
    await unit(f.schoolA, 'school', 'Trường Tiểu học A', f.communeA, f.cluster, 'th');
    await unit(f.schoolB, 'school', 'Trường THCS B', f.communeB, null, 'thcs');
    await unit(f.schoolC, 'school', 'Trường THPT C', f.department, f.cluster, 'thpt');

    await trx
      .insertInto('school_years')
      .values({
        id: f.schoolYear,
        department_id: f.department,
        label: '2025-2026',
        start_date: '2025-09-05',
        end_date: '2026-05-31',
        stream: f.department,
        version: await reserveVersions(trx, f.department),
      })
      .execute();
    // A school year always has its terms (the shared SchoolYearSchema requires at least one).
    await trx
      .insertInto('terms')
      .values([
        { id: id(), school_year_id: f.schoolYear, no: 1, name: 'Học kỳ I', start_date: '2025-09-05', end_date: '2026-01-15' },
        { id: id(), school_year_id: f.schoolYear, no: 2, name: 'Học kỳ II', start_date: '2026-01-19', end_date: '2026-05-31' },
      ])
      .execute();
    await trx
      .insertInto('activity_types')
      .values({
        id: f.activityType,
        owner_unit_id: f.department,
        code: 'legal_education',
        name: 'Tuyên truyền pháp luật',
        name_en: 'Legal education',
        scenarios: '[]',
        audiences: '["staff","students"]',
        indicators: '["staff_legal_education"]',
        carries_commitment: 0,
        carries_periods: 0,
        stream: f.department,
        version: await reserveVersions(trx, f.department),
      })
      .execute();

    const classes = {} as Fixture['classes'];
    const students = {} as Fixture['students'];
    const staff = {} as Fixture['staff'];
    const sessions = {} as Fixture['sessions'];
    for (const [key, school] of [
      ['A', f.schoolA],
      ['B', f.schoolB],
      ['C', f.schoolC],
    ] as const) {
      const classId = id();
      classes[key] = classId;
      await trx
        .insertInto('classes')
        .values({
          id: classId,
          school_id: school,
          school_year_id: f.schoolYear,
          grade: key === 'C' ? 10 : 5,
          name: `${key === 'C' ? 10 : 5}A1`,
          code: null,
          homeroom_person_id: null,
          status: 'active',
          stream: school,
          version: await reserveVersions(trx, school),
        })
        .execute();
      const person = async (kind: string, name: string, classRef: string | null, tags: string[]) => {
        const pid = id();
        await trx
          .insertInto('persons')
          .values({
            id: pid,
            school_id: school,
            kind,
            full_name: name,
            code: null,
            birth_year: kind === 'student' ? 2015 : 1985,
            sex: null,
            class_id: classRef,
            role_tags: JSON.stringify(tags),
            status: 'active',
            created_at: now(),
            updated_at: now(),
            stream: school,
            version: await reserveVersions(trx, school),
          })
          .execute();
        return pid;
      };
      students[key] = [];
      for (let i = 0; i < studentsPerSchool; i++) students[key].push(await person('student', `Học sinh ${key}${i}`, classId, []));
      staff[key] = [await person('staff', `Hiệu trưởng ${key}`, null, ['principal']), await person('staff', `Giáo viên ${key}`, null, ['homeroom'])];
      const sessionId = id();
      sessions[key] = sessionId;
      await trx
        .insertInto('sessions')
        .values({
          id: sessionId,
          school_id: school,
          scope_unit_id: school,
          school_year_id: f.schoolYear,
          activity_type_id: f.activityType,
          scenario_code: null,
          title: `Tuyên truyền pháp luật ${key}`,
          starts_at: '2025-10-01T01:00:00.000Z',
          ends_at: '2025-10-01T02:00:00.000Z',
          place: null,
          audience: JSON.stringify({ classIds: [classId], grades: [], staff: true, youthStaffOnly: false, parents: false }),
          facilitator_person_id: null,
          trainer_user_id: null,
          material_ids: '[]',
          periods: null,
          status: 'planned',
          revision: 0,
          created_by: f.department,
          created_at: now(),
          updated_at: now(),
          stream: school,
          version: await reserveVersions(trx, school),
        })
        .execute();
    }

    const grants: Record<FixtureUser, [Role, string] | null> = {
      teacherA: ['teacher', f.schoolA],
      principalA: ['principal', f.schoolA],
      teacherB: ['teacher', f.schoolB],
      principalB: ['principal', f.schoolB],
      teacherC: ['teacher', f.schoolC],
      officerCommuneA: ['officer', f.communeA],
      officerCluster: ['officer', f.cluster],
      officerDept: ['officer', f.department],
      trainer: ['trainer', f.department],
      admin: ['admin', f.department],
      nobody: null,
    };
    const users = {} as Fixture['users'];
    for (const [username, grant] of Object.entries(grants) as [FixtureUser, [Role, string] | null][]) {
      const uid = id();
      users[username] = uid;
      await trx
        .insertInto('users')
        .values({
          id: uid,
          username: username.toLowerCase(),
          display_name: username,
          password_hash: passwordHash,
          person_id: null,
          active: 1,
          must_change_password: 0,
          created_at: now(),
          updated_at: now(),
        })
        .execute();
      if (grant) {
        await trx
          .insertInto('role_grants')
          .values({ id: id(), user_id: uid, role: grant[0], unit_id: grant[1], created_at: now() })
          .execute();
      }
    }
    // The trainer is assigned the session of school B only.
    await trx.updateTable('sessions').set({ trainer_user_id: users.trainer }).where('id', '=', sessions.B).execute();
    // …and receives it in their own stream, as the session handlers do for every assignment.
    await recordAssignments(trx, [{ sessionId: sessions.B, trainerUserId: users.trainer, assigned: true }]);
    const calendarFeeds = {} as Fixture['calendarFeeds'];
    for (const [username, uid] of Object.entries(users) as [FixtureUser, string][]) {
      const token = randomBytes(32).toString('base64url');
      calendarFeeds[username] = token;
      await trx
        .insertInto('calendar_feeds')
        .values({ id: id(), user_id: uid, token_hash: hashToken(token), created_at: now(), revoked_at: null })
        .execute();
    }
    const materials = await createFixtureMaterials(trx, f, users.officerDept);
    const reports = await createFixtureReports(trx, f, users.principalA);
    const org = await createFixtureOrg(trx, f, Object.keys(users), passwordHash);
    const imports = await createFixtureImports(trx, f, users.principalA);
    return { ...f, classes, students, staff, sessions, users, calendarFeeds, materials, reports, org, imports };
  });
}
