import { describe, expect, it } from 'vitest';
import {
  classCoverage,
  computeSchoolCoverage,
  monthlyTrend,
  periodOf,
  rollUp,
  type IndicatorCode,
  type IndicatorResult,
  type SchoolCoverageInput,
} from '../../../../src/shared/coverage';
import type { ActivityType, Attendance, Class, Commitment, Person, Requirement, SchoolYear, Session } from '../../../../src/shared/domain';
import type { SchoolLevel } from '../../../../src/shared/domain/org';

// Readable ids: the functions compare ids, they never parse them.
const YEAR: SchoolYear = {
  id: 'y2526',
  departmentId: 'so',
  label: '2025-2026',
  startDate: '2025-09-05',
  endDate: '2026-05-31',
  terms: [
    { no: 1, name: 'Học kỳ I', startDate: '2025-09-05', endDate: '2026-01-15' },
    { no: 2, name: 'Học kỳ II', startDate: '2026-01-16', endDate: '2026-05-31' },
  ],
};
const TERM1 = periodOf(YEAR, 1);
const TERM2 = periodOf(YEAR, 2);
const WHOLE = periodOf(YEAR);

const type = (id: string, code: ActivityType['code'], indicators: ActivityType['indicators'], scenarios: string[] = []): ActivityType => ({
  id,
  ownerUnitId: 'so',
  code,
  name: id,
  nameEn: id,
  scenarios: scenarios.map((c) => ({ code: c, name: c, nameEn: c })),
  audiences: ['staff'],
  indicators,
  carriesCommitment: false,
  carriesPeriods: code === 'staff_training',
});
const TYPES: ActivityType[] = [
  type('t-legal', 'legal_education', ['staff_legal_education']),
  type('t-train', 'staff_training', ['youth_staff_trained']),
  type('t-parent', 'parent_outreach', ['parents_reached']),
  type('t-volunteer', 'volunteering', ['students_volunteering']),
  type('t-drill', 'drill', ['drills_held'], ['fire', 'earthquake']),
  type('t-other', 'other', []),
];

let seq = 0;
const person = (kind: Person['kind'], name: string, extra: Partial<Person> = {}): Person => ({
  id: extra.id ?? `${kind}-${name}`,
  schoolId: 'school',
  kind,
  fullName: name,
  code: null,
  birthYear: null,
  sex: null,
  classId: kind === 'student' ? 'class-1a' : null,
  roleTags: [],
  studentIds: [],
  status: 'active',
  joinedOn: null,
  leftOn: null,
  ...extra,
});
const session = (id: string, activityTypeId: string, startsAt: string, extra: Partial<Session> = {}): Session => ({
  id,
  schoolId: 'school',
  scopeUnitId: 'school',
  schoolYearId: YEAR.id,
  activityTypeId,
  scenarioCode: null,
  title: id,
  startsAt,
  endsAt: startsAt,
  place: null,
  audience: { classIds: [], grades: [], staff: true, youthStaffOnly: false, parents: true },
  facilitatorPersonId: null,
  trainerUserId: null,
  materialIds: [],
  periods: null,
  status: 'done',
  revision: 0,
  createdBy: 'u',
  seriesId: null,
  ...extra,
});
const mark = (sessionId: string, personId: string, status: Attendance['status'] = 'present'): Attendance => ({
  id: `a${++seq}`,
  schoolId: 'school',
  sessionId,
  personId,
  status,
  note: null,
  markedBy: 'u',
  markedAt: '2025-10-01T00:00:00.000Z',
});
const commitment = (personId: string, kind: Commitment['kind'], signedAt = '2025-09-20T02:00:00.000Z'): Commitment => ({
  id: `c${++seq}`,
  schoolId: 'school',
  schoolYearId: YEAR.id,
  personId,
  kind,
  signedBy: kind === 'student_traffic' ? 'self' : 'parent',
  signerPersonId: null,
  method: 'paper',
  signatureHash: null,
  signedAt,
  deviceId: null,
});
const CLASSES: Class[] = [
  { id: 'class-1a', schoolId: 'school', schoolYearId: YEAR.id, grade: 1, name: '1A', code: null, homeroomPersonId: null, status: 'active' },
  { id: 'class-2a', schoolId: 'school', schoolYearId: YEAR.id, grade: 2, name: '2A', code: null, homeroomPersonId: null, status: 'active' },
];

