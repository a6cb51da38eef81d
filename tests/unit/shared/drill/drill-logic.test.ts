import { describe, expect, it } from 'vitest';
import { IdSchema } from '../../../../src/shared/domain/ids';
import {
  allClearProblem,
  derivedId,
  DrillHeadcountArgsSchema,
  drillHeadcountId,
  drillRecordId,
  drillTotals,
  elapsedSeconds,
  evacuationSeconds,
  formatTimer,
  headcountProblem,
  markFound,
  recordCounts,
  stillMissing,
  suggestedScenario,
} from '../../../../src/shared/drill';

const S = '01900000-0000-7000-8000-000000000001';
const C1 = '01900000-0000-7000-8000-0000000000c1';
const C2 = '01900000-0000-7000-8000-0000000000c2';
const P1 = '01900000-0000-7000-8000-0000000000a1';
const P2 = '01900000-0000-7000-8000-0000000000a2';

describe('drill logic', () => {
  it('computes the evacuation time in whole seconds, and nothing for a missing or reversed pair', () => {
    expect(evacuationSeconds('2026-03-10T01:00:00.000Z', '2026-03-10T01:04:35.400Z')).toBe(275);
    expect(evacuationSeconds('2026-03-10T01:00:00.000Z', '2026-03-10T01:00:00.600Z')).toBe(1);
    expect(evacuationSeconds(null, '2026-03-10T01:04:35.000Z')).toBeNull();
    expect(evacuationSeconds('2026-03-10T01:00:00.000Z', null)).toBeNull();
    expect(evacuationSeconds('2026-03-10T01:00:00.000Z', '2026-03-10T00:59:00.000Z')).toBeNull();
  });

  it('runs the timer from the alarm and stops it at the all clear; formats mm:ss and h:mm:ss', () => {
    const alarm = '2026-03-10T01:00:00.000Z';
    expect(elapsedSeconds(alarm, Date.parse(alarm) + 83_900)).toBe(83);
    expect(elapsedSeconds(alarm, Date.parse(alarm) + 999_000, '2026-03-10T01:02:00.000Z')).toBe(120);
    expect(elapsedSeconds(null, Date.now())).toBe(0);
    expect(elapsedSeconds(alarm, Date.parse(alarm) - 5000)).toBe(0);
    expect(formatTimer(83)).toBe('01:23');
    expect(formatTimer(0)).toBe('00:00');
    expect(formatTimer(3725)).toBe('1:02:05');
  });

  it('totals the classes: expected = present + missing, absent today apart', () => {
    const hc = [
      { presentCount: 30, missingCount: 2, absentCount: 1 },
      { presentCount: 28, missingCount: 0, absentCount: 3 },
    ];
    expect(drillTotals(hc)).toEqual({ classes: 2, present: 58, missing: 2, absent: 4, expected: 60 });
    expect(recordCounts(hc)).toEqual({ expectedCount: 60, accountedCount: 58, missingCount: 2 });
    expect(drillTotals([])).toEqual({ classes: 0, present: 0, missing: 0, absent: 0, expected: 0 });
  });

  it('lists who is still missing, named or not, and takes a found person off the list', () => {
    const h1 = { sessionId: S, classId: C1, presentCount: 30, missingCount: 3, absentCount: 0, missingPersonIds: [P1, P2] };
    const h2 = { sessionId: S, classId: C2, presentCount: 20, missingCount: 0, absentCount: 0, missingPersonIds: [] };
    expect(stillMissing([h1, h2])).toEqual([
      { classId: C1, personId: P1 },
      { classId: C1, personId: P2 },
      { classId: C1, personId: null },
    ]);
    const found = markFound(h1, P1);
    expect(found).toMatchObject({ presentCount: 31, missingCount: 2, missingPersonIds: [P2] });
    expect(stillMissing([found])).toEqual([
      { classId: C1, personId: P2 },
      { classId: C1, personId: null },
    ]);
    expect(markFound(h2, P1)).toBe(h2);
  });

  it('refuses a headcount larger than the class, and names in excess of the missing count', () => {
    expect(headcountProblem({ presentCount: 30, missingCount: 2, absentCount: 1, missingPersonIds: [] }, 33)).toBeNull();
    expect(headcountProblem({ presentCount: 30, missingCount: 2, absentCount: 2, missingPersonIds: [] }, 33)).toContain('(34) lớn hơn sĩ số lớp (33)');
    const tooManyNames = DrillHeadcountArgsSchema.safeParse({
      sessionId: S,
      classId: C1,
      presentCount: 1,
      missingCount: 1,
      absentCount: 0,
      missingPersonIds: [P1, P2],
    });
    expect(tooManyNames.success).toBe(false);
    const twice = DrillHeadcountArgsSchema.safeParse({ sessionId: S, classId: C1, presentCount: 1, missingCount: 2, absentCount: 0, missingPersonIds: [P1, P1] });
    expect(twice.success).toBe(false);
  });

  it('refuses an all clear before the start or before the alarm', () => {
    expect(allClearProblem(null, '2026-03-10T01:00:00.000Z')).toContain('chưa bắt đầu');
    expect(allClearProblem('2026-03-10T01:00:00.000Z', '2026-03-10T00:59:59.000Z')).toContain('sớm hơn');
    expect(allClearProblem('2026-03-10T01:00:00.000Z', '2026-03-10T01:00:00.000Z')).toBeNull();
  });

  it('derives the same valid UUID for the same name everywhere, different ones for different names', () => {
    const a = drillHeadcountId(S, C1);
    expect(IdSchema.safeParse(a).success).toBe(true);
    expect(a).toBe(drillHeadcountId(S, C1));
    expect(a).not.toBe(drillHeadcountId(S, C2));
    expect(drillRecordId(S)).not.toBe(drillRecordId(S, C1));
    expect(IdSchema.safeParse(drillRecordId(S)).success).toBe(true);
    expect(derivedId('x')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('suggests the session scenario, else the next one after the school last drilled', () => {
    const scenarios = [
      { code: 'fire_evacuation', name: 'Cháy', nameEn: 'Fire' },
      { code: 'earthquake', name: 'Động đất', nameEn: 'Earthquake' },
      { code: 'intruder', name: 'Đột nhập', nameEn: 'Intruder' },
    ];
    expect(suggestedScenario('intruder', scenarios, [])).toBe('intruder');
    expect(suggestedScenario(null, scenarios, [])).toBe('fire_evacuation');
    const past = [
      { scenarioCode: 'earthquake', alarmAt: '2026-03-01T01:00:00.000Z' },
      { scenarioCode: 'fire_evacuation', alarmAt: '2025-10-01T01:00:00.000Z' },
    ];
    expect(suggestedScenario(null, scenarios, past)).toBe('intruder');
    expect(suggestedScenario(null, scenarios, [{ scenarioCode: 'intruder', alarmAt: '2026-03-01T01:00:00.000Z' }])).toBe('fire_evacuation');
    expect(suggestedScenario(null, [], past)).toBeNull();
  });
});
