import 'fake-indexeddb/auto';
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { TruongAnDb } from '../../../../src/client/db/database';
import { applyPushResults, discardRejected, rejectEntries, requeueRejected } from '../../../../src/client/db/repositories/outbox';
import { applyPullPage } from '../../../../src/client/db/repositories/pull';
import { mutateWith } from '../../../../src/client/sync/mutate';
import type { Attendance } from '../../../../src/shared/domain';
import { freshDb, makeSchool, type School } from '../sync/harness';

/**
 * A row the device creates (the server had none) keeps nothing aside: its outbox entry records that it created it.
 * Discarding the change deletes the row; acknowledging it touches no kept-aside row, unless a pull kept one aside
 * for it meanwhile (another device made the same row), which must then still be judged and restored.
 */
describe('rows created by a local change', () => {
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
  const target = () => `attendance:${school.session.id}:${personId()}`;
  const markLocally = (status: 'present' | 'absent', at: number) =>
    mutateWith({ db, userId: me, now: () => at }, 'attendance.mark', { sessionId: school.session.id, personId: personId(), status });
  const reject = (id: string) => rejectEntries(db, new Map([[id, 'Buổi đã khóa điểm danh']]));
  const serverRow = (status: Attendance['status'], at: number): Attendance => ({
    id: randomUUID(),
    schoolId: school.schoolId,
    sessionId: school.session.id,
    personId: personId(),
    status,
    note: null,
    markedBy: other,
    markedAt: new Date(at).toISOString(),
  });
  const pull = (row: Attendance, cursor: string) =>
    applyPullPage(db, me, [{ entity: 'attendance', op: 'put', row: { ...row } }], cursor);
  const localRow = () => db.entity('attendance').get([school.session.id, personId()]);
  const entryOf = (id: string) => db.outbox.where('id').equals(id).first();

  it('discarding the change that created a row deletes the row', async () => {
    const { id } = await markLocally('absent', t(10));
    expect((await entryOf(id))?.created).toEqual([target()]);
    expect(await db.serverRows.count()).toBe(0);
    await reject(id);

    expect(await discardRejected(db, id)).toBe(true);
    expect(await localRow()).toBeUndefined();
    expect(await db.outbox.count()).toBe(0);
  });

  it('keeps a created row while another queued change still touches it, and deletes it with the last one', async () => {
    const first = await markLocally('absent', t(10));
    const second = await markLocally('present', t(11));
    await reject(first.id);

    expect(await discardRejected(db, first.id)).toBe(true);
    expect(await localRow()).toMatchObject({ status: 'present' });
    // The later change must not have taken the local row for the server's.
    expect(await db.serverRows.count()).toBe(0);

    await reject(second.id);
    expect(await discardRejected(db, second.id)).toBe(true);
    expect(await localRow()).toBeUndefined();
  });

  it('a rejected change sent again still records the row it created, so discarding it later deletes the row', async () => {
    const { id } = await markLocally('absent', t(10));
    const entry = (await entryOf(id))!;
    await reject(id);
    const again = randomUUID();

    expect(await requeueRejected(db, id, { id: again, args: entry.args, clientTime: entry.clientTime, targets: entry.targets }, null)).toBe(true);
    expect((await entryOf(again))?.created).toEqual([target()]);
    expect(await db.serverRows.count()).toBe(0);

    await reject(again);
    expect(await discardRejected(db, again)).toBe(true);
    expect(await localRow()).toBeUndefined();
  });

  it('acknowledging a created row neither reads nor deletes kept-aside rows', async () => {
    const { id } = await markLocally('absent', t(10));
    const read = vi.spyOn(db.serverRows, 'bulkGet');
    const forget = vi.spyOn(db.serverRows, 'bulkDelete');

    expect(await applyPushResults(db, [{ id, status: 'applied' }])).toEqual({ done: 1, rejected: 0 });
    expect(read).not.toHaveBeenCalled();
    expect(forget).not.toHaveBeenCalled();
    expect(await localRow()).toMatchObject({ status: 'absent', markedBy: me });
    expect(await db.outbox.count()).toBe(0);
  });

  it.each(['applied', 'duplicate'] as const)(
    'acknowledging a created row restores a newer server row a pull kept aside meanwhile (%s)',
    async (status) => {
      const { id } = await markLocally('absent', t(10));
      const newer = serverRow('present', t(12));
      expect((await pull(newer, 'c1')).skipped).toBe(1);
      // The server has the row after all: the entry no longer counts as having created it.
      expect((await entryOf(id))?.created).toBeUndefined();

      await applyPushResults(db, [{ id, status }]);
      expect(await localRow()).toEqual(newer);
      expect(await db.serverRows.count()).toBe(0);
    },
  );

  it('discarding a created row restores the server row a pull kept aside instead of deleting it', async () => {
    const { id } = await markLocally('absent', t(10));
    const theirs = serverRow('excused', t(8));
    await pull(theirs, 'c1');
    await reject(id);

    expect(await discardRejected(db, id)).toBe(true);
    expect(await localRow()).toEqual(theirs);
    expect(await db.serverRows.count()).toBe(0);
  });
});
