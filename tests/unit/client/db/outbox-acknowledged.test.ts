import 'fake-indexeddb/auto';
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TruongAnDb } from '../../../../src/client/db/database';
import { applyPushResults } from '../../../../src/client/db/repositories/outbox';
import { applyPullPage } from '../../../../src/client/db/repositories/pull';
import { mutateWith } from '../../../../src/client/sync/mutate';
import type { Attendance } from '../../../../src/shared/domain';
import { freshDb, makeSchool, type School } from '../sync/harness';

/**
 * Regression: a local mark pushed after another device's newer mark of the same row was pulled (and skipped, since
 * the local mark was waiting) left the device showing its own, older mark for good. The server keeps the newer
 * observation and never sends that row again, so acknowledging the push must put the server's row back.
 */
describe('acknowledging a push puts back the newer row the server kept', () => {
  let db: TruongAnDb;
  let school: School;
  const me = randomUUID();
  const other = randomUUID();
  const t = (minute: number) => new Date(Date.UTC(2025, 9, 1, 2, minute)).getTime();

  beforeEach(async () => {
    db = freshDb();
    school = makeSchool(2);
    await db.entity('session').put(school.session);
    await db.entity('person').bulkPut(school.people);
  });
  afterEach(async () => {
    await db.delete();
  });

  const personId = () => school.people[0]!.id;
  const markLocally = (status: 'present' | 'absent', at: number) =>
    mutateWith({ db, userId: me, now: () => at }, 'attendance.mark', { sessionId: school.session.id, personId: personId(), status });
  const serverRow = (status: Attendance['status'], at: number, by = other): Attendance => ({
    id: randomUUID(),
    schoolId: school.schoolId,
    sessionId: school.session.id,
    personId: personId(),
    status,
    note: null,
    markedBy: by,
    markedAt: new Date(at).toISOString(),
  });
  const pull = (row: Attendance, cursor: string) =>
    applyPullPage(db, me, [{ entity: 'attendance', op: 'put', row: { ...row } }], cursor);
  const localRow = () => db.entity('attendance').get([school.session.id, personId()]);

  it.each(['applied', 'duplicate'] as const)('restores a newer mark pulled while the local one waited (%s)', async (status) => {
    const { id } = await markLocally('absent', t(10));
    const newer = serverRow('present', t(12));
    expect((await pull(newer, 'c1')).skipped).toBe(1);
    expect((await localRow())?.status).toBe('absent');

    await applyPushResults(db, [{ id, status }]);
    expect(await localRow()).toEqual(newer);
    expect(await db.serverRows.count()).toBe(0);
  });

  it('keeps the local mark when it is the newer observation: the server took it and sends it back', async () => {
    const older = serverRow('present', t(5));
    await pull(older, 'c1');
    const { id } = await markLocally('absent', t(10));
    await pull(serverRow('excused', t(8)), 'c2');

    await applyPushResults(db, [{ id, status: 'applied' }]);
    expect(await localRow()).toMatchObject({ status: 'absent', markedBy: me, markedAt: new Date(t(10)).toISOString() });
    expect(await db.serverRows.count()).toBe(0);
  });

  it('waits for the last queued change of the row before judging', async () => {
    const first = await markLocally('absent', t(10));
    await pull(serverRow('present', t(11)), 'c1');
    await markLocally('absent', t(13));

    await applyPushResults(db, [{ id: first.id, status: 'applied' }]);
    // The second local mark still waits and is the newest: nothing is put back, the kept row stays aside.
    expect(await localRow()).toMatchObject({ status: 'absent', markedAt: new Date(t(13)).toISOString() });
    expect(await db.serverRows.count()).toBe(1);
  });
});