function input(rows: Partial<SchoolCoverageInput> & { level?: SchoolLevel | null; above?: (d: string) => string[] }): SchoolCoverageInput {
  return {
    school: { id: 'school', name: 'Trường', schoolLevel: rows.level === undefined ? 'th' : rows.level, unitsAbove: rows.above ?? (() => ['communeA', 'so']) },
    year: YEAR,
    today: rows.today ?? '2026-06-15',
    activityTypes: TYPES,
    requirements: rows.requirements ?? [],
    classes: rows.classes ?? CLASSES,
    persons: rows.persons ?? [],
    sessions: rows.sessions ?? [],
    attendance: rows.attendance ?? [],
    commitments: rows.commitments ?? [],
  };
}

const pick = (results: IndicatorResult[], code: IndicatorCode): IndicatorResult => results.find((r) => r.code === code)!;
const missingIds = (r: IndicatorResult): string[] => r.missing.map((m) => m.id).sort();

describe('staffLegalEducation: staff of the period with a counting attendance', () => {
  const staff = [
    person('staff', 'An'), // present
    person('staff', 'Bình'), // late: counts
    person('staff', 'Chi'), // absent: missing
    person('staff', 'Dũng', { joinedOn: '2026-02-01' }), // joined in term II
    person('staff', 'Em', { status: 'left', leftOn: '2025-10-15' }), // left in term I
    person('staff', 'Giang', { status: 'left' }), // left, date unknown: never counted
    person('staff', 'Hà'), // attended only sessions that do not count
  ];
  const sessions = [
    session('legal-oct', 't-legal', '2025-10-01T01:00:00.000Z'),
    session('legal-planned', 't-legal', '2025-11-01T01:00:00.000Z', { status: 'planned' }),
    session('legal-cancelled', 't-legal', '2025-11-02T01:00:00.000Z', { status: 'cancelled' }),
    session('legal-other-year', 't-legal', '2025-11-03T01:00:00.000Z', { schoolYearId: 'y2425' }),
    session('other-type', 't-other', '2025-11-04T01:00:00.000Z'),
    // 17:30 UTC on 15 January is 00:30 on 16 January in Hà Nội: term II.
    session('legal-midnight', 't-legal', '2026-01-15T17:30:00.000Z'),
  ];
  const attendance = [
    mark('legal-oct', 'staff-An'),
    mark('legal-oct', 'staff-Bình', 'late'),
    mark('legal-oct', 'staff-Chi', 'absent'),
    mark('legal-planned', 'staff-Hà'),
    mark('legal-cancelled', 'staff-Hà'),
    mark('legal-other-year', 'staff-Hà'),
    mark('other-type', 'staff-Hà'),
    mark('legal-midnight', 'staff-Dũng'),
  ];
  const data = input({ persons: staff, sessions, attendance });

  it.each([
    { name: 'whole year', period: WHOLE, numerator: 3, denominator: 6, missing: ['staff-Chi', 'staff-Em', 'staff-Hà'] },
    { name: 'term I: Dũng not yet there', period: TERM1, numerator: 2, denominator: 5, missing: ['staff-Chi', 'staff-Em', 'staff-Hà'] },
    { name: 'term II: Em gone, the midnight session counts', period: TERM2, numerator: 1, denominator: 5, missing: ['staff-An', 'staff-Bình', 'staff-Chi', 'staff-Hà'] },
    { name: 'a range before anyone attended', period: { schoolYearId: YEAR.id, from: '2025-09-05', to: '2025-09-30' }, numerator: 0, denominator: 5, missing: ['staff-An', 'staff-Bình', 'staff-Chi', 'staff-Em', 'staff-Hà'] },
  ])('$name', ({ period, numerator, denominator, missing }) => {
    const r = pick(computeSchoolCoverage(data, period), 'staffLegalEducation');
    expect([r.numerator, r.denominator]).toEqual([numerator, denominator]);
    expect(missingIds(r)).toEqual(missing);
    expect(r.percentage).toBe(Math.round((numerator / denominator) * 1000) / 10);
    expect(r.missing.every((m) => m.kind === 'person' && m.schoolId === 'school')).toBe(true);
  });

  it('names the missing in Vietnamese alphabetical order', () => {
    const r = pick(computeSchoolCoverage(data, TERM2), 'staffLegalEducation');
    expect(r.missing.map((m) => m.name)).toEqual(['An', 'Bình', 'Chi', 'Hà']);
  });

  it('gives a null percentage when nothing is asked', () => {
    const r = pick(computeSchoolCoverage(input({}), WHOLE), 'staffLegalEducation');
    expect(r).toMatchObject({ numerator: 0, denominator: 0, percentage: null, missing: [] });
  });
});

