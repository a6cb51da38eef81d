import { describe, expect, it } from 'vitest';
import type { Class } from '../../../../src/shared/domain/people';
import { newId } from '../../../../src/shared/domain/ids';
import { proposePlan } from '../../../../src/shared/plan/proposal';
import { evaluateRequirements, schoolContextFromUnits } from '../../../../src/shared/plan/requirements';
import { SessionFieldsSchema, checkSessionFields, sessionOutsideSchoolYear } from '../../../../src/shared/plan/session-input';
import { hanoiDate, type LocalDate } from '../../../../src/shared/time';
import {
  drillType, legalType, parentType, requirement, schoolTH, session, trafficType, trainingType, types, units, year,
} from './plan-fixtures';

const school = schoolContextFromUnits(schoolTH, units);
const classes: Class[] = [1, 2, 3].map((grade) => ({
  id: newId(), schoolId: schoolTH, schoolYearId: year.id, grade, name: `${grade}A`, code: null, homeroomPersonId: null, status: 'active',
}));

const drillPerTerm = requirement({
  activityTypeId: drillType.id, rotateScenarios: true, frequency: { kind: 'term', count: 1 }, audience: { kind: 'students', grade: null },
});
const legalYearly = requirement({ activityTypeId: legalType.id, frequency: { kind: 'year', count: 1 }, audience: { kind: 'staff', grade: null } });
const trafficBySept = requirement({ activityTypeId: trafficType.id, frequency: { kind: 'byDate', dueDate: '2025-09-30' }, audience: { kind: 'students', grade: null } });
const parentsPerTerm = requirement({ activityTypeId: parentType.id, frequency: { kind: 'term', count: 1 }, audience: { kind: 'parents', grade: null } });
const youthTraining = requirement({ activityTypeId: trainingType.id, frequency: { kind: 'year', count: 2 }, audience: { kind: 'youth_staff', grade: null } });
const all = [drillPerTerm, legalYearly, trafficBySept, parentsPerTerm, youthTraining];

const propose = (sessions: ReturnType<typeof session>[], today: LocalDate) =>
  proposePlan({ requirements: all, activityTypes: types, school, year, sessions, classes, today });

const weekday = (instant: string) => new Date(Date.parse(instant) + 7 * 3600_000).getUTCDay();
const localTime = (instant: string) => new Date(Date.parse(instant) + 7 * 3600_000).toISOString().slice(11, 16);

describe('proposePlan', () => {
  const proposals = propose([], '2025-09-01');

  it('proposes what each requirement still needs: 2 drills, 1 legal, 1 traffic, 2 parent sessions, 2 trainings', () => {
    const count = (id: string) => proposals.filter((p) => p.requirementId === id).length;
    expect([drillPerTerm, legalYearly, trafficBySept, parentsPerTerm, youthTraining].map((r) => count(r.id))).toEqual([2, 1, 1, 2, 2]);
    expect(proposals.every((p) => p.schoolId === schoolTH && p.scopeUnitId === schoolTH && p.schoolYearId === year.id)).toBe(true);
  });

  it('every proposal is a valid session inside the year, on a weekday, in school hours, and the plan is then covered', () => {
    for (const p of proposals) {
      const parsed = SessionFieldsSchema.superRefine(checkSessionFields).safeParse(p.fields);
      expect(parsed.success).toBe(true);
      expect(sessionOutsideSchoolYear(p.fields, year)).toBeNull();
      expect([1, 2, 3, 4, 5]).toContain(weekday(p.fields.startsAt));
      expect(['07:30', '14:00']).toContain(localTime(p.fields.startsAt));
    }
    const asSessions = proposals.map((p) => session({ ...p.fields, schoolId: p.schoolId, scopeUnitId: p.scopeUnitId }));
    const items = evaluateRequirements({ requirements: all, activityTypes: types, school, year, sessions: asSessions, today: '2025-09-01' });
    expect(items.every((i) => i.status === 'scheduled')).toBe(true);
    expect(propose(asSessions, '2025-09-01')).toEqual([]);
  });

  it('puts traffic safety in September, legal education early, one drill in each term, parent sessions at term starts', () => {
    const dateOf = (id: string) => proposals.filter((p) => p.requirementId === id).map((p) => hanoiDate(p.fields.startsAt));
    const [traffic] = dateOf(trafficBySept.id);
    expect(traffic! >= '2025-09-05' && traffic! <= '2025-09-30').toBe(true);
    expect(dateOf(legalYearly.id)[0]! < '2025-11-01').toBe(true);
    const drills = dateOf(drillPerTerm.id);
    expect(drills[0]! >= '2025-09-05' && drills[0]! <= '2026-01-18').toBe(true);
    expect(drills[1]! >= '2026-01-19' && drills[1]! <= '2026-05-31').toBe(true);
    const parents = dateOf(parentsPerTerm.id);
    expect(parents[0]! < '2025-10-01').toBe(true);
    expect(parents[1]! >= '2026-01-19' && parents[1]! < '2026-02-28').toBe(true);
    expect(new Set(proposals.map((p) => hanoiDate(p.fields.startsAt))).size).toBe(proposals.length);
  });

  it('rotates drill scenarios after the one last drilled, and sets the audience from the requirement', () => {
    const drills = proposals.filter((p) => p.requirementId === drillPerTerm.id);
    expect(drills.map((d) => d.fields.scenarioCode)).toEqual(['fire_evacuation', 'earthquake']);
    expect(drills[0]!.fields.audience.grades).toEqual([1, 2, 3]);
    expect(drills[0]!.fields.title).toBe('Diễn tập PCCC và CNCH – Cháy, thoát nạn');

    const heldEarthquake = session({
      activityTypeId: drillType.id, scenarioCode: 'earthquake', startsAt: '2025-10-14T01:00:00.000Z', endsAt: '2025-10-14T02:00:00.000Z',
      audience: { classIds: [], grades: [1], staff: false, youthStaffOnly: false, parents: false },
    });
    const next = propose([heldEarthquake], '2025-11-01').filter((p) => p.requirementId === drillPerTerm.id);
    expect(next.map((d) => [d.periodKey, d.fields.scenarioCode])).toEqual([['term-2', 'first_aid']]);

    const training = proposals.filter((p) => p.requirementId === youthTraining.id);
    expect(training[0]!.fields.audience).toMatchObject({ staff: true, youthStaffOnly: true });
    expect(training[0]!.fields.periods).toBe(2);
    expect(proposals.find((p) => p.requirementId === parentsPerTerm.id)!.fields.audience.parents).toBe(true);
  });

  it('proposes nothing for periods already over or covered, and never before today', () => {
    const later = propose([], '2026-02-10');
    expect(later.some((p) => p.requirementId === trafficBySept.id)).toBe(false);
    expect(later.filter((p) => p.requirementId === drillPerTerm.id).map((p) => p.periodKey)).toEqual(['term-2']);
    expect(later.every((p) => hanoiDate(p.fields.startsAt) >= '2026-02-10')).toBe(true);
  });
});
