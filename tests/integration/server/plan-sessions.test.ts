import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../../src/shared/domain/ids';
import {
  MESSAGES,
  STALE_EDIT_REASON,
  SessionCreateArgsSchema,
  sessionOutsideSchoolYear,
} from '../../../src/shared/plan/session-input';
import { REJECTION } from '../../../src/server/sync/reasons';
import { buildTestApp, signIn } from '../../helpers/app';
import { testDbKinds, type TestDb } from '../../helpers/db';
import { createFixture, type Fixture } from '../../helpers/fixtures';
import type { Change } from '../../../src/shared/sync/wire';
import { Device, createArgs, replay, sessionFields } from './plan-helpers';

describe.each(testDbKinds())('planning sessions on $kind', ({ open }) => {
  let db: TestDb;
  let app: FastifyInstance;
  let f: Fixture;
  const device = async (username: string) => new Device(app, await signIn(app, username));

  beforeAll(async () => {
    db = await open();
    f = await createFixture(db.kysely, 3);
    app = await buildTestApp(db);
  });
  afterAll(async () => {
    await app.close();
    await db.drop();
  });

  it('creates, edits, reschedules and cancels a school session; each change reaches the school\'s other devices', async () => {
    const principal = await device('principala');
    const teacher = await device('teachera');
    await teacher.pull();
    const seriesId = newId();
    const args = { ...createArgs(f, { schoolId: f.schoolA, scopeUnitId: f.schoolA }), seriesId };
    expect(await principal.push([{ name: 'session.create', args }])).toMatchObject([{ status: 'applied' }]);

    let sessions = replay(await teacher.pull(), 'session');
    expect(sessions.get(args.id)).toMatchObject({
      id: args.id, schoolId: f.schoolA, scopeUnitId: f.schoolA, title: args.title, status: 'planned', revision: 0,
      createdBy: f.users.principalA, seriesId, startsAt: args.startsAt,
    });

    const moved = sessionFields(f, { startsAt: '2026-03-12T01:00:00.000Z', endsAt: '2026-03-12T02:00:00.000Z', place: 'Sân trường' });
    expect(await principal.push([{ name: 'session.update', args: { id: args.id, baseRevision: 0, fields: moved } }])).toMatchObject([
      { status: 'applied' },
    ]);
    sessions = replay(await teacher.pull(), 'session');
    expect(sessions.get(args.id)).toMatchObject({ startsAt: moved.startsAt, place: 'Sân trường', revision: 1 });

    expect(
      await principal.push([{ name: 'session.cancel', args: { id: args.id, baseRevision: 1, reason: 'Trùng lịch kiểm tra' } }]),
    ).toMatchObject([{ status: 'applied' }]);
    sessions = replay(await teacher.pull(), 'session');
    expect(sessions.get(args.id)).toMatchObject({ status: 'cancelled', revision: 2 });
    const stored = await db.kysely.selectFrom('sessions').select('cancel_reason').where('id', '=', args.id).executeTakeFirstOrThrow();
    expect(stored.cancel_reason).toBe('Trùng lịch kiểm tra');

    // A cancelled session stays cancelled.
    const again = await principal.push([{ name: 'session.update', args: { id: args.id, baseRevision: 2, fields: moved } }]);
    expect(again).toMatchObject([{ status: 'rejected', error: REJECTION.sessionCancelled }]);
  });

  it('applies a session created offline and then edited and marked in the same push, in order', async () => {
    const principal = await device('principala');
    const args = createArgs(f, { schoolId: f.schoolA, scopeUnitId: f.schoolA }, { audience: { classIds: [f.classes.A], grades: [], staff: false, youthStaffOnly: false, parents: false } });
    const results = await principal.push([
      { name: 'session.create', args },
      { name: 'session.update', args: { id: args.id, baseRevision: 0, fields: { ...sessionFields(f), title: 'Sửa lần 1', audience: args.audience } } },
      { name: 'attendance.mark', args: { sessionId: args.id, personId: f.students.A[0]!, status: 'present' } },
      { name: 'session.update', args: { id: args.id, baseRevision: 1, fields: { ...sessionFields(f), title: 'Sửa lần 2', audience: args.audience } } },
    ]);
    expect(results.map((r) => r.status)).toEqual(['applied', 'applied', 'applied', 'applied']);
    const row = await db.kysely.selectFrom('sessions').select(['title', 'revision']).where('id', '=', args.id).executeTakeFirstOrThrow();
    expect(row).toEqual({ title: 'Sửa lần 2', revision: 2 });
  });

  it('refuses a stale edit with the stale reason and changes nothing; the later device then edits on the new revision', async () => {
    const principal = await device('principala');
    const officer = await device('officercommunea');
    const args = createArgs(f, { schoolId: f.schoolA, scopeUnitId: f.schoolA });
    await principal.push([{ name: 'session.create', args }]);
    // Both opened revision 0 offline; the officer syncs first.
    const first = await officer.push([{ name: 'session.update', args: { id: args.id, baseRevision: 0, fields: sessionFields(f, { title: 'Bản của phường' }) } }]);
    expect(first).toMatchObject([{ status: 'applied' }]);
    const before = await db.kysely.selectFrom('sessions').selectAll().where('id', '=', args.id).executeTakeFirstOrThrow();

    const stale = await principal.push([{ name: 'session.update', args: { id: args.id, baseRevision: 0, fields: sessionFields(f, { title: 'Bản của trường' }) } }]);
    expect(stale[0]!.status).toBe('rejected');
    expect(stale[0]!.error!.startsWith(STALE_EDIT_REASON)).toBe(true);
    const staleCancel = await principal.push([{ name: 'session.cancel', args: { id: args.id, baseRevision: 0, reason: null } }]);
    expect(staleCancel[0]!.error!.startsWith(STALE_EDIT_REASON)).toBe(true);
    expect(await db.kysely.selectFrom('sessions').selectAll().where('id', '=', args.id).executeTakeFirstOrThrow()).toEqual(before);

    // Having seen both versions, the principal keeps theirs, based on the revision now stored.
    const chosen = await principal.push([{ name: 'session.update', args: { id: args.id, baseRevision: 1, fields: sessionFields(f, { title: 'Bản của trường' }) } }]);
    expect(chosen).toMatchObject([{ status: 'applied' }]);
  });

  it('rejects invalid input with the same messages the form shows', async () => {
    const principal = await device('principala');
    const place = { schoolId: f.schoolA, scopeUnitId: f.schoolA };
    const endBeforeStart = createArgs(f, place, { startsAt: '2026-03-10T03:00:00.000Z', endsAt: '2026-03-10T02:00:00.000Z' });
    const emptyAudience = createArgs(f, place, { audience: { classIds: [], grades: [], staff: false, youthStaffOnly: false, parents: false } });
    const outside = createArgs(f, place, { startsAt: '2026-06-02T01:00:00.000Z', endsAt: '2026-06-02T02:00:00.000Z' });
    // The form's own answers for the same inputs.
    const formIssue = (value: unknown) => {
      const parsed = SessionCreateArgsSchema.safeParse(value);
      expect(parsed.success).toBe(false);
      return parsed.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    };
    expect(formIssue(endBeforeStart)).toEqual([`endsAt: ${MESSAGES.endBeforeStart}`]);
    expect(formIssue(emptyAudience)).toEqual([`audience: ${MESSAGES.audienceEmpty}`]);
    const yearCheck = sessionOutsideSchoolYear(outside, { startDate: '2025-09-05', endDate: '2026-05-31', label: '2025-2026' });
    expect(yearCheck).toEqual({ field: 'endsAt', message: MESSAGES.outsideSchoolYear('2025-2026') });

    const results = await principal.push([
      { name: 'session.create', args: endBeforeStart },
      { name: 'session.create', args: emptyAudience },
      { name: 'session.create', args: outside },
      { name: 'session.update', args: { id: f.sessions.A, baseRevision: 0, fields: sessionFields(f, { endsAt: '2026-03-10T00:00:00.000Z' }) } },
    ]);
    expect(results.map((r) => r.error)).toEqual([
      REJECTION.invalidArgs(`endsAt: ${MESSAGES.endBeforeStart}`),
      REJECTION.invalidArgs(`audience: ${MESSAGES.audienceEmpty}`),
      REJECTION.invalidArgs(`endsAt: ${MESSAGES.outsideSchoolYear('2025-2026')}`),
      REJECTION.invalidArgs(`fields.endsAt: ${MESSAGES.endBeforeStart}`),
    ]);
    const ids = [endBeforeStart.id, emptyAudience.id, outside.id];
    expect(await db.kysely.selectFrom('sessions').select('id').where('id', 'in', ids).execute()).toEqual([]);
  });

  it('lets the principal plan at their school, not a teacher; a commune officer plans for their commune, not another', async () => {
    const teacher = await device('teachera');
    const principal = await device('principala');
    const officerA = await device('officercommunea');
    const atA = createArgs(f, { schoolId: f.schoolA, scopeUnitId: f.schoolA });
    expect(await teacher.push([{ name: 'session.create', args: atA }])).toMatchObject([{ status: 'rejected', error: REJECTION.notFound }]);
    expect(await principal.push([{ name: 'session.create', args: atA }])).toMatchObject([{ status: 'applied' }]);
    // The id is taken now, whoever asks.
    expect((await principal.push([{ name: 'session.create', args: atA }]))[0]!.status).toBe('rejected');
    // A principal plans a school's session, not one for the whole commune.
    const communeWide = createArgs(f, { schoolId: null, scopeUnitId: f.communeA });
    expect(await principal.push([{ name: 'session.create', args: communeWide }])).toMatchObject([{ status: 'rejected', error: REJECTION.notFound }]);
    expect(await officerA.push([{ name: 'session.create', args: communeWide }])).toMatchObject([{ status: 'applied' }]);
    // Commune B and its school are out of officer A's scope: the same answer as a unit that does not exist.
    const results = await officerA.push([
      { name: 'session.create', args: createArgs(f, { schoolId: null, scopeUnitId: f.communeB }) },
      { name: 'session.create', args: createArgs(f, { schoolId: f.schoolB, scopeUnitId: f.schoolB }) },
      { name: 'session.create', args: createArgs(f, { schoolId: null, scopeUnitId: newId() }) },
      { name: 'session.update', args: { id: f.sessions.B, baseRevision: 0, fields: sessionFields(f) } },
      { name: 'session.cancel', args: { id: f.sessions.B, baseRevision: 0, reason: null } },
      { name: 'session.cancel', args: { id: newId(), baseRevision: 0, reason: null } },
    ]);
    expect(results.map((r) => r.error)).toEqual(Array(6).fill(REJECTION.notFound));
    // A teacher cannot edit or cancel either.
    expect(await teacher.push([{ name: 'session.cancel', args: { id: atA.id, baseRevision: 0, reason: null } }])).toMatchObject([
      { status: 'rejected', error: REJECTION.notFound },
    ]);
  });

  it('shows a unit-wide session at every school in scope and at none outside', async () => {
    const officerDept = await device('officerdept');
    const devices = {
      A: await device('teachera'),
      B: await device('teacherb'),
      C: await device('teacherc'),
    };
    for (const d of Object.values(devices)) await d.pull();
    const communeA = createArgs(f, { schoolId: null, scopeUnitId: f.communeA }, { title: 'Tuyên truyền toàn phường A' });
    const cluster = createArgs(f, { schoolId: null, scopeUnitId: f.cluster }, { title: 'Diễn tập cụm 1' });
    const cityWide = createArgs(f, { schoolId: null, scopeUnitId: f.department }, { title: 'Ngày diễn tập toàn thành phố' });
    const results = await officerDept.push([
      { name: 'session.create', args: communeA },
      { name: 'session.create', args: cluster },
      { name: 'session.create', args: cityWide },
    ]);
    expect(results.map((r) => r.status)).toEqual(['applied', 'applied', 'applied']);
    const seen = async (key: keyof typeof devices) => {
      const ids = [...replay(await devices[key].pull(), 'session').keys()];
      return [communeA, cluster, cityWide].filter((s) => ids.includes(s.id)).map((s) => s.title);
    };
    expect(await seen('A')).toEqual([communeA.title, cluster.title, cityWide.title]);
    expect(await seen('B')).toEqual([cityWide.title]);
    expect(await seen('C')).toEqual([cluster.title, cityWide.title]);
  });

  it('gives a trainer the sessions assigned to them, across schools, and takes back one handed to another trainer', async () => {
    const trainerDevice = await device('trainer');
    // The trainer's grant on the Sở brings its unit-wide sessions (other tests make some); of the schools' own
    // sessions, only the assigned ones may arrive.
    const schoolSessions = (changes: Change[]) =>
      changes.filter((c) => c.entity !== 'session' || c.op === 'delete' || c.row.schoolId !== null);
    const replaySchool = (changes: Change[]) => replay(schoolSessions(changes), 'session');
    const principalB = await device('principalb');
    const principalA = await device('principala');
    const all = await trainerDevice.pull();
    let held = replaySchool(all);
    expect([...held.keys()]).toEqual([f.sessions.B]);

    const atA = createArgs(f, { schoolId: f.schoolA, scopeUnitId: f.schoolA }, { trainerUserId: f.users.trainer });
    const notMine = createArgs(f, { schoolId: f.schoolA, scopeUnitId: f.schoolA });
    await principalA.push([{ name: 'session.create', args: atA }, { name: 'session.create', args: notMine }]);
    const changes = await trainerDevice.pull();
    all.push(...changes);
    held = replaySchool(all);
    expect([...held.keys()].sort()).toEqual([f.sessions.B, atA.id].sort());
    // Nothing else of school A: no roster, no other session.
    expect(changes.filter((c) => c.entity !== 'session')).toEqual([]);

    // Edits reach the trainer; handing session B to nobody removes it from the trainer's device.
    await principalA.push([{ name: 'session.update', args: { id: atA.id, baseRevision: 0, fields: sessionFields(f, { title: 'Tập huấn kỹ năng', trainerUserId: f.users.trainer }) } }]);
    const b = await db.kysely.selectFrom('sessions').select('revision').where('id', '=', f.sessions.B).executeTakeFirstOrThrow();
    await principalB.push([{ name: 'session.update', args: { id: f.sessions.B, baseRevision: b.revision, fields: sessionFields(f) } }]);
    const later = await trainerDevice.pull();
    expect(later.filter((c) => c.op === 'delete').map((c) => c.row.id)).toEqual([f.sessions.B]);
    all.push(...later);
    held = replaySchool(all);
    expect([...held.keys()]).toEqual([atA.id]);
    expect(held.get(atA.id)).toMatchObject({ title: 'Tập huấn kỹ năng', revision: 1 });

    // A fresh device of the trainer starts from the same state.
    const fresh = replaySchool(await (await device('trainer')).pull());
    expect([...fresh.keys()]).toEqual([atA.id]);
  });
});
