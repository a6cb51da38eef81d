import { describe, expect, it } from 'vitest';
import type { Requirement, SessionAudience } from '../../../../src/shared/domain/activities';
import { newId } from '../../../../src/shared/domain/ids';
import {
  duePeriods,
  evaluateRequirements,
  requirementAppliesTo,
  schoolContextFromUnits,
  sessionCountsFor,
  summariseDue,
  type SchoolContext,
} from '../../../../src/shared/plan/requirements';
import type { LocalDate } from '../../../../src/shared/time';
import {
  cluster, communeA, communeB, communeLegalType, dept, drillType, legalType, otherType, otherType2, requirement,
  schoolTH, schoolTHCS, schoolTHPT, session, types, units, year,
} from './plan-fixtures';

const th = schoolContextFromUnits(schoolTH, units);
const thcs = schoolContextFromUnits(schoolTHCS, units);
const thpt = schoolContextFromUnits(schoolTHPT, units);

describe('schoolContextFromUnits', () => {
  it('lists the management ancestors nearest first, then the cluster and what is above it', () => {
    expect(th.unitsAbove('2025-10-01')).toEqual([communeA, dept, cluster]);
    expect(thcs.unitsAbove('2025-10-01')).toEqual([communeB, dept]);
    expect(th.schoolLevel).toBe('th');
  });
  it('knows nothing above a school it has not got', () => {
    const unknown = schoolContextFromUnits(newId(), units);
    expect(unknown.unitsAbove('2025-10-01')).toEqual([]);
    expect(unknown.schoolLevel).toBeNull();
  });
});

describe('requirementAppliesTo: every target kind', () => {
  const d: LocalDate = '2025-10-01';
  const cases: { name: string; req: Partial<Requirement>; th: boolean; thcs: boolean; thpt: boolean }[] = [
    { name: 'all, owned by the Sở', req: { target: { kind: 'all' } }, th: true, thcs: true, thpt: true },
    { name: 'all, owned by commune A: only its schools', req: { ownerUnitId: communeA, target: { kind: 'all' } }, th: true, thcs: false, thpt: false },
    { name: 'level th', req: { target: { kind: 'level', schoolLevels: ['th'] } }, th: true, thcs: false, thpt: false },
    { name: 'levels thcs+thpt', req: { target: { kind: 'level', schoolLevels: ['thcs', 'thpt'] } }, th: false, thcs: true, thpt: true },
    { name: 'subtree commune B', req: { target: { kind: 'subtree', unitId: communeB } }, th: false, thcs: true, thpt: false },
    { name: 'subtree of one school', req: { target: { kind: 'subtree', unitId: schoolTHPT } }, th: false, thcs: false, thpt: true },
    { name: 'subtree of the Sở', req: { target: { kind: 'subtree', unitId: dept } }, th: true, thcs: true, thpt: true },
    { name: 'cluster', req: { target: { kind: 'cluster', unitId: cluster } }, th: true, thcs: false, thpt: true },
    { name: 'cluster, owned by the cluster', req: { ownerUnitId: cluster, target: { kind: 'cluster', unitId: cluster } }, th: true, thcs: false, thpt: true },
    { name: 'commune A owner naming commune B: never', req: { ownerUnitId: communeA, target: { kind: 'subtree', unitId: communeB } }, th: false, thcs: false, thpt: false },
  ];
  it.each(cases)('$name', (c) => {
    const req = requirement(c.req);
    expect([requirementAppliesTo(req, th, d), requirementAppliesTo(req, thcs, d), requirementAppliesTo(req, thpt, d)]).toEqual([
      c.th,
      c.thcs,
      c.thpt,
    ]);
  });
});

