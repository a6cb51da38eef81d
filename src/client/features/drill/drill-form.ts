import type { DrillHeadcount, DrillHeadcountArgs } from '../../../shared/drill';

export type CountField = 'presentCount' | 'missingCount' | 'absentCount';
export type HeadcountDraft = Pick<DrillHeadcountArgs, CountField | 'missingPersonIds'>;

/** What a class card starts from: the stored report, else the whole class present (the usual answer, one tap). */
export function draftFrom(stored: DrillHeadcount | null, classSize: number): HeadcountDraft {
  if (stored) {
    return {
      presentCount: stored.presentCount,
      missingCount: stored.missingCount,
      absentCount: stored.absentCount,
      missingPersonIds: [...stored.missingPersonIds],
    };
  }
  return { presentCount: classSize, missingCount: 0, absentCount: 0, missingPersonIds: [] };
}

/** By how many the draft exceeds the class size (0 when it fits). */
export function overBy(d: HeadcountDraft, classSize: number): number {
  return Math.max(0, d.presentCount + d.missingCount + d.absentCount - classSize);
}

/**
 * Sets one count, never below zero and never below the number of people named as missing. Raising "missing" or
 * "absent" takes the person from "present" (they were counted present by default), so the total stays the class.
 */
export function setCount(d: HeadcountDraft, field: CountField, value: number): HeadcountDraft {
  const floor = field === 'missingCount' ? d.missingPersonIds.length : 0;
  const next = Math.max(floor, value);
  const delta = next - d[field];
  const out = { ...d, [field]: next };
  if (field !== 'presentCount' && delta > 0) out.presentCount = Math.max(0, d.presentCount - delta);
  return out;
}

/** Names a pupil as missing (or takes them off), keeping the missing count at least the names. */
export function toggleMissing(d: HeadcountDraft, personId: string): HeadcountDraft {
  if (d.missingPersonIds.includes(personId)) {
    const ids = d.missingPersonIds.filter((id) => id !== personId);
    // Found: at the assembly point after all.
    return { ...d, missingPersonIds: ids, missingCount: Math.max(ids.length, d.missingCount - 1), presentCount: d.presentCount + 1 };
  }
  const ids = [...d.missingPersonIds, personId];
  if (ids.length <= d.missingCount) return { ...d, missingPersonIds: ids };
  return { ...d, missingPersonIds: ids, missingCount: ids.length, presentCount: Math.max(0, d.presentCount - 1) };
}
