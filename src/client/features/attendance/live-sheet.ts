import { reactive, shallowReactive, shallowRef, toRaw, watch, type Ref } from 'vue';
import type { Attendance, AttendanceStatus, Person } from '../../../shared/domain';
import type { AttendanceCounts } from '../../../shared/domain/roster';
import { everyone, type DisplayStatus, type IndexedGroup, type MarkMap } from './roster-view';

/**
 * The sheet as its rows and counters read it: one entry per person and one counter per group, each its own reactive
 * dependency. A tap changes one person's entry and moves the counters by one, so it re-renders that person's row and
 * the counters it moved, not the page and its window of rows (a whole school's sheet lists 2,000 people).
 */
export interface LiveSheet {
  statusOf(personId: string): DisplayStatus;
  /** Saved on the device, not on the server yet. */
  isPending(personId: string): boolean;
  /** Being written to the device right now. */
  isSaving(personId: string): boolean;
  noteOf(personId: string): string | null;
  /** The group's counts (a reactive object that keeps its identity while the roster stays the same). */
  countsOf(groupKey: string): AttendanceCounts;
  /** Everyone the session expects, counted once each. */
  readonly totals: AttendanceCounts;
}

export interface LiveSheetSources {
  groups: Ref<readonly IndexedGroup[]>;
  marks: Ref<MarkMap>;
  pending: Ref<ReadonlySet<string>>;
  saving: Ref<ReadonlySet<string>>;
  stored: Ref<Map<string, Attendance> | undefined>;
}

const EMPTY_COUNTS: AttendanceCounts = Object.freeze({
  total: 0,
  marked: 0,
  attended: 0,
  byStatus: Object.freeze({ present: 0, late: 0, excused: 0, absent: 0 }),
});

/**
 * Follows the sheet's marks, waiting and saving people by their difference from what is shown: the cost of a change
 * is the number of people it concerns (plus one pass over the marked people), never a recount of the roster.
 */
export function useLiveSheet(sources: LiveSheetSources): LiveSheet {
  const statuses = shallowReactive(new Map<string, AttendanceStatus>());
  const notes = shallowReactive(new Map<string, string>());
  const pending = shallowReactive(new Set<string>());
  const saving = shallowReactive(new Set<string>());
  const totals = reactive<AttendanceCounts>(blankCounts());
  /** Replaced when the roster changes, so that a header counts the group it shows. */
  const groupCounts = shallowRef(new Map<string, AttendanceCounts>());
  /** Each person's groups (a person may be listed in two), to move their counters without a search. */
  let groupsOfPerson = new Map<string, AttendanceCounts[]>();

  const shown = toRaw(statuses);

  function recount(groups: readonly IndexedGroup[]): void {
    const counts = new Map<string, AttendanceCounts>();
    const byPerson = new Map<string, AttendanceCounts[]>();
    for (const { group } of groups) {
      const c = reactive(countShown(group.people));
      counts.set(group.key, c);
      for (const p of group.people) {
        const list = byPerson.get(p.id);
        if (list) list.push(c);
        else byPerson.set(p.id, [c]);
      }
    }
    groupsOfPerson = byPerson;
    groupCounts.value = counts;
    assignCounts(totals, countShown(everyone(groups.map((g) => g.group))));
  }

  /** countAttendance over the statuses shown (the same rules: see shift). */
  function countShown(people: readonly Person[]): AttendanceCounts {
    const counts = blankCounts();
    counts.total = people.length;
    for (const p of people) {
      const status = shown.get(p.id);
      if (status) shift(counts, 'none', status);
    }
    return counts;
  }

  function move(personId: string, from: DisplayStatus, to: DisplayStatus): void {
    const groups = groupsOfPerson.get(personId);
    if (!groups) return;
    for (const counts of groups) shift(counts, from, to);
    shift(totals, from, to);
  }

  // The roster first: the marks' differences below move the counters of the roster shown.
  watch(sources.groups, (groups) => recount(groups), { immediate: true });

  watch(
    sources.marks,
    (next) => {
      const gone: string[] = [];
      for (const personId of shown.keys()) if (!next.has(personId)) gone.push(personId);
      for (const personId of gone) {
        const before = shown.get(personId)!;
        statuses.delete(personId);
        move(personId, before, 'none');
      }
      for (const [personId, mark] of next) {
        const before = shown.get(personId);
        if (before === mark.status) continue;
        statuses.set(personId, mark.status);
        move(personId, before ?? 'none', mark.status);
      }
    },
    { immediate: true },
  );

  watch(
    sources.stored,
    (next) => {
      const raw = toRaw(notes);
      const gone: string[] = [];
      for (const personId of raw.keys()) if (!next?.get(personId)?.note) gone.push(personId);
      for (const personId of gone) notes.delete(personId);
      if (!next) return;
      for (const [personId, mark] of next) {
        if (mark.note && raw.get(personId) !== mark.note) notes.set(personId, mark.note);
      }
    },
    { immediate: true },
  );

  watch(sources.pending, (next) => followSet(pending, next), { immediate: true });
  watch(sources.saving, (next) => followSet(saving, next), { immediate: true });

  return {
    statusOf: (personId) => statuses.get(personId) ?? 'none',
    isPending: (personId) => pending.has(personId),
    isSaving: (personId) => saving.has(personId),
    noteOf: (personId) => notes.get(personId) ?? null,
    countsOf: (groupKey) => groupCounts.value.get(groupKey) ?? EMPTY_COUNTS,
    totals,
  };
}

function blankCounts(): AttendanceCounts {
  return { total: 0, marked: 0, attended: 0, byStatus: { present: 0, late: 0, excused: 0, absent: 0 } };
}

function assignCounts(target: AttendanceCounts, source: AttendanceCounts): void {
  target.total = source.total;
  target.marked = source.marked;
  target.attended = source.attended;
  Object.assign(target.byStatus, source.byStatus);
}

/** One person's mark went from `from` to `to`: the counts move by one (countAttendance's rules). */
function shift(counts: AttendanceCounts, from: DisplayStatus, to: DisplayStatus): void {
  if (from === to) return;
  if (from !== 'none') {
    counts.marked -= 1;
    counts.byStatus[from] -= 1;
  }
  if (to !== 'none') {
    counts.marked += 1;
    counts.byStatus[to] += 1;
  }
  counts.attended = counts.byStatus.present + counts.byStatus.late;
}

/** Makes a reactive set hold what `next` holds, touching only the members that differ. */
function followSet(target: Set<string>, next: ReadonlySet<string>): void {
  const raw = toRaw(target);
  const gone: string[] = [];
  for (const id of raw) if (!next.has(id)) gone.push(id);
  for (const id of gone) target.delete(id);
  for (const id of next) if (!raw.has(id)) target.add(id);
}