describe('youthStaffTrained: youth-education staff, with their class periods', () => {
  const persons = [
    person('staff', 'Đội', { roleTags: ['youth_leader'] }),
    person('staff', 'Đoàn', { roleTags: ['youth_union_secretary' as Person['roleTags'][number]] }),
    person('staff', 'Thường', { roleTags: ['teacher'] }),
  ];
  const sessions = [
    session('train-1', 't-train', '2025-10-10T01:00:00.000Z', { periods: 4 }),
    session('train-2', 't-train', '2026-03-10T01:00:00.000Z', { periods: 3 }),
  ];
  const attendance = [mark('train-1', 'staff-Đội'), mark('train-2', 'staff-Đội'), mark('train-1', 'staff-Thường'), mark('train-2', 'staff-Đoàn', 'excused')];

  it.each([
    { period: WHOLE, n: 1, d: 2, periods: 7 },
    { period: TERM1, n: 1, d: 2, periods: 4 },
  ])('counts only youth staff and sums their periods ($period.from–$period.to)', ({ period, n, d, periods }) => {
    const r = pick(computeSchoolCoverage(input({ persons, sessions, attendance }), period), 'youthStaffTrained');
    expect([r.numerator, r.denominator, r.periods]).toEqual([n, d, periods]);
    expect(missingIds(r)).toEqual(['staff-Đoàn']);
  });
});

describe('parentsReached and studentsVolunteering', () => {
  const persons = [
    person('student', 'Lan'),
    person('student', 'Minh', { classId: 'class-2a' }),
    person('student', 'Nam', { joinedOn: '2026-03-01' }),
    person('parent', 'Mẹ Lan', { studentIds: ['student-Lan', 'student-Nam'] }),
    person('parent', 'Bố Minh', { studentIds: ['student-Minh'] }),
    person('parent', 'Người khác', { schoolId: 'other', studentIds: ['student-Minh'] }),
  ];
  const sessions = [
    session('parents-1', 't-parent', '2025-09-25T11:00:00.000Z'),
    session('volunteer-1', 't-volunteer', '2026-03-15T01:00:00.000Z'),
  ];
  const attendance = [
    mark('parents-1', 'parent-Mẹ Lan'),
    mark('parents-1', 'parent-Bố Minh', 'absent'),
    mark('parents-1', 'parent-Người khác'),
    mark('volunteer-1', 'student-Nam'),
    mark('volunteer-1', 'student-Lan', 'late'),
  ];
  const data = input({ persons, sessions, attendance });

  it('a student is reached when a parent of the same school attended', () => {
    const r = pick(computeSchoolCoverage(data, WHOLE), 'parentsReached');
    expect([r.numerator, r.denominator]).toEqual([2, 3]);
    expect(missingIds(r)).toEqual(['student-Minh']);
    expect(r.missing[0]?.classId).toBe('class-2a');
    // In term I Nam had not joined yet: his parent's attendance does not make him counted before he is there.
    expect([pick(computeSchoolCoverage(data, TERM1), 'parentsReached').numerator, pick(computeSchoolCoverage(data, TERM1), 'parentsReached').denominator]).toEqual([1, 2]);
  });

  it('students volunteering', () => {
    const r = pick(computeSchoolCoverage(data, WHOLE), 'studentsVolunteering');
    expect([r.numerator, r.denominator]).toEqual([2, 3]);
    expect(pick(computeSchoolCoverage(data, TERM1), 'studentsVolunteering').numerator).toBe(0);
  });

  it('per class', () => {
    const classes = classCoverage(data, WHOLE);
    expect(classes.map((c) => c.name)).toEqual(['1A', '2A']);
    expect(classes[0]!.indicators.find((i) => i.code === 'parentsReached')).toMatchObject({ numerator: 2, denominator: 2, percentage: 100 });
    expect(classes[1]!.indicators.find((i) => i.code === 'parentsReached')).toMatchObject({ numerator: 0, denominator: 1, percentage: 0 });
  });
});

