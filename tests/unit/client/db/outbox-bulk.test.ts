import 'fake-indexeddb/auto';
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { TruongAnDb } from '../../../../src/client/db/database';
import { applyPushResults, discardRejected, rejectEntries, usersWithPending } from '../../../../src/client/db/repositories/outbox';
import { mutateManyWith } from '../../../../src/client/sync/mutate';
import { freshDb, makeSchool, type School } from '../sync/harness';

const NOW = Date.parse('2025-10-01T01:15:00.000Z');

/** Acknowledging a pushed batch of 500 costs a handful of requests, not several per entry. */
describe('applying a push answer in bulk', () => {
  let db: TruongAnDb;
  let school: School;
  const me = randomUUID();

  beforeEach(async () => {
    db = freshDb();
    school = makeSchool(500);
    await db.entity('session').put(school.session);
    await db.entity('person').bulkPut(school.people);
  });
  afterEach(async () => {
    await db.delete();
  });

  const markAll = async () =>
    (
      await mutateManyWith(
        { db, userId: me, now: () => NOW },
        'attendance.mark',
        school.people.map((p) => ({ sessionId: school.session.id, personId: p.id, status: 'present' })),
      )
    ).ids;

  it('removes acknowledged entries with one bulk delete and forgets their kept-aside rows', async () => {
    const ids = await markAll();
    const bulkDelete = vi.spyOn(db.outbox, 'bulkDelete');
    const deleteOne = vi.spyOn(db.outbox, 'delete');

    const outcome = await applyPushResults(
      db,
      ids.map((id, i) => ({ id, status: i % 2 === 0 ? 'applied' : 'duplicate' }) as const),
    );

    expect(outcome).toEqual({ done: 500, rejected: 0 });
    expect(bulkDelete).toHaveBeenCalledTimes(1);
    expect(deleteOne).not.toHaveBeenCalled();
    expect(await db.outbox.count()).toBe(0);
    expect(await db.serverRows.count()).toBe(0);
    // The local marks stay: the server took them and sends them back with the next pull.
    expect(await db.entity('attendance').count()).toBe(500);
    expect(await usersWithPending(db)).toEqual(new Set());
  });

  it('deletes a fully acknowledged batch by its range of seqs, and keeps what else lies in that range', async () => {
    const ids = await markAll();
    const sent = await db.outbox.orderBy('seq').toArray();
    const deleteOne = vi.spyOn(db.outbox, 'delete');

    expect(await applyPushResults(db, ids.slice(0, 250).map((id) => ({ id, status: 'applied' }) as const), sent.slice(0, 250))).toEqual({
      done: 250,
      rejected: 0,
    });
    expect(await db.outbox.count()).toBe(250);
    expect((await db.outbox.orderBy('seq').first())?.id).toBe(ids[250]);

    // A batch whose range holds an entry the answer does not mention: that one stays, the others go.
    const batch = sent.slice(250);
    const answered = batch.filter((_, i) => i !== 7);
    expect(await applyPushResults(db, answered.map((e) => ({ id: e.id, status: 'duplicate' }) as const), answered)).toEqual({
      done: 249,
      rejected: 0,
    });
    expect((await db.outbox.toArray()).map((e) => e.id)).toEqual([batch[7]!.id]);
    expect(deleteOne).not.toHaveBeenCalled();
    // The unanswered entry still records the row it created: a discard would delete it.
    expect((await db.outbox.toArray())[0]?.created).toEqual(batch[7]!.targets);
    expect(await db.serverRows.count()).toBe(0);
  });

  it('keeps rejected entries with their reason, and the rows of unanswered entries stay pending', async () => {
    const ids = await markAll();
    const outcome = await applyPushResults(db, [
      { id: ids[0]!, status: 'applied' },
      { id: ids[1]!, status: 'rejected', error: 'Buổi đã khóa điểm danh' },
      { id: randomUUID(), status: 'applied' },
    ]);

    expect(outcome).toEqual({ done: 1, rejected: 1 });
    expect(await db.outbox.count()).toBe(499);
    const refused = await db.outbox.where('id').equals(ids[1]!).first();
    expect(refused).toMatchObject({ state: 'rejected', error: 'Buổi đã khóa điểm danh', attempts: 1 });
    // The rows were made here: nothing was kept aside for them, each entry records the row it created.
    expect(await db.serverRows.count()).toBe(0);
    expect(refused?.created).toEqual(refused?.targets);
    expect(await usersWithPending(db)).toEqual(new Set([me]));

    // Discarding the rejected mark puts back what the server has: no row.
    expect(await discardRejected(db, ids[1]!)).toBe(true);
    expect(await db.entity('attendance').get([school.session.id, school.people[1]!.id])).toBeUndefined();
  });

  it('rejects a refused batch in one write', async () => {
    const ids = await markAll();
    await rejectEntries(db, new Map(ids.slice(0, 3).map((id) => [id, 'Yêu cầu không hợp lệ'])));
    const rejected = await db.outbox.where('state').equals('rejected').toArray();
    expect(rejected.map((e) => e.id).sort()).toEqual(ids.slice(0, 3).sort());
    expect(rejected.every((e) => e.error === 'Yêu cầu không hợp lệ' && e.attempts === 1)).toBe(true);
  });
});
