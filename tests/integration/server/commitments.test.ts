import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { testDbKinds, type TestDb } from '../../helpers/db';
import { createFixture, type Fixture } from '../../helpers/fixtures';
import { buildTestApp, signIn } from '../../helpers/app';
import { newId } from '../../../src/shared/domain/ids';
import { ALREADY_SIGNED_REASON } from '../../../src/shared/domain/commitments';
import { SCHEMA_VERSION, type PushResponse } from '../../../src/shared/sync/wire';
import { REJECTION } from '../../../src/server/sync/reasons';
import { reserveVersions } from '../../../src/server/db/versions';
import type { DisagreementsResponse } from '../../../src/shared/domain/disagreements';

interface Envelope {
  id: string;
  name: string;
  args: unknown;
  clientTime: string;
}

const HASH = 'ab'.repeat(32);

function sign(personId: string, schoolYearId: string, over: Record<string, unknown> = {}): Envelope {
  return {
    id: newId(),
    name: 'commitment.sign',
    args: {
      id: newId(),
      personId,
      kind: 'parent_helmet',
      schoolYearId,
      signedBy: 'parent',
      method: 'paper',
      signedAt: new Date().toISOString(),
      deviceId: 'tablet-test',
      ...over,
    },
    clientTime: new Date().toISOString(),
  };
}

const mark = (sessionId: string, personId: string, status = 'present', clientTime = new Date().toISOString()): Envelope => ({
  id: newId(),
  name: 'attendance.mark',
  args: { sessionId, personId, status },
  clientTime,
});

