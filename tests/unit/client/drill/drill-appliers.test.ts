import 'fake-indexeddb/auto';
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Person } from '../../../../src/shared/domain';
import { drillHeadcountId, drillRecordId } from '../../../../src/shared/drill';
import { mutateWith } from '../../../../src/client/sync/mutate';
import { isPending } from '../../../../src/client/db/repositories/outbox';
import type { TruongAnDb } from '../../../../src/client/db/database';
import { freshDb } from '../sync/harness';
import { makeWorld, plannedSession, seedWorld, type PlanWorld } from '../plans/harness';

let db: TruongAnDb;
let world: PlanWorld;
const userId = randomUUID();
let now = Date.parse('2025-10-15T01:00:00Z');
const ctx = () => ({ db, userId, now: () => now });

function pupils(classId: string, n: number): Person[] {
  return Array.from({ length: n }, (_, i) => ({
    id: randomUUID(),
    schoolId: world.school.id,
    kind: 'student' as const,
    fullName: `Học sinh ${i}`,
    code: null,
    birthYear: 2018,
    sex: null,
    classId,
    roleTags: [],
    studentIds: [],
    status: 'active' as const,
    joinedOn: null,
    leftOn: null,
  }));
}

describe('appliers of drill mode', () => {
  let sessionId: string;
  let c1: string;
  let c2: string;
  let class1: Person[];

  beforeEach(async () => {
    db = freshDb();
    world = makeWorld();
    await seedWorld({ db } as never, world);
    const s = plannedSession(world);
    sessionId = s.id;
    await db.entity('session').put(s);
    c1 = world.classes[0]!.id;
    c2 = world.classes[1]!.id;
    class1 = pupils(c1, 5);
    await db.entity('person').bulkPut([...class1, ...pupils(c2, 3)]);
  });
  afterEach(async () => {
    await db.delete();
  });

  it('start, two headcounts, observations and all clear leave the record the server will store, all queued', async () => {
    await mutateWith(ctx(), 'drill.start', { sessionId, scenarioCode: null, alarmAt: '2025-10-15T01:00:00.000Z' });
    now += 60_000;
    await mutateWith(ctx(), 'drill.headcount', {
      sessionId,
      classId: c1,
      presentCount: 3,
      missingCount: 1,
      absentCount: 1,
      missingPersonIds: [class1[0]!.id],
    });
    await mutateWith(ctx(), 'drill.headcount', { sessionId, classId: c2, presentCount: 3, missingCount: 0, absentCount: 0, missingPersonIds: [] });
    await mutateWith(ctx(), 'drill.observe', { sessionId, observations: ['slow_start'], notes: 'Còi báo yếu ở tầng 3', photoHashes: ['ab'.repeat(32)] });
    await mutateWith(ctx(), 'drill.allClear', { sessionId, allClearAt: '2025-10-15T01:03:20.000Z' });

    const records = await db.entity('drillRecord').where('sessionId').equals(sessionId).toArray();
    expect(records).toHaveLength(1);
    expect(records[0]).toEqual({
      id: drillRecordId(sessionId),
      schoolId: world.school.id,
      sessionId,
      scenarioCode: 'fire_evacuation',
      alarmAt: '2025-10-15T01:00:00.000Z',
      allClearAt: '2025-10-15T01:03:20.000Z',
      evacuationSeconds: 200,
      expectedCount: 7,
      accountedCount: 6,
      missingCount: 1,
      observations: ['slow_start'],
      notes: 'Còi báo yếu ở tầng 3',
      photoHashes: ['ab'.repeat(32)],
    });
    const hc = await db.entity('drillHeadcount').get(drillHeadcountId(sessionId, c1));
    expect(hc).toMatchObject({ presentCount: 3, missingCount: 1, reportedBy: userId, reportedAt: '2025-10-15T01:01:00.000Z' });
    expect((await db.outbox.toArray()).map((e) => e.name)).toEqual([
      'drill.start',
      'drill.headcount',
      'drill.headcount',
      'drill.observe',
      'drill.allClear',
    ]);
    expect(await isPending('drillRecord', drillRecordId(sessionId), db)).toBe(true);
    expect(await isPending('drillHeadcount', drillHeadcountId(sessionId, c2), db)).toBe(true);
  });

  it('a later report of a class replaces the earlier one (a missing pupil found) and the totals follow', async () => {
    const args = { sessionId, classId: c1, presentCount: 3, missingCount: 2, absentCount: 0, missingPersonIds: [class1[0]!.id, class1[1]!.id] };
    await mutateWith(ctx(), 'drill.headcount', args);
    await mutateWith(ctx(), 'drill.headcount', { ...args, presentCount: 4, missingCount: 1, missingPersonIds: [class1[1]!.id] });
    expect(await db.entity('drillHeadcount').where('sessionId').equals(sessionId).count()).toBe(1);
    const [record] = await db.entity('drillRecord').where('sessionId').equals(sessionId).toArray();
    // Reported before the start reached this tablet: counted, the alarm still unknown.
    expect(record).toMatchObject({ alarmAt: null, expectedCount: 5, accountedCount: 4, missingCount: 1 });
  });

  it('refuses here what the server refuses, writing neither row nor outbox entry', async () => {
    await expect(
      mutateWith(ctx(), 'drill.headcount', { sessionId, classId: c2, presentCount: 3, missingCount: 1, absentCount: 0, missingPersonIds: [] }),
    ).rejects.toThrow(/lớn hơn sĩ số lớp \(3\)/);
    await expect(
      mutateWith(ctx(), 'drill.headcount', { sessionId, classId: c2, presentCount: 1, missingCount: 1, absentCount: 0, missingPersonIds: [class1[0]!.id] }),
    ).rejects.toThrow(/không thuộc lớp/);
    await expect(mutateWith(ctx(), 'drill.allClear', { sessionId, allClearAt: '2025-10-15T01:03:20.000Z' })).rejects.toThrow(/chưa bắt đầu/);
    await mutateWith(ctx(), 'drill.start', { sessionId, scenarioCode: 'earthquake', alarmAt: '2025-10-15T01:00:00.000Z' });
    await expect(mutateWith(ctx(), 'drill.allClear', { sessionId, allClearAt: '2025-10-15T00:59:00.000Z' })).rejects.toThrow(/sớm hơn/);
    const other = plannedSession(world, { activityTypeId: world.traffic.id, scenarioCode: null });
    await db.entity('session').put(other);
    await expect(
      mutateWith(ctx(), 'drill.start', { sessionId: other.id, scenarioCode: null, alarmAt: '2025-10-15T01:00:00.000Z' }),
    ).rejects.toThrow(/không phải buổi diễn tập/);
    expect(await db.entity('drillHeadcount').count()).toBe(0);
    expect((await db.outbox.toArray()).map((e) => e.name)).toEqual(['drill.start']);
    expect(await db.entity('drillRecord').where('sessionId').equals(sessionId).first()).toMatchObject({ scenarioCode: 'earthquake', allClearAt: null });
  });

  it('adds photos to those already recorded and refuses a start after the all clear', async () => {
    await mutateWith(ctx(), 'drill.start', { sessionId, scenarioCode: null, alarmAt: '2025-10-15T01:00:00.000Z' });
    await mutateWith(ctx(), 'drill.observe', { sessionId, observations: [], notes: null, photoHashes: ['ab'.repeat(32)] });
    await mutateWith(ctx(), 'drill.observe', { sessionId, observations: ['panic'], notes: '', photoHashes: ['cd'.repeat(32), 'ab'.repeat(32)] });
    await mutateWith(ctx(), 'drill.allClear', { sessionId, allClearAt: '2025-10-15T01:02:00.000Z' });
    await expect(mutateWith(ctx(), 'drill.start', { sessionId, scenarioCode: null, alarmAt: '2025-10-15T01:10:00.000Z' })).rejects.toThrow(/đã kết thúc/);
    const record = await db.entity('drillRecord').get(drillRecordId(sessionId));
    expect(record).toMatchObject({ photoHashes: ['ab'.repeat(32), 'cd'.repeat(32)], observations: ['panic'], notes: null, evacuationSeconds: 120 });
  });
});
