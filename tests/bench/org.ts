import { Access } from '../../src/server/auth/access';
import { reserveVersions } from '../../src/server/db/versions';
import { AccountService } from '../../src/server/services/account-service';
import { OrgTreeCache } from '../../src/server/services/org-tree';
import { PersonDataService } from '../../src/server/services/person-data';
import { newId } from '../../src/shared/domain/ids';
import { createFixture } from '../helpers/fixtures';
import { openPostgres, openSqlite, type TestDb } from '../helpers/db';

/**
 * Personal-data erasure and bulk account creation at a large school's size: 2,000 students, each with 30 attendance
 * marks (and their history), a commitment and two consents. Erasure must stay a quick, per-person transaction
 * (indexes by person, no scan of the city's records); bulk accounts are bounded by argon2 hashing.
 */
export interface OrgFigures {
  students: number;
  marksPerStudent: number;
  eraseMs: { p50: number; p95: number; runs: number };
  bulkAccounts: { accounts: number; seconds: number };
}

const quantile = (sorted: number[], q: number) => Number(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!.toFixed(1));

/** A fresh migrated database: in-memory SQLite, or a new schema on the bench's PostgreSQL (dropped by `drop`). */
const open = (kind: 'sqlite' | 'postgres'): Promise<TestDb> =>
  kind === 'sqlite' ? openSqlite() : openPostgres(process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test');

export async function benchOrg(kind: 'sqlite' | 'postgres', options = { students: 2000, marks: 30, erasures: 21, accounts: 40 }): Promise<OrgFigures> {
  const db = await open(kind);
  const drop = () => db.drop();
  try {
    const k = db.kysely;
    const f = await createFixture(k, 1);
    const now = new Date().toISOString();
    const students: string[] = [];
    await k.transaction().execute(async (trx) => {
      const sessions: string[] = [];
      for (let s = 0; s < options.marks; s++) {
        const id = newId();
        sessions.push(id);
        await trx
          .insertInto('sessions')
          .values({
            id, school_id: f.schoolA, scope_unit_id: f.schoolA, school_year_id: f.schoolYear, activity_type_id: f.activityType,
            scenario_code: null, title: `Buổi ${s}`, starts_at: now, ends_at: now, place: null, audience: '{}', facilitator_person_id: null,
            trainer_user_id: null, material_ids: '[]', periods: null, status: 'done', revision: 0, created_by: f.users.principalA,
            created_at: now, updated_at: now, stream: f.schoolA, version: await reserveVersions(trx, f.schoolA),
          })
          .execute();
      }
      const first = await reserveVersions(trx, f.schoolA, options.students * (3 + options.marks));
      let v = first;
      for (let i = 0; i < options.students; i += 100) {
        const batch = Array.from({ length: Math.min(100, options.students - i) }, () => newId());
        students.push(...batch);
        await trx
          .insertInto('persons')
          .values(batch.map((id, j) => ({
            id, school_id: f.schoolA, kind: 'student', full_name: `Học sinh ${i + j}`, code: null, birth_year: 2015, sex: null,
            class_id: f.classes.A, role_tags: '[]', status: 'active', created_at: now, updated_at: now, stream: f.schoolA, version: v++,
          })))
          .execute();
        for (const sessionId of sessions) {
          await trx
            .insertInto('attendance')
            .values(batch.map((personId) => ({
              id: newId(), school_id: f.schoolA, session_id: sessionId, person_id: personId, status: 'present', note: null,
              marked_by: f.users.teacherA, marked_at: now, stream: f.schoolA, version: v++,
            })))
            .execute();
          await trx
            .insertInto('attendance_history')
            .values(batch.map((personId) => ({
              id: newId(), school_id: f.schoolA, session_id: sessionId, person_id: personId, status: 'present', note: null,
              marked_by: f.users.teacherA, marked_at: now, mutation_id: newId(), client_id: 'bench', received_at: now,
            })))
            .execute();
        }
        await trx
          .insertInto('commitments')
          .values(batch.map((personId) => ({
            id: newId(), school_id: f.schoolA, school_year_id: f.schoolYear, person_id: personId, kind: 'student_traffic',
            signed_by: 'self', signer_person_id: null, method: 'paper', signature_hash: null, signed_at: now, device_id: null,
            stream: f.schoolA, version: v++,
          })))
          .execute();
        for (const kindOf of ['photo', 'signature']) {
          await trx
            .insertInto('consents')
            .values(batch.map((personId) => ({
              id: newId(), person_id: personId, school_id: f.schoolA, kind: kindOf, child_consent: 1, parent_consent: 1,
              recorded_at: now, recorded_by: f.users.principalA, note: null, stream: f.schoolA, version: v++,
            })))
            .execute();
        }
      }
    });

    const tree = await new OrgTreeCache(k).get();
    const access = new Access(
      { userId: f.users.principalA, username: 'principala', displayName: 'p', personId: null, mustChangePassword: false, grants: [{ role: 'principal', unitId: f.schoolA }] },
      tree,
    );
    const service = new PersonDataService(k, null);
    const times: number[] = [];
    for (let i = 0; i < options.erasures; i++) {
      const t0 = performance.now();
      await service.erasePerson(access, students[i * 37]!);
      times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);

    const staff: string[] = [];
    await k.transaction().execute(async (trx) => {
      for (let i = 0; i < options.accounts; i++) {
        const id = newId();
        staff.push(id);
        await trx
          .insertInto('persons')
          .values({
            id, school_id: f.schoolA, kind: 'staff', full_name: `Nguyễn Văn Giáo ${i}`, code: null, birth_year: 1985, sex: null, class_id: null,
            role_tags: '["teacher"]', status: 'active', created_at: now, updated_at: now, stream: f.schoolA, version: await reserveVersions(trx, f.schoolA),
          })
          .execute();
      }
    });
    const t0 = performance.now();
    const made = await new AccountService(k).bulkCreate(access, f.schoolA, staff, 'teacher');
    const seconds = Number(((performance.now() - t0) / 1000).toFixed(2));

    return {
      students: options.students,
      marksPerStudent: options.marks,
      eraseMs: { p50: quantile(times, 0.5), p95: quantile(times, 0.95), runs: times.length },
      bulkAccounts: { accounts: made.created.length, seconds },
    };
  } finally {
    await drop();
  }
}
