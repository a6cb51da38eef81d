import 'fake-indexeddb/auto';
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { newId } from '../../../../src/shared/domain/ids';
import { mutateWith } from '../../../../src/client/sync/mutate';
import { isPending } from '../../../../src/client/db/repositories/outbox';
import type { TruongAnDb } from '../../../../src/client/db/database';
import { freshDb } from '../sync/harness';
import { makeWorld, plannedSession, requirement, seedWorld, type PlanWorld } from './harness';

let db: TruongAnDb;
let world: PlanWorld;
const userId = randomUUID();
const at = Date.parse('2025-10-01T02:00:00Z');
const ctx = () => ({ db, userId, now: () => at });

describe('appliers of the planning mutations', () => {
  beforeEach(async () => {
    db = freshDb();
    world = makeWorld();
    await seedWorld({ db } as never, world);
  });
  afterEach(async () => {
    await db.delete();
  });

  it('session.create puts a planned session at revision 0 by the user, with its series, and queues it', async () => {
    const id = newId();
    const seriesId = newId();
    const s = plannedSession(world);
    const { id: mutationId } = await mutateWith(ctx(), 'session.create', {
      id,
      schoolId: s.schoolId,
      scopeUnitId: s.scopeUnitId,
      schoolYearId: s.schoolYearId,
      seriesId,
      title: s.title,
      activityTypeId: s.activityTypeId,
      scenarioCode: s.scenarioCode,
      startsAt: s.startsAt,
      endsAt: s.endsAt,
      place: s.place,
      audience: s.audience,
      facilitatorPersonId: null,
      trainerUserId: null,
      materialIds: [],
      periods: null,
    });
    const row = await db.entity('session').get(id);
    expect(row).toMatchObject({ id, status: 'planned', revision: 0, createdBy: userId, seriesId, title: s.title });
    const entry = await db.outbox.where('id').equals(mutationId).first();
    expect(entry).toMatchObject({ name: 'session.create', state: 'pending', targets: [`session:${id}`] });
    expect(await isPending('session', id, db)).toBe(true);
    // The server had no such row: the entry records that it created it (nothing kept aside), so discarding removes it.
    expect(entry?.created).toEqual([`session:${id}`]);
    expect(await db.serverRows.get(['session', id])).toBeUndefined();
  });

  it('session.update writes the fields and the revision the server will give (base + 1)', async () => {
    const s = plannedSession(world, { revision: 4 });
    await db.entity('session').put(s);
    await mutateWith(ctx(), 'session.update', {
      id: s.id,
      baseRevision: 4,
      fields: { ...pick(s), title: 'Diễn tập động đất', scenarioCode: 'earthquake', place: null },
    });
    const row = await db.entity('session').get(s.id);
    expect(row).toMatchObject({ title: 'Diễn tập động đất', scenarioCode: 'earthquake', place: null, revision: 5, status: 'planned' });
    // The server's row before the edit is kept for "Dùng bản trên máy chủ".
    expect((await db.serverRows.get(['session', s.id]))?.row).toMatchObject({ title: s.title, revision: 4 });
  });

  it('session.cancel marks the session cancelled and bumps its revision', async () => {
    const s = plannedSession(world, { revision: 1 });
    await db.entity('session').put(s);
    await mutateWith(ctx(), 'session.cancel', { id: s.id, baseRevision: 1, reason: 'Trời mưa to' });
    expect(await db.entity('session').get(s.id)).toMatchObject({ status: 'cancelled', revision: 2, title: s.title });
  });

  it('an edit of a session the device does not hold writes nothing, neither row nor outbox entry', async () => {
    const s = plannedSession(world);
    await expect(mutateWith(ctx(), 'session.update', { id: s.id, baseRevision: 0, fields: pick(s) })).rejects.toThrow(
      /Không tìm thấy buổi/,
    );
    expect(await db.outbox.count()).toBe(0);
    expect(await db.entity('session').count()).toBe(0);
  });

  it('an invalid session (end before start) is refused with the shared message before anything is written', async () => {
    const s = plannedSession(world);
    await db.entity('session').put(s);
    await expect(
      mutateWith(ctx(), 'session.update', { id: s.id, baseRevision: 2, fields: { ...pick(s), endsAt: s.startsAt } }),
    ).rejects.toThrow(/giờ kết thúc phải sau giờ bắt đầu/);
    expect(await db.outbox.count()).toBe(0);
    expect(await db.entity('session').get(s.id)).toEqual(s);
  });

  it('requirement.save and requirement.remove change the row and queue the change', async () => {
    const req = requirement(world);
    await mutateWith(ctx(), 'requirement.save', req);
    expect(await db.entity('requirement').get(req.id)).toEqual(req);
    await mutateWith(ctx(), 'requirement.remove', { id: req.id });
    expect(await db.entity('requirement').get(req.id)).toBeUndefined();
    const entries = await db.outbox.orderBy('seq').toArray();
    expect(entries.map((e) => [e.name, e.targets])).toEqual([
      ['requirement.save', [`requirement:${req.id}`]],
      ['requirement.remove', [`requirement:${req.id}`]],
    ]);
  });

  it('activityType.save replaces the whole row', async () => {
    const changed = { ...world.drill, scenarios: [...world.drill.scenarios, { code: 'flood_storm', name: 'Bão, lũ', nameEn: 'Storm and flood' }] };
    await mutateWith(ctx(), 'activityType.save', changed);
    expect(await db.entity('activityType').get(world.drill.id)).toEqual(changed);
    expect(await isPending('activityType', world.drill.id, db)).toBe(true);
  });
});

function pick(s: ReturnType<typeof plannedSession>) {
  const { title, activityTypeId, scenarioCode, startsAt, endsAt, place, audience, facilitatorPersonId, trainerUserId, materialIds, periods } = s;
  return { title, activityTypeId, scenarioCode, startsAt, endsAt, place, audience, facilitatorPersonId, trainerUserId, materialIds, periods };
}

describe('a cancelled session', () => {
  beforeEach(async () => {
    db = freshDb();
    world = makeWorld();
    await seedWorld({ db } as never, world);
  });
  afterEach(async () => {
    await db.delete();
  });

  it('is neither edited nor cancelled again, as the server refuses both', async () => {
    const s = plannedSession(world, { status: 'cancelled', revision: 5 });
    await db.entity('session').put(s);
    await expect(mutateWith(ctx(), 'session.cancel', { id: s.id, baseRevision: 5, reason: null })).rejects.toThrow(/cancelled/);
    expect(await db.outbox.count()).toBe(0);
    expect(await db.entity('session').get(s.id)).toEqual(s);
  });
});