describe('trafficCommitments: every kind the level asks, signed by the period end', () => {
  const persons = [person('student', 'Lan'), person('student', 'Minh'), person('student', 'Oanh'), person('staff', 'Thầy')];
  const commitments = [
    commitment('student-Lan', 'parent_helmet'),
    commitment('student-Lan', 'student_traffic'),
    commitment('student-Minh', 'parent_helmet'),
    commitment('student-Oanh', 'parent_no_motorbike'),
    commitment('student-Oanh', 'student_traffic', '2026-02-01T02:00:00.000Z'),
  ];
  it.each([
    { level: 'th' as const, period: WHOLE, counted: ['student-Lan'] },
    { level: 'mn' as const, period: WHOLE, counted: ['student-Lan', 'student-Minh'] },
    { level: 'thpt' as const, period: WHOLE, counted: ['student-Oanh'] },
    { level: 'thpt' as const, period: TERM1, counted: [] },
    { level: null, period: WHOLE, counted: ['student-Lan'] },
  ])('$level over $period.from–$period.to', ({ level, period, counted }) => {
    const r = pick(computeSchoolCoverage(input({ persons, commitments, level }), period), 'trafficCommitments');
    expect(r.denominator).toBe(3);
    expect(r.numerator).toBe(counted.length);
    expect(missingIds(r)).toEqual(['student-Lan', 'student-Minh', 'student-Oanh'].filter((id) => !counted.includes(id)));
  });

  it('ignores commitments of another school year', () => {
    const other = commitments.map((c) => ({ ...c, schoolYearId: 'y2425' }));
    expect(pick(computeSchoolCoverage(input({ persons, commitments: other }), WHOLE), 'trafficCommitments').numerator).toBe(0);
  });
});

