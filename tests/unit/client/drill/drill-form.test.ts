import { describe, expect, it } from 'vitest';
import { draftFrom, overBy, setCount, toggleMissing } from '../../../../src/client/features/drill/drill-form';
import { fitWithin } from '../../../../src/client/features/drill/photo';

describe('drill headcount form', () => {
  it('starts from the whole class present, or from the stored report', () => {
    expect(draftFrom(null, 32)).toEqual({ presentCount: 32, missingCount: 0, absentCount: 0, missingPersonIds: [] });
    const stored = {
      id: 'x',
      schoolId: 's',
      sessionId: 'y',
      classId: 'c',
      presentCount: 30,
      missingCount: 1,
      absentCount: 1,
      missingPersonIds: ['p'],
      reportedBy: 'u',
      reportedAt: '2025-10-15T01:00:00.000Z',
    };
    const d = draftFrom(stored, 32);
    expect(d).toEqual({ presentCount: 30, missingCount: 1, absentCount: 1, missingPersonIds: ['p'] });
    d.missingPersonIds.push('q');
    expect(stored.missingPersonIds).toEqual(['p']);
  });

  it('moves people out of "present" when missing or absent go up, never below zero or the named', () => {
    let d = draftFrom(null, 3);
    d = setCount(d, 'absentCount', 1);
    expect(d).toMatchObject({ presentCount: 2, absentCount: 1 });
    d = setCount(d, 'missingCount', 1);
    expect(d).toMatchObject({ presentCount: 1, missingCount: 1, absentCount: 1 });
    d = setCount(d, 'missingCount', 0);
    expect(d).toMatchObject({ presentCount: 1, missingCount: 0 });
    d = setCount(d, 'presentCount', -1);
    expect(d.presentCount).toBe(0);
    d = setCount(d, 'presentCount', 5);
    expect(overBy(d, 3)).toBe(3);
    expect(overBy(draftFrom(null, 3), 3)).toBe(0);
  });

  it('naming a pupil missing counts them; taking them off puts them back as present', () => {
    let d = draftFrom(null, 4);
    d = toggleMissing(d, 'a');
    expect(d).toEqual({ presentCount: 3, missingCount: 1, absentCount: 0, missingPersonIds: ['a'] });
    // Already counted missing: naming does not count twice.
    d = setCount(d, 'missingCount', 2);
    d = toggleMissing(d, 'b');
    expect(d).toEqual({ presentCount: 2, missingCount: 2, absentCount: 0, missingPersonIds: ['a', 'b'] });
    expect(setCount(d, 'missingCount', 1).missingCount).toBe(2);
    d = toggleMissing(d, 'a');
    expect(d).toEqual({ presentCount: 3, missingCount: 1, absentCount: 0, missingPersonIds: ['b'] });
  });

  it('compresses photos to a long side of 1600 px at most, keeping the shape', () => {
    expect(fitWithin(4000, 3000)).toEqual({ width: 1600, height: 1200 });
    expect(fitWithin(3000, 4000)).toEqual({ width: 1200, height: 1600 });
    expect(fitWithin(800, 600)).toEqual({ width: 800, height: 600 });
  });
});
