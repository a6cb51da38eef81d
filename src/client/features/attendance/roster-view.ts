import type { Attendance, AttendanceStatus, Person } from '../../../shared/domain';
import { countAttendance, type AttendanceCounts, type RosterGroup } from '../../../shared/domain/roster';
import { nameMatches, searchKey } from './search';

/** A person's mark as the sheet shows it: 'none' until someone marks them. */
export type DisplayStatus = AttendanceStatus | 'none';

/** Marks by person id; a Map because the shared countAttendance takes one. */
export type MarkMap = Map<string, Pick<Attendance, 'status'>>;

/** A roster group with each person's search key computed once, not on every keystroke. */
export interface IndexedGroup {
  group: RosterGroup;
  readonly nameKeys: ReadonlyMap<string, string>;
}

export interface GroupHeaderItem {
  type: 'group';
  key: string;
  groupKey: string;
  label: string;
  /** The people of the group the current search shows. */
  shown: readonly Person[];
}

export interface PersonItem {
  type: 'person';
  key: string;
  groupKey: string;
  person: Person;
}

export type RosterItem = GroupHeaderItem | PersonItem;

/**
 * The keys are worked out at the first search, not when the sheet opens: most sheets are never searched, and a
 * whole school's 2,000 names (Unicode normalisation of each) would hold up the first paint.
 */
export function indexGroups(groups: readonly RosterGroup[]): IndexedGroup[] {
  return groups.map((group) => {
    let keys: Map<string, string> | null = null;
    return {
      group,
      get nameKeys(): ReadonlyMap<string, string> {
        keys ??= new Map(group.people.map((p) => [p.id, searchKey(p.fullName)]));
        return keys;
      },
    };
  });
}

/**
 * The roster as one flat list (a header, then its people, for each group) so that a window of fixed-height rows
 * can show 2,000 people without 2,000 rows in the page. A search hides the people it does not match and the groups
 * left empty. The list holds no mark, so a tap does not rebuild it: rows and headers read the live sheet (live-sheet.ts).
 */
export function flattenRoster(
  groups: readonly IndexedGroup[],
  query: string,
  labelOf: (group: RosterGroup) => string,
): RosterItem[] {
  const items: RosterItem[] = [];
  const searching = query.trim() !== '';
  for (const { group, nameKeys } of groups) {
    const shown = searching ? group.people.filter((p) => nameMatches(nameKeys.get(p.id) ?? '', query)) : group.people;
    if (searching && shown.length === 0) continue;
    items.push({
      type: 'group',
      key: `group:${group.key}`,
      groupKey: group.key,
      label: labelOf(group),
      shown,
    });
    for (const person of shown) items.push({ type: 'person', key: `person:${group.key}:${person.id}`, groupKey: group.key, person });
  }
  return items;
}

/**
 * Each group's counts by its key, of the whole group whatever the search shows: what the teacher is accountable for.
 * A full recount: the sheet moves its live counters by the difference instead (live-sheet.ts), this is their reference.
 */
export function groupCounts(groups: readonly IndexedGroup[], marks: MarkMap): Map<string, AttendanceCounts> {
  return new Map(groups.map(({ group }) => [group.key, countAttendance(group.people, marks)]));
}

/** Everyone the session expects, once each (a person in two groups counts once in the total). */
export function everyone(groups: readonly RosterGroup[]): Person[] {
  const seen = new Map<string, Person>();
  for (const g of groups) for (const p of g.people) if (!seen.has(p.id)) seen.set(p.id, p);
  return [...seen.values()];
}

export function statusOf(marks: MarkMap, personId: string): DisplayStatus {
  return marks.get(personId)?.status ?? 'none';
}

/**
 * What one tap on a person does: someone at the session (present or late) becomes absent, anyone else becomes
 * present; the first tap on an unmarked person marks them present, the common case in a full hall.
 */
export function nextTapStatus(current: DisplayStatus): AttendanceStatus {
  return current === 'present' || current === 'late' ? 'absent' : 'present';
}

/** The people of a group "Tất cả có mặt" marks: only the unmarked, never overriding a mark someone already made. */
export function unmarkedOf(people: readonly Person[], marks: MarkMap): Person[] {
  return people.filter((p) => !marks.has(p.id));
}

/**
 * The marks the sheet shows: the device's rows, overlaid with taps whose write has not come back through the live
 * query yet, so that a quick second tap toggles from what the teacher sees.
 */
export function overlayMarks(
  stored: Map<string, Attendance>,
  optimistic: ReadonlyMap<string, AttendanceStatus>,
): MarkMap {
  if (optimistic.size === 0) return stored;
  const merged: MarkMap = new Map(stored);
  for (const [personId, status] of optimistic) merged.set(personId, { status });
  return merged;
}

/** Groups whose label is the app's own words rather than a class name from the data. */
const TRANSLATED_GROUPS = new Set(['staff', 'parents', 'people']);

/** The label shown for a roster group: a class keeps its name; staff, parents and named people are translated. */
export function rosterGroupLabel(t: (key: string) => string, key: string, label: string): string {
  return TRANSLATED_GROUPS.has(key) ? t(`attendance.sheet.groups.${key}`) : label;
}
