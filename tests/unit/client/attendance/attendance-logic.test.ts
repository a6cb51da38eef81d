import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { inOneLocalTransaction } from '../../../../src/client/db/repositories/attendance-view';
import { nextTapStatus, unmarkedOf } from '../../../../src/client/features/attendance/roster-view';
import { rosterSchoolOf, schoolsOfUser, unitsAbove } from '../../../../src/client/features/attendance/scope';
import { nameMatches, searchKey } from '../../../../src/client/features/attendance/search';
import { sessionsOfTab, sessionWhen } from '../../../../src/client/features/attendance/session-list';
import { mutate } from '../../../../src/client/sync/mutate';
import { makeFixture, sessionAt, signedInTeacher, type Harness } from './setup';

let harness: Harness | null = null;
afterEach(async () => {
  harness?.runtime.engine.stop();
  await harness?.db.delete();
  harness = null;
});

describe('attendance logic', () => {
  it('folds Vietnamese names for search', () => {
    expect(searchKey('  Đỗ   Thị Lệ ')).toBe('do thi le');
    expect(nameMatches(searchKey('Nguyễn Văn An'), 'NGUYEN an')).toBe(true);
    expect(nameMatches(searchKey('Nguyễn Văn An'), 'Nguyễn Văn')).toBe(true);
    expect(nameMatches(searchKey('Nguyễn Văn An'), 'binh')).toBe(false);
  });

  it('toggles present and absent, and "all present" leaves existing marks alone', () => {
    expect(nextTapStatus('none')).toBe('present');
    expect(nextTapStatus('present')).toBe('absent');
    expect(nextTapStatus('late')).toBe('absent');
    expect(nextTapStatus('absent')).toBe('present');
    expect(nextTapStatus('excused')).toBe('present');
    const { people } = makeFixture();
    const marks = new Map([[people[0]!.id, { status: 'absent' as const }]]);
    expect(unmarkedOf(people, marks)).toEqual(people.slice(1));
  });

  it('places a school under its parents and its cluster, and picks the roster school of a unit-wide session', () => {
    const f = makeFixture();
    const units = [f.department, f.cluster, f.commune, f.school, f.otherSchool];
    const byId = new Map(units.map((u) => [u.id, u]));
    expect(new Set(unitsAbove(f.school.id, byId))).toEqual(new Set([f.commune.id, f.department.id, f.cluster.id]));
    const [mine] = schoolsOfUser([{ role: 'teacher', unitId: f.school.id, unitName: f.school.name }], units);
    expect(mine?.schoolId).toBe(f.school.id);
    const officerSchools = schoolsOfUser([{ role: 'officer', unitId: f.commune.id, unitName: f.commune.name }], units);
    expect(officerSchools.map((s) => s.schoolId).sort()).toEqual([f.school.id, f.otherSchool.id].sort());
    const communeWide = sessionAt(f, { schoolId: null, scopeUnitId: f.commune.id });
    expect(rosterSchoolOf(communeWide, officerSchools, f.otherSchool.id)).toBe(f.otherSchool.id);
    expect(rosterSchoolOf(communeWide, [mine!], null)).toBe(f.school.id);
  });

  it('sorts tabs by Hà Nội week and shows times in Hà Nội whatever the device zone', () => {
    const f = makeFixture();
    // Monday 6 October 2025, 09:00 in Hà Nội.
    const now = new Date('2025-10-06T02:00:00.000Z');
    const at = (iso: string, hours = 2) =>
      ({ session: sessionAt(f, { startsAt: iso, endsAt: new Date(Date.parse(iso) + hours * 3600_000).toISOString() }) });
    const sundayNight = at('2025-10-12T16:30:00.000Z', 1); // 23:30 Sunday in Hà Nội: this week
    const nextMonday = at('2025-10-12T17:30:00.000Z'); // 00:30 next Monday in Hà Nội
    const lastWeek = at('2025-10-03T01:00:00.000Z');
    const entries = [nextMonday, sundayNight, lastWeek];
    expect(sessionsOfTab(entries, 'week', now)).toEqual([sundayNight]);
    expect(sessionsOfTab(entries, 'upcoming', now)).toEqual([sundayNight, nextMonday]);
    expect(sessionsOfTab(entries, 'past', now)).toEqual([lastWeek]);
    expect(sessionWhen(sundayNight.session, 'vi', now)).toBe('Chủ Nhật, 12/10 · 23:30–13/10 00:30');
    expect(sessionWhen(lastWeek.session, 'en', now)).toBe('Friday, 03/10 · 08:00–10:00');
  });

  it('writes several marks in one transaction: all of them or none', async () => {
    const fixture = makeFixture();
    harness = await signedInTeacher(fixture);
    const [a, b] = fixture.people;
    const mark = (personId: string) =>
      mutate('attendance.mark', { sessionId: fixture.session.id, personId, status: 'present' });

    await inOneLocalTransaction(async () => {
      await mark(a!.id);
      await mark(b!.id);
    }, harness.db);
    expect(await harness.db.outbox.count()).toBe(2);

    await expect(
      inOneLocalTransaction(async () => {
        await mark(fixture.people[2]!.id);
        await mark('01990000-0000-7000-8000-000000000000'); // nobody on this device
      }, harness.db),
    ).rejects.toThrow();
    expect(await harness.db.outbox.count()).toBe(2);
    expect(await harness.db.entity('attendance').count()).toBe(2);
  });
});
