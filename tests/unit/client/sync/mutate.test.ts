import 'fake-indexeddb/auto';
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TruongAnDb } from '../../../../src/client/db/database';
import { isPending, pendingKeys } from '../../../../src/client/db/repositories/outbox';
import { setMeta } from '../../../../src/client/db/repositories/meta';
import { mutateWith, type MutateContext } from '../../../../src/client/sync/mutate';
import { SyncMessageError } from '../../../../src/client/sync/messages';
import { freshDb, makeSchool, type School } from './harness';

const NOW = Date.parse('2025-10-01T01:15:00.000Z');

describe('mutate', () => {
  let db: TruongAnDb;
  let school: School;
  let ctx: MutateContext;
  let notified: number;
  const teacherId = randomUUID();

  beforeEach(async () => {
    db = freshDb();
    school = makeSchool();
    await db.entity('session').put(school.session);
    await db.entity('person').bulkPut(school.people);
    notified = 0;
    ctx = { db, userId: teacherId, now: () => NOW, onLocalChange: () => (notified += 1) };
  });

  afterEach(async () => {
    await db.delete();
  });

  it('writes the attendance row and its outbox entry, and marks the row as waiting to sync', async () => {
    const person = school.people[0]!;
    const { id } = await mutateWith(ctx, 'attendance.mark', {
      sessionId: school.session.id,
      personId: person.id,
      status: 'late',
      note: 'Đến lúc 7h20',
    });

    const row = await db.entity('attendance').get([school.session.id, person.id]);
    expect(row).toMatchObject({
      schoolId: school.schoolId,
      status: 'late',
      note: 'Đến lúc 7h20',
      markedBy: teacherId,
      markedAt: new Date(NOW).toISOString(),
    });
    const entries = await db.outbox.toArray();
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      id,
      userId: teacherId,
      name: 'attendance.mark',
      state: 'pending',
      clientTime: new Date(NOW).toISOString(),
      targets: [`attendance:${school.session.id}:${person.id}`],
    });
    expect(await isPending('attendance', `${school.session.id}:${person.id}`, db)).toBe(true);
    expect(await isPending('attendance', `${school.session.id}:${school.people[1]!.id}`, db)).toBe(false);
    expect(await pendingKeys('attendance', db)).toEqual(new Set([`${school.session.id}:${person.id}`]));
    expect(notified).toBe(1);
  });

  it('replaces the whole observation, note included, as the server does', async () => {
    const args = { sessionId: school.session.id, personId: school.people[0]!.id };
    const first = await mutateWith(ctx, 'attendance.mark', { ...args, status: 'excused', note: 'Ốm, có giấy phép' });
    await mutateWith(ctx, 'attendance.mark', { ...args, status: 'absent' });
    const row = await db.entity('attendance').get([args.sessionId, args.personId]);
    expect(row).toMatchObject({ status: 'absent', note: null });
    expect(await db.outbox.count()).toBe(2);
    // The row keeps its identity across marks. The server had no such row: the first change records that it created
    // it, the second (the row exists by then) neither keeps the local row aside as the server's nor claims it.
    expect(await db.serverRows.count()).toBe(0);
    const entries = await db.outbox.orderBy('seq').toArray();
    expect(entries.map((e) => e.created)).toEqual([entries[0]!.targets, undefined]);
    expect(entries[0]?.id).toBe(first.id);
  });

  it('leaves neither the local change nor the outbox entry when the outbox write fails inside the transaction', async () => {
    const person = school.people[0]!;
    const args = { sessionId: school.session.id, personId: person.id };
    const duplicateId = randomUUID();
    await mutateWith({ ...ctx, newId: () => duplicateId }, 'attendance.mark', { ...args, status: 'present' });

    // The same mutation id again: the outbox's unique index refuses the add after the row was already updated.
    await expect(
      mutateWith({ ...ctx, newId: () => duplicateId }, 'attendance.mark', { ...args, status: 'absent' }),
    ).rejects.toThrow();

    expect(await db.entity('attendance').get([args.sessionId, args.personId])).toMatchObject({ status: 'present' });
    expect(await db.outbox.count()).toBe(1);
    expect(notified).toBe(1);
  });

  it('writes no outbox entry when the local change fails', async () => {
    await expect(
      mutateWith(ctx, 'attendance.mark', { sessionId: school.session.id, personId: randomUUID(), status: 'present' }),
    ).rejects.toThrow('Không tìm thấy người này');
    expect(await db.outbox.count()).toBe(0);
    expect(await db.serverRows.count()).toBe(0);
  });

  it('validates the arguments with the catalogue schema before writing anything', async () => {
    const error = await mutateWith(ctx, 'attendance.mark', {
      sessionId: school.session.id,
      personId: 'not-a-uuid',
      status: 'asleep',
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SyncMessageError);
    expect((error as SyncMessageError).message).toMatch(/^Thay đổi không hợp lệ/);
    expect((error as SyncMessageError).fields?.map((f) => f.field).sort()).toEqual(['personId', 'status']);
    expect(await db.outbox.count()).toBe(0);
    expect(await db.entity('attendance').count()).toBe(0);
  });

  it('refuses a change when nobody is signed in', async () => {
    await expect(
      mutateWith({ ...ctx, userId: null }, 'attendance.mark', {
        sessionId: school.session.id,
        personId: school.people[0]!.id,
        status: 'present',
      }),
    ).rejects.toThrow('Cần đăng nhập');
  });

  it('stamps clientTime and markedAt with device time corrected by the learned clock offset', async () => {
    await setMeta('clockOffsetMs', 90_000, db);
    const person = school.people[0]!;
    await mutateWith(ctx, 'attendance.mark', { sessionId: school.session.id, personId: person.id, status: 'present' });
    const corrected = new Date(NOW + 90_000).toISOString();
    expect((await db.outbox.toArray())[0]?.clientTime).toBe(corrected);
    expect((await db.entity('attendance').get([school.session.id, person.id]))?.markedAt).toBe(corrected);
  });
});
