import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { testDbKinds, type TestDb } from '../../helpers/db';
import { createFixture, type Fixture } from '../../helpers/fixtures';
import { buildTestApp, signIn } from '../../helpers/app';
import { newId } from '../../../src/shared/domain/ids';
import { ATTENDANCE_STATUSES } from '../../../src/shared/domain/records';
import { SCHEMA_VERSION, type PullResponse } from '../../../src/shared/sync/wire';
import { reserveVersions } from '../../../src/server/db/versions';
import { writeAttendanceMarks, type AttendanceMark } from '../../../src/server/sync/handlers/attendance-mark';
import { StatementCache } from '../../../src/server/sync/batching';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const pick = <T>(list: readonly T[]): T => list[Math.floor(Math.random() * list.length)]!;

/**
 * The cursor must never skip a row, even when transactions commit out of order. Only PostgreSQL runs writers in
 * parallel (SQLite has one connection, so its transactions never overlap).
 */
const postgres = testDbKinds().find((k) => k.kind === 'postgres');

describe.skipIf(!postgres)('pull under concurrent writers on postgres', () => {
  let db: TestDb;
  let app: FastifyInstance;
  let f: Fixture;
  let teacherA: Record<string, string>;
  const sessions: string[] = [];
  const statements = new StatementCache();

  beforeAll(async () => {
    db = await postgres!.open();
    f = await createFixture(db.kysely, 60);
    const template = await db.kysely.selectFrom('sessions').selectAll().where('id', '=', f.sessions.A).executeTakeFirstOrThrow();
    sessions.push(f.sessions.A);
    await db.kysely.transaction().execute(async (trx) => {
      for (let i = 0; i < 4; i++) {
        const id = newId();
        sessions.push(id);
        await trx
          .insertInto('sessions')
          .values({ ...template, id, title: `Buổi ${i + 2}`, version: await reserveVersions(trx, f.schoolA) })
          .execute();
      }
    });
    app = await buildTestApp(db);
    teacherA = await signIn(app, 'teachera');
  });
  afterAll(async () => {
    await app.close();
    await db.drop();
  });

  it('gives a reader pulling during interleaved commits every row in its latest state', async () => {
    const WRITERS = 6;
    const TRANSACTIONS_PER_WRITER = 12;
    let writing = true;

    /** Attendance marks and roster edits in school A, each transaction on its own pool connection, with pauses
     * before and after taking the stream's versions so that transactions overlap and finish in shuffled order. */
    const writer = async (w: number) => {
      for (let t = 0; t < TRANSACTIONS_PER_WRITER; t++) {
        await db.kysely.transaction().execute(async (trx) => {
          await sleep(Math.random() * 15);
          if (t % 4 === 3) {
            const person = pick(f.students.A);
            await trx
              .updateTable('persons')
              .set({ full_name: `Học sinh ${w}-${t}`, version: await reserveVersions(trx, f.schoolA) })
              .where('id', '=', person)
              .execute();
          } else {
            const marks: AttendanceMark[] = Array.from({ length: 1 + Math.floor(Math.random() * 8) }, () => ({
              mutationId: newId(),
              schoolId: f.schoolA,
              sessionId: pick(sessions),
              personId: pick(f.students.A),
              status: pick(ATTENDANCE_STATUSES),
              note: null,
              markedBy: f.users.teacherA,
              markedAt: new Date().toISOString(),
            }));
            await writeAttendanceMarks(trx, marks, { clientId: `writer-${w}`, receivedAt: new Date().toISOString(), statements });
          }
          await sleep(Math.random() * 15);
        });
      }
    };

    const device = new Map<string, Record<string, unknown>>();
    let cursor: string | undefined;
    let pulls = 0;
    const pullPage = async (): Promise<PullResponse> => {
      const params = new URLSearchParams({ schemaVersion: String(SCHEMA_VERSION), limit: String(1 + Math.floor(Math.random() * 20)) });
      if (cursor) params.set('cursor', cursor);
      const res = await app.inject({ method: 'GET', url: `/api/sync/pull?${params}`, headers: teacherA });
      expect(res.statusCode, res.body).toBe(200);
      const page = res.json<PullResponse>();
      for (const c of page.changes) {
        const k = `${c.entity}:${String(c.row.id)}`;
        if (c.op === 'delete') device.delete(k);
        else device.set(k, c.row);
      }
      cursor = page.cursor;
      pulls++;
      return page;
    };
    const reader = async () => {
      while (writing) {
        await pullPage();
        await sleep(Math.random() * 5);
      }
    };

    const writers = Promise.all(Array.from({ length: WRITERS }, (_, w) => writer(w))).finally(() => {
      writing = false;
    });
    await Promise.all([writers, reader()]);
    while ((await pullPage()).hasMore) {
      // drain what the last commits added
    }
    expect(pulls).toBeGreaterThan(10);

    const attendance = await db.kysely.selectFrom('attendance').select(['id', 'status', 'marked_at']).where('school_id', '=', f.schoolA).execute();
    expect(attendance.length).toBeGreaterThan(20);
    const onDevice = [...device.entries()]
      .filter(([k]) => k.startsWith('attendance:'))
      .map(([, row]) => `${String(row.id)} ${String(row.status)} ${String(row.markedAt)}`)
      .sort();
    expect(onDevice).toEqual(attendance.map((r) => `${r.id} ${r.status} ${r.marked_at}`).sort());

    const persons = await db.kysely.selectFrom('persons').select(['id', 'full_name']).where('school_id', '=', f.schoolA).execute();
    const personsOnDevice = [...device.entries()]
      .filter(([k]) => k.startsWith('person:'))
      .map(([, row]) => `${String(row.id)} ${String(row.fullName)}`)
      .sort();
    expect(personsOnDevice).toEqual(persons.map((p) => `${p.id} ${p.full_name}`).sort());
  });
});
