import 'fake-indexeddb/auto';
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { TruongAnDb } from '../../../../src/client/db/database';
import { setMeta } from '../../../../src/client/db/repositories/meta';
import { pendingKeys } from '../../../../src/client/db/repositories/outbox';
import { mutateManyWith, mutateWith, type MutateContext } from '../../../../src/client/sync/mutate';
import { SyncMessageError } from '../../../../src/client/sync/messages';
import { freshDb, makeSchool, type School } from './harness';

const NOW = Date.parse('2025-10-01T01:15:00.000Z');

/** "Tất cả có mặt": a group's marks are written together, in one transaction, all of them or none. */
describe('mutateManyWith', () => {
  let db: TruongAnDb;
  let school: School;
  let ctx: MutateContext;
  let notified: number;
  const teacherId = randomUUID();

  beforeEach(async () => {
    db = freshDb();
    school = makeSchool(40);
    await db.entity('session').put(school.session);
    await db.entity('person').bulkPut(school.people);
    notified = 0;
    ctx = { db, userId: teacherId, now: () => NOW, onLocalChange: () => (notified += 1) };
  });

  afterEach(async () => {
    await db.delete();
  });

  const present = (personId: string) => ({ sessionId: school.session.id, personId, status: 'present' as const });

  it('writes every row and every outbox entry, in order, in ONE transaction with one clientTime', async () => {
    await setMeta('clockOffsetMs', 30_000, db);
    const transaction = vi.spyOn(db, 'transaction');
    const { ids } = await mutateManyWith(ctx, 'attendance.mark', school.people.map((p) => present(p.id)));

    expect(transaction).toHaveBeenCalledTimes(1);
    const stamped = new Date(NOW + 30_000).toISOString();
    const entries = await db.outbox.orderBy('seq').toArray();
    expect(entries.map((e) => e.id)).toEqual(ids);
    expect(entries.map((e) => e.targets[0])).toEqual(school.people.map((p) => `attendance:${school.session.id}:${p.id}`));
    expect(new Set(entries.map((e) => e.clientTime))).toEqual(new Set([stamped]));
    const rows = await db.entity('attendance').toArray();
    expect(rows).toHaveLength(40);
    expect(rows.every((r) => r.status === 'present' && r.markedAt === stamped && r.markedBy === teacherId)).toBe(true);
    // The server had none of these rows: nothing is kept aside, each entry records the row it created instead.
    expect(await db.serverRows.count()).toBe(0);
    expect(entries.map((e) => e.created)).toEqual(entries.map((e) => e.targets));
    expect(notified).toBe(1);
  });

  it('is the same in effect as marking one after the other, keeping existing rows\' ids', async () => {
    const first = school.people[0]!;
    await mutateWith(ctx, 'attendance.mark', { ...present(first.id), status: 'late', note: 'Đến muộn' });
    const before = await db.entity('attendance').get([school.session.id, first.id]);

    await mutateManyWith(ctx, 'attendance.mark', [present(first.id), present(school.people[1]!.id)]);

    const after = await db.entity('attendance').get([school.session.id, first.id]);
    expect(after).toEqual({ ...before, status: 'present', note: null });
    // Both rows were created here: only the first change of each row records it, nothing is kept aside.
    expect(await db.serverRows.count()).toBe(0);
    const entries = await db.outbox.orderBy('seq').toArray();
    expect(entries.map((e) => e.created)).toEqual([entries[0]!.targets, undefined, entries[2]!.targets]);
  });

  it('writes nothing when one change in the middle cannot be applied', async () => {
    const list = school.people.slice(0, 10).map((p) => present(p.id));
    list.splice(5, 0, present(randomUUID()));

    await expect(mutateManyWith(ctx, 'attendance.mark', list)).rejects.toThrow('Không tìm thấy người này');

    expect(await db.entity('attendance').count()).toBe(0);
    expect(await db.outbox.count()).toBe(0);
    expect(await db.serverRows.count()).toBe(0);
    expect(notified).toBe(0);
  });

  it('writes nothing when the outbox refuses an entry after the rows were written', async () => {
    const taken = randomUUID();
    await mutateWith({ ...ctx, newId: () => taken }, 'attendance.mark', present(school.people[0]!.id));
    let n = 0;
    // The fourth new entry reuses an id already in the outbox: its unique index refuses it at the very end.
    const newId = () => (++n === 4 ? taken : randomUUID());

    await expect(
      mutateManyWith({ ...ctx, newId }, 'attendance.mark', school.people.slice(1, 8).map((p) => present(p.id))),
    ).rejects.toThrow();

    expect(await db.entity('attendance').count()).toBe(1);
    expect(await db.outbox.count()).toBe(1);
    expect((await db.outbox.toArray())[0]?.created).toHaveLength(1);
    expect(await db.serverRows.count()).toBe(0);
  });

  it('validates every change first and names the one that is wrong', async () => {
    const list: unknown[] = school.people.slice(0, 3).map((p) => present(p.id));
    list[1] = { sessionId: school.session.id, personId: 'not-a-uuid', status: 'present' };

    const error = await mutateManyWith(ctx, 'attendance.mark', list).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(SyncMessageError);
    expect((error as SyncMessageError).fields?.map((f) => f.field)).toEqual(['1.personId']);
    expect(await db.entity('attendance').count()).toBe(0);
    expect(await db.outbox.count()).toBe(0);
  });

  it('writes nothing and calls nobody for an empty list', async () => {
    expect(await mutateManyWith(ctx, 'attendance.mark', [])).toEqual({ ids: [] });
    expect(await db.outbox.count()).toBe(0);
    expect(notified).toBe(0);
  });

  it('commits a group of 2,000 in one transaction', async () => {
    const big = makeSchool(2000);
    big.session = { ...big.session, id: school.session.id };
    await db.entity('person').bulkPut(big.people);
    const transaction = vi.spyOn(db, 'transaction');

    await mutateManyWith(ctx, 'attendance.mark', big.people.map((p) => present(p.id)));

    expect(transaction).toHaveBeenCalledTimes(1);
    expect(await db.outbox.count()).toBe(2000);
    expect(await db.entity('attendance').where('sessionId').equals(school.session.id).count()).toBe(2000);
  });
});

describe('pending keys by prefix', () => {
  let db: TruongAnDb;

  beforeEach(() => {
    db = freshDb();
  });
  afterEach(async () => {
    await db.delete();
  });

  it("reads only one session's waiting keys from the targets index", async () => {
    const [a, b] = [makeSchool(3), makeSchool(2)];
    for (const s of [a, b]) {
      await db.entity('session').put(s.session);
      await db.entity('person').bulkPut(s.people);
    }
    const ctx: MutateContext = { db, userId: randomUUID(), now: () => NOW };
    for (const s of [a, b]) {
      await mutateManyWith(ctx, 'attendance.mark', s.people.map((p) => ({ sessionId: s.session.id, personId: p.id, status: 'absent' })));
    }

    const ofA = await pendingKeys('attendance', db, `${a.session.id}:`);
    expect(ofA).toEqual(new Set(a.people.map((p) => `${a.session.id}:${p.id}`)));
    expect(await pendingKeys('attendance', db)).toHaveProperty('size', 5);
    expect(await pendingKeys('session', db)).toHaveProperty('size', 0);
  });
});