describe('duePeriods: every frequency kind', () => {
  it('year: one period over the whole year', () => {
    expect(duePeriods(requirement({ frequency: { kind: 'year', count: 2 } }), year)).toEqual([
      { key: 'year', label: '2025-2026', start: '2025-09-05', end: '2026-05-31', required: 2 },
    ]);
  });
  it('term: one per term, in term order whatever the stored order', () => {
    expect(duePeriods(requirement({ frequency: { kind: 'term', count: 1 } }), year)).toEqual([
      { key: 'term-1', label: 'Học kỳ I', start: '2025-09-05', end: '2026-01-18', required: 1 },
      { key: 'term-2', label: 'Học kỳ II', start: '2026-01-19', end: '2026-05-31', required: 1 },
    ]);
  });
  it('month: every month the year touches, clipped to the year', () => {
    const periods = duePeriods(requirement({ frequency: { kind: 'month', count: 3 } }), year);
    expect(periods).toHaveLength(9);
    expect(periods[0]).toEqual({ key: 'month-2025-09', label: '09/2025', start: '2025-09-05', end: '2025-09-30', required: 3 });
    expect(periods[5]).toEqual({ key: 'month-2026-02', label: '02/2026', start: '2026-02-01', end: '2026-02-28', required: 3 });
    expect(periods[8]).toEqual({ key: 'month-2026-05', label: '05/2026', start: '2026-05-01', end: '2026-05-31', required: 3 });
  });
  it('byDate: from the start of the year to the due date, once', () => {
    expect(duePeriods(requirement({ frequency: { kind: 'byDate', dueDate: '2025-09-30' } }), year)).toEqual([
      { key: 'by-2025-09-30', label: '30/09/2025', start: '2025-09-05', end: '2025-09-30', required: 1 },
    ]);
  });
});

describe('sessionCountsFor: every audience kind', () => {
  const classId = newId();
  const classGrade = (id: string) => (id === classId ? 7 : undefined);
  const aud = (a: Partial<SessionAudience>): SessionAudience => ({
    classIds: [], grades: [], staff: false, youthStaffOnly: false, parents: false, ...a,
  });
  const cases: { name: string; kind: Requirement['audience']['kind']; grade: number | null; audience: SessionAudience; counts: boolean }[] = [
    { name: 'staff ← all staff', kind: 'staff', grade: null, audience: aud({ staff: true }), counts: true },
    { name: 'staff ← youth staff only: does not reach everyone', kind: 'staff', grade: null, audience: aud({ staff: true, youthStaffOnly: true }), counts: false },
    { name: 'staff ← students', kind: 'staff', grade: null, audience: aud({ grades: [6] }), counts: false },
    { name: 'youth staff ← youth staff only', kind: 'youth_staff', grade: null, audience: aud({ staff: true, youthStaffOnly: true }), counts: true },
    { name: 'youth staff ← all staff', kind: 'youth_staff', grade: null, audience: aud({ staff: true }), counts: true },
    { name: 'youth staff ← parents', kind: 'youth_staff', grade: null, audience: aud({ parents: true }), counts: false },
    { name: 'students ← grades', kind: 'students', grade: null, audience: aud({ grades: [6, 7] }), counts: true },
    { name: 'students ← classes', kind: 'students', grade: null, audience: aud({ classIds: [classId] }), counts: true },
    { name: 'students ← staff', kind: 'students', grade: null, audience: aud({ staff: true }), counts: false },
    { name: 'parents ← parents', kind: 'parents', grade: null, audience: aud({ parents: true }), counts: true },
    { name: 'parents ← students', kind: 'parents', grade: null, audience: aud({ grades: [6] }), counts: false },
    { name: 'parents of grade 7 ← parents of grade 6', kind: 'parents', grade: 7, audience: aud({ parents: true, grades: [6] }), counts: false },
    { name: 'grade 7 ← grade 7', kind: 'grade', grade: 7, audience: aud({ grades: [7] }), counts: true },
    { name: 'grade 7 ← a class of grade 7', kind: 'grade', grade: 7, audience: aud({ classIds: [classId] }), counts: true },
    { name: 'grade 7 ← grade 6', kind: 'grade', grade: 7, audience: aud({ grades: [6] }), counts: false },
    { name: 'students of grade 7 ← grade 6 and 7', kind: 'students', grade: 7, audience: aud({ grades: [6, 7] }), counts: true },
  ];
  it.each(cases)('$name', (c) => {
    const req = requirement({ audience: { kind: c.kind, grade: c.grade } });
    expect(sessionCountsFor(session({ audience: c.audience }), req, types, classGrade)).toBe(c.counts);
  });

  it('type: the same id, or another type of the same kind; never a cancelled session; never "other" for "other"', () => {
    const req = requirement();
    expect(sessionCountsFor(session(), req, types)).toBe(true);
    expect(sessionCountsFor(session({ activityTypeId: communeLegalType.id }), req, types)).toBe(true);
    expect(sessionCountsFor(session({ activityTypeId: drillType.id }), req, types)).toBe(false);
    expect(sessionCountsFor(session({ status: 'cancelled' }), req, types)).toBe(false);
    const other = requirement({ activityTypeId: otherType.id });
    expect(sessionCountsFor(session({ activityTypeId: otherType2.id }), other, types)).toBe(false);
  });

  it('scenario: a named scenario must match; a rotating requirement takes any', () => {
    const quake = requirement({ activityTypeId: drillType.id, scenarioCode: 'earthquake', audience: { kind: 'students', grade: null } });
    const drill = (scenarioCode: string) => session({ activityTypeId: drillType.id, scenarioCode, audience: { classIds: [], grades: [1], staff: false, youthStaffOnly: false, parents: false } });
    expect(sessionCountsFor(drill('earthquake'), quake, types)).toBe(true);
    expect(sessionCountsFor(drill('fire_evacuation'), quake, types)).toBe(false);
    const rotate = { ...quake, scenarioCode: null, rotateScenarios: true };
    expect(sessionCountsFor(drill('fire_evacuation'), rotate, types)).toBe(true);
  });
});

