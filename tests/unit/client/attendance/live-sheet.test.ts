import { describe, expect, it } from 'vitest';
import { effectScope, nextTick, shallowRef, watchEffect } from 'vue';
import type { Attendance, AttendanceStatus, Person } from '../../../../src/shared/domain';
import { countAttendance, type RosterGroup } from '../../../../src/shared/domain/roster';
import { useLiveSheet } from '../../../../src/client/features/attendance/live-sheet';
import { everyone, groupCounts, indexGroups, overlayMarks, type MarkMap } from '../../../../src/client/features/attendance/roster-view';

const person = (id: string) => ({ id, fullName: id }) as unknown as Person;
const [an, binh, chi, dung, lan] = ['an', 'binh', 'chi', 'dung', 'lan'].map(person) as [Person, Person, Person, Person, Person];
// Lan teaches and is also listed with the parents: one person in two groups, counted once in the totals.
const GROUPS: RosterGroup[] = [
  { key: '6A1', label: '6A1', people: [an, binh] },
  { key: '6A2', label: '6A2', people: [chi, dung] },
  { key: 'staff', label: 'staff', people: [lan] },
  { key: 'parents', label: 'parents', people: [lan, dung] },
];

function marksOf(entries: [string, AttendanceStatus][]): MarkMap {
  return new Map(entries.map(([id, status]) => [id, { status }]));
}

function setup(initial: MarkMap = new Map()) {
  const scope = effectScope();
  const groups = shallowRef(indexGroups(GROUPS));
  const marks = shallowRef<MarkMap>(initial);
  const pending = shallowRef<ReadonlySet<string>>(new Set());
  const saving = shallowRef<ReadonlySet<string>>(new Set());
  const stored = shallowRef<Map<string, Attendance> | undefined>(undefined);
  const live = scope.run(() => useLiveSheet({ groups, marks, pending, saving, stored }))!;
  return { scope, live, groups, marks, pending, saving, stored };
}

/** The live counters must always equal a full recount with the shared rules. */
function expectRecounted(live: ReturnType<typeof setup>['live'], groups: RosterGroup[], marks: MarkMap): void {
  const expected = groupCounts(indexGroups(groups), marks);
  for (const group of groups) expect({ ...live.countsOf(group.key), byStatus: { ...live.countsOf(group.key).byStatus } }).toEqual(expected.get(group.key));
  expect({ ...live.totals, byStatus: { ...live.totals.byStatus } }).toEqual(countAttendance(everyone(groups), marks));
}

describe('live sheet', () => {
  it('keeps every counter equal to a recount through marks, changes, unmarking and a roster change', async () => {
    const first = marksOf([['an', 'present'], ['lan', 'late']]);
    const { live, marks, groups, scope } = setup(first);
    expectRecounted(live, GROUPS, first);

    const steps: MarkMap[] = [
      marksOf([['an', 'absent'], ['lan', 'late'], ['dung', 'present']]),
      marksOf([['an', 'absent'], ['lan', 'excused'], ['dung', 'present'], ['binh', 'late'], ['chi', 'present']]),
      marksOf([['dung', 'absent']]),
      new Map(),
      marksOf([['lan', 'present'], ['dung', 'present']]),
    ];
    for (const step of steps) {
      marks.value = step;
      await nextTick();
      expectRecounted(live, GROUPS, step);
      for (const p of [an, binh, chi, dung, lan]) expect(live.statusOf(p.id)).toBe(step.get(p.id)?.status ?? 'none');
    }

    // The roster changes while people are marked: the new groups are counted with the marks already shown.
    const fewer: RosterGroup[] = [GROUPS[1]!, { key: 'parents', label: 'parents', people: [lan] }];
    groups.value = indexGroups(fewer);
    await nextTick();
    expectRecounted(live, fewer, steps.at(-1)!);
    expect(live.countsOf('6A1').total).toBe(0);
    scope.stop();
  });

  it('re-runs only what reads the person or the group a mark changed', async () => {
    const { live, marks, pending, saving, scope } = setup();
    const runs = { an: 0, binh: 0, a1: 0, a2: 0 };
    scope.run(() => {
      watchEffect(() => {
        live.statusOf('an');
        live.isPending('an');
        live.isSaving('an');
        runs.an++;
      });
      watchEffect(() => {
        live.statusOf('binh');
        live.isPending('binh');
        live.isSaving('binh');
        runs.binh++;
      });
      watchEffect(() => {
        void live.countsOf('6A1').attended;
        runs.a1++;
      });
      watchEffect(() => {
        void live.countsOf('6A2').attended;
        runs.a2++;
      });
    });
    expect(runs).toEqual({ an: 1, binh: 1, a1: 1, a2: 1 });

    // A tap on An: optimistic mark, saving, then saved and waiting to be synced.
    const optimistic = new Map<string, AttendanceStatus>([['an', 'present']]);
    marks.value = overlayMarks(new Map(), optimistic);
    saving.value = new Set(['an']);
    await nextTick();
    saving.value = new Set();
    pending.value = new Set(['an']);
    await nextTick();
    expect(live.statusOf('an')).toBe('present');
    expect(live.isPending('an')).toBe(true);
    expect(runs.binh).toBe(1);
    expect(runs.a2).toBe(1);
    expect(runs.an).toBeGreaterThan(1);
    expect(runs.a1).toBe(2);
    expect(live.countsOf('6A1').attended).toBe(1);
    scope.stop();
  });

  it('shows a saved note and drops it when the mark loses it', async () => {
    const { live, stored, scope } = setup();
    const row = (personId: string, note: string | null) => ({ personId, status: 'late', note }) as Attendance;
    stored.value = new Map([['an', row('an', 'Ốm')], ['binh', row('binh', null)]]);
    await nextTick();
    expect(live.noteOf('an')).toBe('Ốm');
    expect(live.noteOf('binh')).toBeNull();
    stored.value = new Map([['an', row('an', null)]]);
    await nextTick();
    expect(live.noteOf('an')).toBeNull();
    scope.stop();
  });
});