describe('drillsHeld: required drills per period, scenarios in turn', () => {
  const req = (id: string, extra: Partial<Requirement> = {}): Requirement => ({
    id,
    ownerUnitId: 'so',
    schoolYearId: YEAR.id,
    title: `Diễn tập ${id}`,
    target: { kind: 'all' },
    activityTypeId: 't-drill',
    scenarioCode: null,
    rotateScenarios: false,
    frequency: { kind: 'term', count: 1 },
    audience: { kind: 'students', grade: null },
    indicator: 'drills_held',
    ...extra,
  });
  const drill = (id: string, at: string, scenarioCode: string, extra: Partial<Session> = {}) =>
    session(id, 't-drill', at, { scenarioCode, audience: { classIds: [], grades: [1, 2], staff: true, youthStaffOnly: false, parents: false }, ...extra });

  it.each([
    {
      name: 'one per term, term II missed and over',
      reqs: [req('pccc')],
      sessions: [drill('d1', '2025-10-01T01:00:00.000Z', 'fire')],
      today: '2026-06-15',
      period: WHOLE,
      expected: { n: 1, d: 2, missing: ['pccc:term-2'] },
    },
    {
      name: 'term II still running: missing but not overdue',
      reqs: [req('pccc')],
      sessions: [drill('d1', '2025-10-01T01:00:00.000Z', 'fire')],
      today: '2026-03-01',
      period: TERM2,
      expected: { n: 0, d: 1, missing: ['pccc:term-2'] },
    },
    {
      name: 'rotation: the same scenario twice does not do',
      reqs: [req('rot', { rotateScenarios: true })],
      sessions: [drill('d1', '2025-10-01T01:00:00.000Z', 'fire'), drill('d2', '2026-03-01T01:00:00.000Z', 'fire')],
      today: '2026-06-15',
      period: WHOLE,
      expected: { n: 1, d: 2, missing: ['rot:term-2'] },
    },
    {
      name: 'rotation: fire then earthquake',
      reqs: [req('rot', { rotateScenarios: true })],
      sessions: [drill('d1', '2025-10-01T01:00:00.000Z', 'fire'), drill('d2', '2026-03-01T01:00:00.000Z', 'earthquake')],
      today: '2026-06-15',
      period: WHOLE,
      expected: { n: 2, d: 2, missing: [] },
    },
    {
      name: 'a named scenario; a requirement counting toward another indicator is not a drill requirement',
      reqs: [req('quake', { scenarioCode: 'earthquake', frequency: { kind: 'year', count: 1 } }), req('not-a-drill', { indicator: 'staff_legal_education' })],
      sessions: [drill('d1', '2025-10-01T01:00:00.000Z', 'fire')],
      today: '2026-06-15',
      period: WHOLE,
      expected: { n: 0, d: 1, missing: ['quake:year'] },
    },
    {
      name: 'a cancelled drill is not held',
      reqs: [req('pccc', { frequency: { kind: 'year', count: 1 } })],
      sessions: [drill('d1', '2025-10-01T01:00:00.000Z', 'fire', { status: 'cancelled' })],
      today: '2026-06-15',
      period: WHOLE,
      expected: { n: 0, d: 1, missing: ['pccc:year'] },
    },
  ])('$name', ({ reqs, sessions, today, period, expected }) => {
    const r = pick(computeSchoolCoverage(input({ requirements: reqs, sessions, today }), period), 'drillsHeld');
    expect({ n: r.numerator, d: r.denominator, missing: missingIds(r) }).toEqual(expected);
    expect(r.missing.every((m) => m.kind === 'scenario' && m.dueDate !== undefined)).toBe(true);
  });

  it('names the scenario whose turn it is', () => {
    const r = pick(
      computeSchoolCoverage(input({ requirements: [req('rot', { rotateScenarios: true })], sessions: [drill('d1', '2025-10-01T01:00:00.000Z', 'fire')] }), WHOLE),
      'drillsHeld',
    );
    expect(r.missing).toEqual([expect.objectContaining({ id: 'rot:term-2', scenarioCode: 'earthquake', dueDate: '2026-05-31' })]);
  });

  it('a school moved between communes: the old commune’s requirement stays with the periods it managed', () => {
    // Under commune A until the end of January, under commune B from 1 February.
    const above = (d: string) => (d < '2026-02-01' ? ['communeA', 'so'] : ['communeB', 'so']);
    const communeReq = req('communeA-pccc', { ownerUnitId: 'communeA' });
    const data = input({ requirements: [communeReq], sessions: [drill('d1', '2025-10-01T01:00:00.000Z', 'fire')], above });
    const r = pick(computeSchoolCoverage(data, WHOLE), 'drillsHeld');
    expect([r.numerator, r.denominator]).toEqual([1, 1]);
    const unmoved = pick(computeSchoolCoverage({ ...data, school: { ...data.school, unitsAbove: () => ['communeA', 'so'] } }, WHOLE), 'drillsHeld');
    expect([unmoved.numerator, unmoved.denominator]).toEqual([1, 2]);
  });
});

describe('roll-ups and trends', () => {
  it('sums numerators and denominators, naming schools below 100 %', () => {
    const school = (id: string, n: number, d: number) => ({
      schoolId: id,
      name: id,
      results: [{ code: 'staffLegalEducation' as const, numerator: n, denominator: d }],
    });
    const r = rollUp([school('A', 10, 10), school('B', 1, 3)]).find((x) => x.code === 'staffLegalEducation')!;
    expect([r.numerator, r.denominator, r.percentage]).toEqual([11, 13, 84.6]);
    expect(r.missing).toEqual([{ kind: 'school', id: 'B', name: 'B', schoolId: 'B' }]);
  });

  it('monthly trend is cumulative from the period start', () => {
    const persons = [person('staff', 'An'), person('staff', 'Bình')];
    const sessions = [session('s1', 't-legal', '2025-10-01T01:00:00.000Z'), session('s2', 't-legal', '2025-12-01T01:00:00.000Z')];
    const attendance = [mark('s1', 'staff-An'), mark('s2', 'staff-Bình')];
    const points = monthlyTrend(input({ persons, sessions, attendance }), TERM1, 'staffLegalEducation');
    expect(points.map((p) => [p.month, p.numerator, p.denominator])).toEqual([
      ['2025-09', 0, 2],
      ['2025-10', 1, 2],
      ['2025-11', 1, 2],
      ['2025-12', 2, 2],
      ['2026-01', 2, 2],
    ]);
  });
});
