import { describe, expect, it } from 'vitest';
import type { ActivityType, Class, Person, SessionAudience } from '../../../../src/shared/domain';
import { newId } from '../../../../src/shared/domain/ids';
import { isInAudience } from '../../../../src/shared/domain/audience';
import { sessionRoster } from '../../../../src/shared/domain/roster';
import { audienceIsEmpty } from '../../../../src/shared/plan/session-input';
import type { IndicatorResult } from '../../../../src/shared/coverage/types';
import { makeUpActivityType, makeUpDraft } from '../../../../src/client/features/coverage/make-up';

const school = newId();
const cls = (name: string, grade: number): Class => ({
  id: newId(), schoolId: school, schoolYearId: newId(), grade, name, code: null, homeroomPersonId: null, status: 'active',
});
const person = (fullName: string, kind: Person['kind'], extra: Partial<Person> = {}): Person => ({
  id: newId(), schoolId: school, kind, fullName, code: null, birthYear: null, sex: null, classId: null,
  roleTags: [], studentIds: [], status: 'active', joinedOn: null, leftOn: null, ...extra,
});
const none: SessionAudience = { classIds: [], grades: [], staff: false, youthStaffOnly: false, parents: false };
const type = (code: ActivityType['code'], indicators: ActivityType['indicators'], scenarios: string[] = []): ActivityType => ({
  id: newId(), ownerUnitId: newId(), code, name: code, nameEn: code, audiences: ['staff'], indicators,
  scenarios: scenarios.map((s) => ({ code: s, name: s, nameEn: s })), carriesCommitment: false, carriesPeriods: false,
});

describe('an audience of people named one by one (make-up sessions)', () => {
  const c5 = cls('5A1', 5);
  const an = person('Nguyễn Văn An', 'student', { classId: c5.id });
  const binh = person('Trần Thị Bình', 'student', { classId: c5.id });
  const ha = person('Vũ Thu Hà', 'staff');
  const left = person('Lê Văn Cường', 'staff', { status: 'left' });

  it('lists the named people after the groups, once, active only', () => {
    const roster = sessionRoster({ ...none, classIds: [c5.id], personIds: [an.id, ha.id, left.id] }, school, [c5], [an, binh, ha, left]);
    expect(roster.map((g) => [g.key, g.people.map((p) => p.fullName)])).toEqual([
      [c5.id, [an.fullName, binh.fullName]],
      ['people', [ha.fullName]],
    ]);
  });

  it('counts as someone expected for attendance, and as a non-empty audience', () => {
    const audience = { ...none, personIds: [ha.id] };
    const candidate = (p: Person) => ({ id: p.id, kind: p.kind, classId: p.classId, roleTags: p.roleTags, childClassIds: [] });
    expect(isInAudience(audience, candidate(ha), () => undefined)).toBe(true);
    expect(isInAudience(audience, candidate(an), () => 5)).toBe(false);
    expect(audienceIsEmpty(audience)).toBe(false);
    expect(audienceIsEmpty({ ...none, personIds: [] })).toBe(true);
  });
});

describe('the make-up draft from a missing list', () => {
  const legal = type('legal_education', ['staff_legal_education']);
  const parentType = type('parent_outreach', ['parents_reached']);
  const drill = type('drill', ['drills_held'], ['fire_evacuation', 'earthquake']);
  const types = [legal, parentType, drill];
  const student = person('Nguyễn Văn An', 'student');
  const parent = person('Nguyễn Văn Ba', 'parent', { studentIds: [student.id] });
  const result = (code: IndicatorResult['code'], missing: IndicatorResult['missing']): IndicatorResult => ({
    code, numerator: 0, denominator: missing.length, percentage: 0, missing,
  });
  const base = { schoolId: school, schoolYearId: newId(), activityTypes: types, persons: [student, parent], grades: [5, 1, 5], title: 'Buổi bù' };

  it('names the missing people, with a type that counts toward the indicator', () => {
    const staff = person('Vũ Thu Hà', 'staff');
    const draft = makeUpDraft({ ...base, result: result('staffLegalEducation', [{ kind: 'person', id: staff.id, name: staff.fullName }]) });
    expect(draft).toMatchObject({ activityTypeId: legal.id, count: 1, audience: { ...none, personIds: [staff.id] } });
  });

  it('invites the parents of the students whose parents were not reached', () => {
    const draft = makeUpDraft({ ...base, result: result('parentsReached', [{ kind: 'person', id: student.id, name: student.fullName }]) });
    expect(draft).toMatchObject({ activityTypeId: parentType.id, count: 1, audience: { personIds: [parent.id] } });
  });

  it('plans an overdue drill for the whole school in the scenario whose turn it is', () => {
    const draft = makeUpDraft({
      ...base,
      result: result('drillsHeld', [{ kind: 'scenario', id: 'r:term-1', name: 'Diễn tập', scenarioCode: 'earthquake', dueDate: '2026-01-15' }]),
    });
    expect(draft).toMatchObject({ activityTypeId: drill.id, scenarioCode: 'earthquake', audience: { ...none, grades: [1, 5], staff: true } });
    expect(makeUpActivityType(types, 'youthStaffTrained')).toBeNull();
    expect(makeUpDraft({ ...base, result: result('staffLegalEducation', []) })).toBeNull();
  });
});