describe.each(testDbKinds())('commitments, closing and disagreements on $kind', ({ open }) => {
  let db: TestDb;
  let app: FastifyInstance;
  let f: Fixture;
  let teacherA: Record<string, string>;
  let principalA: Record<string, string>;
  let teacherB: Record<string, string>;

  beforeAll(async () => {
    db = await open();
    f = await createFixture(db.kysely, 12);
    app = await buildTestApp(db);
    teacherA = await signIn(app, 'teachera');
    principalA = await signIn(app, 'principala');
    teacherB = await signIn(app, 'teacherb');
  });
  afterAll(async () => {
    await app.close();
    await db.drop();
  });

  const clients = new Map<Record<string, string>, string>();
  const clientOf = (h: Record<string, string>) => {
    if (!clients.has(h)) clients.set(h, `tablet-commit-${clients.size + 1}`);
    return clients.get(h)!;
  };
  async function push(headers: Record<string, string>, mutations: Envelope[]): Promise<PushResponse> {
    const res = await app.inject({
      method: 'POST',
      url: '/api/sync/push',
      headers,
      payload: { clientId: clientOf(headers), schemaVersion: SCHEMA_VERSION, mutations },
    });
    expect(res.statusCode, res.body).toBe(200);
    return res.json<PushResponse>();
  }
  const count = async (table: 'commitments' | 'attendance' | 'attendance_history') =>
    Number((await sql<{ n: number }>`select count(*) as n from ${sql.table(table)}`.execute(db.kysely)).rows[0]!.n);

  describe('commitment.sign', () => {
    it('stores a paper form received for a parent of a primary pupil, in the school stream, pulled by the school', async () => {
      const student = f.students.A[0]!;
      const m = sign(student, f.schoolYear);
      const res = await push(teacherA, [m]);
      expect(res.results[0]).toMatchObject({ status: 'applied' });
      const row = await db.kysely.selectFrom('commitments').selectAll().where('person_id', '=', student).executeTakeFirstOrThrow();
      expect(row).toMatchObject({
        id: (m.args as { id: string }).id,
        school_id: f.schoolA,
        kind: 'parent_helmet',
        method: 'paper',
        signature_hash: null,
        stream: f.schoolA,
        device_id: 'tablet-test',
      });
      const pull = await app.inject({ method: 'GET', url: `/api/sync/pull?limit=5000&clientId=${clientOf(teacherA)}`, headers: teacherA });
      const changes = pull.json<{ changes: { entity: string; row: { personId?: string } }[] }>().changes;
      expect(changes.filter((c) => c.entity === 'commitment' && c.row.personId === student)).toHaveLength(1);
    });

    it('refuses a second signature for the same person, kind and year, keeps the first; an identical retry is a duplicate', async () => {
      const student = f.students.A[1]!;
      const first = sign(student, f.schoolYear, { method: 'signature', signatureHash: HASH });
      expect((await push(teacherA, [first])).results[0]!.status).toBe('applied');
      // The same mutation again (a retried push): duplicate, nothing changes.
      expect((await push(teacherA, [first])).results[0]!.status).toBe('duplicate');
      // Another device's different signature, and a "change" to paper: both refused with the reason.
      const other = sign(student, f.schoolYear, { method: 'signature', signatureHash: 'cd'.repeat(32) });
      const toPaper = sign(student, f.schoolYear, { id: (first.args as { id: string }).id });
      const res = await push(principalA, [other, toPaper]);
      expect(res.results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
      expect(res.results[0]!.error).toBe(ALREADY_SIGNED_REASON);
      const rows = await db.kysely.selectFrom('commitments').selectAll().where('person_id', '=', student).execute();
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ method: 'signature', signature_hash: HASH });
    });

    it('judges two signatures of one person in one batch one after the other', async () => {
      const student = f.students.A[2]!;
      const res = await push(teacherA, [sign(student, f.schoolYear), sign(student, f.schoolYear, { signerPersonId: null })]);
      expect(res.results.map((r) => r.status)).toEqual(['applied', 'rejected']);
      expect(res.results[1]!.error).toBe(ALREADY_SIGNED_REASON);
    });

    it('refuses a kind the school level does not use, a wrong signer, and a signature without its image', async () => {
      const student = f.students.A[3]!;
      const before = await count('commitments');
      const res = await push(teacherA, [
        sign(student, f.schoolYear, { kind: 'parent_no_motorbike' }),
        sign(student, f.schoolYear, { signedBy: 'self' }),
        sign(student, f.schoolYear, { method: 'signature' }),
      ]);
      expect(res.results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
      expect(res.results[0]!.error).toContain('kind');
      expect(res.results[1]!.error).toContain('signedBy');
      expect(res.results[2]!.error).toContain('signatureHash');
      expect(await count('commitments')).toBe(before);
    });

    it('takes the THPT parents\' no-motorbike commitment at school C only', async () => {
      const teacherC = await signIn(app, 'teacherc');
      const res = await push(teacherC, [
        sign(f.students.C[0]!, f.schoolYear, { kind: 'parent_no_motorbike' }),
        sign(f.students.C[1]!, f.schoolYear, { kind: 'parent_helmet' }),
      ]);
      expect(res.results.map((r) => r.status)).toEqual(['applied', 'rejected']);
    });

    it('needs the signature consent of a student who signs on screen; a paper form needs none', async () => {
      const student = f.students.A[4]!;
      const selfSigned = () => sign(student, f.schoolYear, { kind: 'student_traffic', signedBy: 'self', method: 'signature', signatureHash: HASH });
      const refused = await push(teacherA, [selfSigned()]);
      expect(refused.results[0]!.status).toBe('rejected');
      expect(refused.results[0]!.error).toContain('đồng ý');
      await db.kysely.transaction().execute(async (trx) => {
        await trx
          .insertInto('consents')
          .values({
            id: newId(),
            person_id: student,
            school_id: f.schoolA,
            kind: 'signature',
            child_consent: 1,
            parent_consent: 1,
            recorded_at: new Date().toISOString(),
            recorded_by: f.users.principalA,
            note: null,
            stream: f.schoolA,
            version: await reserveVersions(trx, f.schoolA),
          })
          .execute();
      });
      expect((await push(teacherA, [selfSigned()])).results[0]!.status).toBe('applied');
      const paper = sign(f.students.A[5]!, f.schoolYear, { kind: 'student_traffic', signedBy: 'self' });
      expect((await push(teacherA, [paper])).results[0]!.status).toBe('applied');
      // A parent signing the pupil's own commitment on the pad needs no consent of the child: it is the parent's signature.
      const byParent = sign(f.students.A[10]!, f.schoolYear, { kind: 'student_traffic', signedBy: 'parent', method: 'signature', signatureHash: HASH });
      expect((await push(teacherA, [byParent])).results[0]!.status).toBe('applied');
    });

    it('answers "not found" to a teacher of another school', async () => {
      const res = await push(teacherB, [sign(f.students.A[6]!, f.schoolYear)]);
      expect(res.results[0]).toMatchObject({ status: 'rejected', error: REJECTION.notFound });
    });
  });

  describe('attendance.mark audience', () => {
    it('refuses a mark for a person outside the session audience, with the reason, and keeps the rest of the batch', async () => {
      // A second class at school A that session A does not name, with one student.
      const otherClass = newId();
      const outsider = newId();
      const parentOfOutsider = newId();
      const parentOfInsider = newId();
      await db.kysely.transaction().execute(async (trx) => {
        const now = new Date().toISOString();
        await trx
          .insertInto('classes')
          .values({ id: otherClass, school_id: f.schoolA, school_year_id: f.schoolYear, grade: 4, name: '4A1', code: null, homeroom_person_id: null, status: 'active', stream: f.schoolA, version: await reserveVersions(trx, f.schoolA) })
          .execute();
        for (const [id, kind, classId] of [
          [outsider, 'student', otherClass],
          [parentOfOutsider, 'parent', null],
          [parentOfInsider, 'parent', null],
        ] as const) {
          await trx
            .insertInto('persons')
            .values({ id, school_id: f.schoolA, kind, full_name: `Người ${kind}`, code: null, birth_year: null, sex: null, class_id: classId, role_tags: '[]', status: 'active', created_at: now, updated_at: now, stream: f.schoolA, version: await reserveVersions(trx, f.schoolA) })
            .execute();
        }
        await trx
          .insertInto('person_links')
          .values([
            { id: newId(), school_id: f.schoolA, parent_id: parentOfOutsider, student_id: outsider },
            { id: newId(), school_id: f.schoolA, parent_id: parentOfInsider, student_id: f.students.A[7]! },
          ])
          .execute();
      });
      const before = { attendance: await count('attendance'), history: await count('attendance_history') };
      const res = await push(teacherA, [
        mark(f.sessions.A, outsider),
        mark(f.sessions.A, f.students.A[7]!),
        mark(f.sessions.A, f.staff.A[1]!),
        // Session A has no parents in its audience.
        mark(f.sessions.A, parentOfInsider),
      ]);
      expect(res.results.map((r) => r.status)).toEqual(['rejected', 'applied', 'applied', 'rejected']);
      expect(res.results[0]!.error).toBe(REJECTION.notInAudience);
      expect(res.results[3]!.error).toBe(REJECTION.notInAudience);
      expect(await count('attendance')).toBe(before.attendance + 2);
      expect(await count('attendance_history')).toBe(before.history + 2);

      // With parents in the audience, the parent of a pupil of the class is expected; the other class's parent is not.
      await db.kysely
        .updateTable('sessions')
        .set({ audience: JSON.stringify({ classIds: [f.classes.A], grades: [], staff: true, youthStaffOnly: false, parents: true }) })
        .where('id', '=', f.sessions.A)
        .execute();
      const res2 = await push(teacherA, [mark(f.sessions.A, parentOfInsider), mark(f.sessions.A, parentOfOutsider)]);
      expect(res2.results.map((r) => r.status)).toEqual(['applied', 'rejected']);
      // By grade: naming grade 4 takes in the other class's student.
      await db.kysely
        .updateTable('sessions')
        .set({ audience: JSON.stringify({ classIds: [f.classes.A], grades: [4], staff: false, youthStaffOnly: false, parents: false }) })
        .where('id', '=', f.sessions.A)
        .execute();
      const res3 = await push(teacherA, [mark(f.sessions.A, outsider), mark(f.sessions.A, f.staff.A[0]!)]);
      expect(res3.results.map((r) => r.status)).toEqual(['applied', 'rejected']);
      await db.kysely
        .updateTable('sessions')
        .set({ audience: JSON.stringify({ classIds: [f.classes.A], grades: [], staff: true, youthStaffOnly: false, parents: false }) })
        .where('id', '=', f.sessions.A)
        .execute();
    });
  });

  describe('disagreements', () => {
    it('lists a person two devices marked differently to the principal, not one device changing its mind', async () => {
      const disputed = f.students.A[8]!;
      const corrected = f.students.A[9]!;
      const t0 = Date.now() - 60_000;
      const at = (s: number) => new Date(t0 + s * 1000).toISOString();
      await push(teacherA, [mark(f.sessions.A, disputed, 'present', at(1)), mark(f.sessions.A, corrected, 'absent', at(1))]);
      await push(teacherA, [mark(f.sessions.A, corrected, 'present', at(2))]);
      await push(principalA, [mark(f.sessions.A, disputed, 'absent', at(3))]);

      const res = await app.inject({ method: 'GET', url: `/api/sessions/${f.sessions.A}/disagreements`, headers: principalA });
      expect(res.statusCode, res.body).toBe(200);
      const body = res.json<DisagreementsResponse>();
      expect(body.people.map((p) => p.personId)).toEqual([disputed]);
      const person = body.people[0]!;
      expect(person.current).toBe('absent');
      expect(person.marks.map((m) => [m.status, m.markedByName])).toEqual([
        ['present', 'teacherA'],
        ['absent', 'principalA'],
      ]);

      const teacher = await app.inject({ method: 'GET', url: `/api/sessions/${f.sessions.A}/disagreements`, headers: teacherA });
      expect(teacher.statusCode).toBe(404);
    });
  });

  describe('session.complete', () => {
    it('closes a session (status done, time, user) without bumping its revision; a cancelled one cannot be closed', async () => {
      const completedAt = new Date(Date.now() - 1000).toISOString();
      const res = await push(teacherA, [{ id: newId(), name: 'session.complete', args: { id: f.sessions.A, completedAt }, clientTime: completedAt }]);
      expect(res.results[0]!.status).toBe('applied');
      const row = await db.kysely.selectFrom('sessions').selectAll().where('id', '=', f.sessions.A).executeTakeFirstOrThrow();
      expect(row).toMatchObject({ status: 'done', completed_at: completedAt, completed_by: f.users.teacherA, revision: 0 });

      const pull = await app.inject({ method: 'GET', url: `/api/sync/pull?limit=5000&clientId=${clientOf(teacherA)}`, headers: teacherA });
      const session = pull.json<{ changes: { entity: string; row: { id: string; status?: string; completedAt?: string } }[] }>()
        .changes.find((c) => c.entity === 'session' && c.row.id === f.sessions.A);
      expect(session?.row).toMatchObject({ status: 'done', completedAt });

      await db.kysely.updateTable('sessions').set({ status: 'cancelled' }).where('id', '=', f.sessions.C).execute();
      const teacherC = await signIn(app, 'teacherc');
      const refused = await push(teacherC, [{ id: newId(), name: 'session.complete', args: { id: f.sessions.C, completedAt }, clientTime: completedAt }]);
      expect(refused.results[0]).toMatchObject({ status: 'rejected', error: REJECTION.sessionCancelled });
      const other = await push(teacherB, [{ id: newId(), name: 'session.complete', args: { id: f.sessions.A, completedAt }, clientTime: completedAt }]);
      expect(other.results[0]).toMatchObject({ status: 'rejected', error: REJECTION.notFound });
    });
  });
});
