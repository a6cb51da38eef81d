import 'fake-indexeddb/auto';
import { randomUUID } from 'node:crypto';
import { mount } from '@vue/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { defineComponent, h, ref } from 'vue';
import Dexie from 'dexie';
import { TruongAnDb as TruongAnDatabase, type TruongAnDb } from '../../../../src/client/db/database';
import { STORES_V1, STORES_V2 } from '../../../../src/client/db/schema';
import { useLiveQuery } from '../../../../src/client/db/live';
import { attendanceOfSession } from '../../../../src/client/db/repositories/attendance';
import { peopleOfSchool, studentsOfClass } from '../../../../src/client/db/repositories/people';
import { applyPullPage } from '../../../../src/client/db/repositories/pull';
import { sessionsForSchool } from '../../../../src/client/db/repositories/sessions';
import { getDeviceId } from '../../../../src/client/db/repositories/meta';
import { ENTITY_NAMES } from '../../../../src/shared/sync/wire';
import { freshDb, makeSchool, type School } from '../sync/harness';

describe('device database and repositories', () => {
  let db: TruongAnDb;
  let school: School;

  beforeEach(() => {
    db = freshDb();
    school = makeSchool(3);
  });

  afterEach(async () => {
    await db.delete();
  });

  it('has a table for every entity of the contract, and attendance keyed by (session, person)', async () => {
    await db.open();
    const names = db.tables.map((t) => t.name);
    for (const entity of ENTITY_NAMES) expect(names).toContain(entity);
    expect(Object.keys(STORES_V1)).toEqual(expect.arrayContaining(['outbox', 'cursors', 'accounts', 'meta']));
    expect(db.table('attendance').schema.primKey.keyPath).toEqual(['sessionId', 'personId']);
    expect(db.verno).toBe(2);
  });

  it('upgrades a version 1 database to version 2 with its outbox and rows intact', async () => {
    const name = `upgrade-${randomUUID()}`;
    const v1 = new Dexie(name);
    v1.version(1).stores(STORES_V1);
    await v1.table('outbox').add({
      id: 'm1',
      userId: 'u1',
      name: 'attendance.mark',
      args: {},
      clientTime: '2026-01-01T00:00:00Z',
      state: 'pending',
      attempts: 0,
      targets: ['attendance:s:p'],
    });
    await v1.table('meta').put({ key: 'clientId', value: 'device-1' });
    v1.close();
    const upgraded = new TruongAnDatabase(name);
    await upgraded.open();
    expect(upgraded.verno).toBe(2);
    expect(await upgraded.outbox.count()).toBe(1);
    expect((await upgraded.meta.get('clientId'))?.value).toBe('device-1');
    expect(upgraded.tables.map((t) => t.name)).toEqual(expect.arrayContaining(Object.keys(STORES_V2)));
    await upgraded.delete();
  });

  it('keeps one client id per device', async () => {
    const first = await getDeviceId(db);
    expect(first.length).toBeGreaterThanOrEqual(8);
    expect(await getDeviceId(db)).toBe(first);
  });

  it('applies puts and deletes of a pull page, deleting attendance known only by its id', async () => {
    const person = school.people[0]!;
    const mark = {
      id: randomUUID(),
      schoolId: school.schoolId,
      sessionId: school.session.id,
      personId: person.id,
      status: 'present',
      note: null,
      markedBy: randomUUID(),
      markedAt: '2025-10-01T01:00:00+07:00',
    };
    const first = await applyPullPage(db, 'u1', [
      { entity: 'person', op: 'put', row: person },
      { entity: 'attendance', op: 'put', row: mark },
      { entity: 'session', op: 'put', row: { ...school.session, title: '' } },
    ], 'c1');
    expect(first).toEqual({ applied: 2, skipped: 0, invalid: 1 });
    // Stored as the schema's output: instants normalised to UTC.
    expect((await db.entity('attendance').get([school.session.id, person.id]))?.markedAt).toBe('2025-09-30T18:00:00.000Z');

    const second = await applyPullPage(db, 'u1', [
      { entity: 'attendance', op: 'delete', row: { id: mark.id } },
      { entity: 'attendance', op: 'delete', row: { id: randomUUID() } },
      { entity: 'person', op: 'delete', row: { id: person.id } },
    ], 'c2');
    expect(second.applied).toBe(2);
    expect(await db.entity('attendance').count()).toBe(0);
    expect(await db.entity('person').count()).toBe(0);
    expect((await db.cursors.get('u1'))?.cursor).toBe('c2');
  });

  it('reads rosters, sessions and attendance through their schemas, skipping corrupt rows', async () => {
    const [a, b, c] = school.people as [School['people'][0], School['people'][0], School['people'][0]];
    const classId = randomUUID();
    await db.entity('person').bulkPut([
      { ...a, fullName: 'Trần Bình', classId },
      { ...b, fullName: 'Đỗ An', classId },
      { ...c, status: 'left', classId },
    ]);
    // A row written by some older or broken code: never shown.
    await db.table('person').put({ id: randomUUID(), schoolId: school.schoolId, kind: 'student', classId });
    expect((await peopleOfSchool(school.schoolId, { kind: 'student' }, db)).map((p) => p.fullName)).toEqual([
      'Đỗ An',
      'Trần Bình',
    ]);
    expect(await studentsOfClass(classId, db)).toHaveLength(2);
    expect(await peopleOfSchool(school.schoolId, { includeLeft: true }, db)).toHaveLength(3);

    const unitWide = { ...school.session, id: randomUUID(), schoolId: null, scopeUnitId: randomUUID(), startsAt: '2025-09-05T01:00:00.000Z' };
    await db.entity('session').bulkPut([school.session, unitWide]);
    expect((await sessionsForSchool(school.schoolId, { unitIds: [unitWide.scopeUnitId] }, db)).map((s) => s.id)).toEqual([
      unitWide.id,
      school.session.id,
    ]);
    expect(await sessionsForSchool(school.schoolId, { from: '2025-09-10T00:00:00.000Z' }, db)).toHaveLength(1);
    expect((await attendanceOfSession(school.session.id, db)).size).toBe(0);
  });

  it('useLiveQuery follows changes and stops listening when the component unmounts', async () => {
    const schoolId = ref(school.schoolId);
    let runs = 0;
    const Probe = defineComponent({
      setup() {
        const people = useLiveQuery(() => {
          runs += 1;
          return peopleOfSchool(schoolId.value, {}, db);
        }, [schoolId]);
        return () => h('p', people.value === undefined ? 'loading' : String(people.value.length));
      },
    });
    const wrapper = mount(Probe);
    await vi.waitFor(() => expect(wrapper.text()).toBe('0'));
    await db.entity('person').bulkPut(school.people);
    await vi.waitFor(() => expect(wrapper.text()).toBe('3'));

    schoolId.value = randomUUID();
    await vi.waitFor(() => expect(wrapper.text()).toBe('0'));

    wrapper.unmount();
    const before = runs;
    await db.entity('person').put({ ...school.people[0]!, id: randomUUID(), schoolId: schoolId.value });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(runs).toBe(before);
  });
});