describe('evaluateRequirements', () => {
  const perTerm = requirement({ activityTypeId: drillType.id, rotateScenarios: true, frequency: { kind: 'term', count: 1 }, audience: { kind: 'students', grade: null } });
  const drill = (startsAt: string, extra = {}) =>
    session({
      activityTypeId: drillType.id,
      scenarioCode: 'fire_evacuation',
      startsAt,
      endsAt: new Date(Date.parse(startsAt) + 3600_000).toISOString(),
      audience: { classIds: [], grades: [1, 2], staff: false, youthStaffOnly: false, parents: false },
      ...extra,
    });
  const evaluate = (reqs: Requirement[], sessions: ReturnType<typeof session>[], today: LocalDate, school: SchoolContext = th) =>
    evaluateRequirements({ requirements: reqs, activityTypes: types, school, year, sessions, today });
  const statuses = (items: ReturnType<typeof evaluate>) => items.map((i) => `${i.period.key}:${i.status}`);

  const table: { name: string; sessions: ReturnType<typeof session>[]; today: LocalDate; expected: string[] }[] = [
    { name: 'nothing planned, early in the year', sessions: [], today: '2025-09-10', expected: ['term-1:not_scheduled', 'term-2:not_scheduled'] },
    { name: 'a drill planned in HK I', sessions: [drill('2025-10-14T01:00:00.000Z')], today: '2025-09-10', expected: ['term-1:scheduled', 'term-2:not_scheduled'] },
    { name: 'the drill held', sessions: [drill('2025-10-14T01:00:00.000Z')], today: '2025-10-20', expected: ['term-1:done', 'term-2:not_scheduled'] },
    { name: 'marked done counts on the same day', sessions: [drill('2025-10-14T01:00:00.000Z', { status: 'done' })], today: '2025-10-14', expected: ['term-1:done', 'term-2:not_scheduled'] },
    { name: 'planned today is still scheduled', sessions: [drill('2025-10-14T01:00:00.000Z')], today: '2025-10-14', expected: ['term-1:scheduled', 'term-2:not_scheduled'] },
    { name: 'HK I ended without a drill', sessions: [], today: '2026-01-19', expected: ['term-1:overdue', 'term-2:not_scheduled'] },
    { name: 'a cancelled drill does not count', sessions: [drill('2025-10-14T01:00:00.000Z', { status: 'cancelled' })], today: '2026-02-01', expected: ['term-1:overdue', 'term-2:not_scheduled'] },
    // 23:30 UTC on 18 January is 06:30 on 19 January in Hà Nội: the first day of HK II, not the last of HK I.
    { name: 'term boundary: 23:30 UTC on the last day of HK I counts in HK II', sessions: [drill('2026-01-18T23:30:00.000Z')], today: '2026-02-01', expected: ['term-1:overdue', 'term-2:done'] },
    { name: 'term boundary: 16:59 UTC on the last day of HK I counts in HK I', sessions: [drill('2026-01-18T16:59:00.000Z')], today: '2026-02-01', expected: ['term-1:done', 'term-2:not_scheduled'] },
    { name: 'a city-wide drill day counts at every school of the Sở', sessions: [drill('2025-11-09T01:00:00.000Z', { schoolId: null, scopeUnitId: dept })], today: '2025-12-01', expected: ['term-1:done', 'term-2:not_scheduled'] },
    { name: 'a drill of commune B does not count at a school of commune A', sessions: [drill('2025-11-09T01:00:00.000Z', { schoolId: null, scopeUnitId: communeB })], today: '2025-12-01', expected: ['term-1:not_scheduled', 'term-2:not_scheduled'] },
    { name: 'another school\'s drill does not count', sessions: [drill('2025-11-09T01:00:00.000Z', { schoolId: schoolTHCS, scopeUnitId: schoolTHCS })], today: '2025-12-01', expected: ['term-1:not_scheduled', 'term-2:not_scheduled'] },
    { name: 'another year\'s drill does not count', sessions: [drill('2025-11-09T01:00:00.000Z', { schoolYearId: newId() })], today: '2025-12-01', expected: ['term-1:not_scheduled', 'term-2:not_scheduled'] },
  ];
  it.each(table)('$name', (c) => {
    expect(statuses(evaluate([perTerm], c.sessions, c.today))).toEqual(c.expected);
  });

  it('counts toward a count: 2 per year needs two held sessions', () => {
    const twice = requirement({ frequency: { kind: 'year', count: 2 } });
    const one = session({ startsAt: '2025-10-10T01:00:00.000Z', endsAt: '2025-10-10T02:00:00.000Z' });
    const two = session({ startsAt: '2026-03-10T01:00:00.000Z', endsAt: '2026-03-10T02:00:00.000Z' });
    expect(statuses(evaluate([twice], [one], '2025-11-01'))).toEqual(['year:not_scheduled']);
    expect(statuses(evaluate([twice], [one, two], '2025-11-01'))).toEqual(['year:scheduled']);
    expect(statuses(evaluate([twice], [one, two], '2026-04-01'))).toEqual(['year:done']);
    expect(statuses(evaluate([twice], [one], '2026-06-01'))).toEqual(['year:overdue']);
    const items = evaluate([twice], [two, one], '2025-11-01');
    expect(items[0]!.sessions.map((s) => s.id)).toEqual([one.id, two.id]);
  });

  it('byDate: overdue the day after the due date, not on it', () => {
    const byDate = requirement({ frequency: { kind: 'byDate', dueDate: '2025-09-30' } });
    expect(statuses(evaluate([byDate], [], '2025-09-30'))).toEqual(['by-2025-09-30:not_scheduled']);
    expect(statuses(evaluate([byDate], [], '2025-10-01'))).toEqual(['by-2025-09-30:overdue']);
    const late = session({ startsAt: '2025-10-03T01:00:00.000Z', endsAt: '2025-10-03T02:00:00.000Z' });
    expect(statuses(evaluate([byDate], [late], '2025-10-05'))).toEqual(['by-2025-09-30:overdue']);
  });

  it('month: each month measured apart', () => {
    const monthly = requirement({ frequency: { kind: 'month', count: 1 } });
    const oct = session({ startsAt: '2025-10-10T01:00:00.000Z', endsAt: '2025-10-10T02:00:00.000Z' });
    const items = evaluate([monthly], [oct], '2025-11-15');
    expect(statuses(items).slice(0, 4)).toEqual(['month-2025-09:overdue', 'month-2025-10:done', 'month-2025-11:not_scheduled', 'month-2025-12:not_scheduled']);
  });

  it('leaves out requirements of other years and schools outside the target', () => {
    const otherYear = requirement({ schoolYearId: newId() });
    const onlyB = requirement({ target: { kind: 'subtree', unitId: communeB } });
    expect(evaluate([otherYear, onlyB], [], '2025-10-01')).toEqual([]);
    expect(evaluate([onlyB], [], '2025-10-01', thcs)).toHaveLength(1);
  });

  it('a school moved from commune A to commune B on 1 January: each commune\'s term requirement applies to its own term', () => {
    const moved: SchoolContext = {
      id: schoolTH,
      schoolLevel: 'th',
      unitsAbove: (date) => (date < '2026-01-01' ? [communeA, dept, cluster] : [communeB, dept, cluster]),
    };
    const byA = requirement({ ownerUnitId: communeA, target: { kind: 'subtree', unitId: communeA }, frequency: { kind: 'term', count: 1 } });
    const byB = requirement({ ownerUnitId: communeB, target: { kind: 'subtree', unitId: communeB }, frequency: { kind: 'term', count: 1 } });
    // HK I falls due on 18 January, when the school is already B's; the judgement is made on each period's last day.
    const items = evaluate([byA, byB], [], '2025-10-01', moved);
    expect(items.map((i) => `${i.requirement === byA ? 'A' : 'B'}:${i.period.key}`)).toEqual(['B:term-1', 'B:term-2']);

    const movedInNovember: SchoolContext = { ...moved, unitsAbove: (date) => (date < '2026-02-01' ? [communeA, dept] : [communeB, dept]) };
    const split = evaluate([byA, byB], [], '2025-10-01', movedInNovember);
    expect(split.map((i) => `${i.requirement === byA ? 'A' : 'B'}:${i.period.key}`)).toEqual(['A:term-1', 'B:term-2']);

    // A unit-wide session of commune A held before the move counts; one after the move does not.
    const yearly = requirement({ frequency: { kind: 'year', count: 1 } });
    const beforeMove = session({ schoolId: null, scopeUnitId: communeA, startsAt: '2025-12-01T01:00:00.000Z', endsAt: '2025-12-01T02:00:00.000Z' });
    const afterMove = session({ schoolId: null, scopeUnitId: communeA, startsAt: '2026-03-01T01:00:00.000Z', endsAt: '2026-03-01T02:00:00.000Z' });
    expect(statuses(evaluate([yearly], [beforeMove], '2026-04-01', moved))).toEqual(['year:done']);
    expect(statuses(evaluate([yearly], [afterMove], '2026-04-01', moved))).toEqual(['year:not_scheduled']);
  });

  it('summariseDue counts each status', () => {
    const perTermDrill = evaluate([perTerm], [], '2026-01-20');
    const legal = evaluate([requirement({ activityTypeId: legalType.id })], [session()], '2026-01-20');
    expect(summariseDue([...perTermDrill, ...legal])).toEqual({ not_scheduled: 1, scheduled: 0, done: 1, overdue: 1 });
  });
});
