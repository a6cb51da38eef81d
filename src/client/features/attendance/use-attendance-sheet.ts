import { computed, shallowRef, watch, type Ref } from 'vue';
import type { ActivityType, AttendanceStatus, Person, Session } from '../../../shared/domain';
import { countAttendance, sessionRoster, type RosterGroup } from '../../../shared/domain/roster';
import { useLiveQuery } from '../../db/live';
import { attendanceOfSession } from '../../db/repositories/attendance';
import { inOneLocalTransaction, listActivityTypes, listUnits, rosterSource } from '../../db/repositories/attendance-view';
import { pendingKeys } from '../../db/repositories/outbox';
import { getSession } from '../../db/repositories/sessions';
import { useSessionStore } from '../../stores/session';
import { mutate } from '../../sync/mutate';
import { getRuntime } from '../../sync/runtime';
import { everyone, indexGroups, nextTapStatus, overlayMarks, statusOf, unmarkedOf, type IndexedGroup } from './roster-view';
import { rosterSchoolOf, schoolsOfUser } from './scope';

interface SheetBase {
  session: Session | null;
  activityType: ActivityType | null;
  schoolId: string | null;
  schoolName: string | null;
  groups: IndexedGroup[];
}

/**
 * One session's attendance sheet: who is expected (the shared roster rules), their marks on this device, which marks
 * wait to be synced, and the marking actions. Every mark is one `attendance.mark` mutation, applied locally and
 * queued in one transaction; marks are written one after another, in the order they were tapped.
 */
export function useAttendanceSheet(sessionId: Ref<string>, requestedSchool: Ref<string | null>) {
  const store = useSessionStore();
  const db = getRuntime().db;

  const base = useLiveQuery<SheetBase>(
    async () => {
      const session = await getSession(sessionId.value, db);
      if (!session) return { session: null, activityType: null, schoolId: null, schoolName: null, groups: [] };
      const units = await listUnits(db);
      const schools = schoolsOfUser(store.user?.grants ?? [], units);
      const schoolId = rosterSchoolOf(session, schools, requestedSchool.value);
      const activityType = (await listActivityTypes(db)).find((t) => t.id === session.activityTypeId) ?? null;
      let groups: RosterGroup[] = [];
      if (schoolId) {
        const { classes, persons } = await rosterSource(schoolId, session.schoolYearId, db);
        groups = sessionRoster(session.audience, schoolId, classes, persons);
      }
      const schoolName = schoolId ? (units.find((u) => u.id === schoolId)?.name ?? null) : null;
      return { session, activityType, schoolId, schoolName, groups: indexGroups(groups) };
    },
    [sessionId, requestedSchool, () => store.user?.id],
  );

  const stored = useLiveQuery(
    async () => {
      const prefix = `${sessionId.value}:`;
      const [marks, pending] = await Promise.all([attendanceOfSession(sessionId.value, db), pendingKeys('attendance', db)]);
      const pendingPeople = new Set<string>();
      for (const key of pending) if (key.startsWith(prefix)) pendingPeople.add(key.slice(prefix.length));
      return { marks, pendingPeople };
    },
    [sessionId],
  );

  /** Taps not yet seen back from the database: cleared as the live query catches up with each of them. */
  const optimistic = shallowRef(new Map<string, AttendanceStatus>());
  watch(stored, (next) => {
    if (!next || optimistic.value.size === 0) return;
    const left = new Map(optimistic.value);
    for (const [personId, status] of optimistic.value) {
      if (next.marks.get(personId)?.status === status) left.delete(personId);
    }
    if (left.size !== optimistic.value.size) optimistic.value = left;
  });
  watch(sessionId, () => {
    optimistic.value = new Map();
  });

  const marks = computed(() => overlayMarks(stored.value?.marks ?? new Map(), optimistic.value));
  const pendingPeople = computed(() => stored.value?.pendingPeople ?? new Set<string>());
  const groups = computed(() => base.value?.groups ?? []);
  const allPeople = computed(() => everyone(groups.value.map((g) => g.group)));
  const totals = computed(() => countAttendance(allPeople.value, marks.value));
  const readOnly = computed(() => base.value?.session?.status === 'cancelled');
  const loading = computed(() => base.value === undefined || stored.value === undefined);

  const error = shallowRef<string | null>(null);
  let queue: Promise<unknown> = Promise.resolve();

  /** Runs writes one at a time so that the outbox keeps the order of the taps. */
  function enqueue<T>(write: () => Promise<T>): Promise<T> {
    const run = queue.then(write, write);
    queue = run.catch(() => undefined);
    return run;
  }

  function setOptimistic(entries: Iterable<[string, AttendanceStatus]>): void {
    const next = new Map(optimistic.value);
    for (const [id, status] of entries) next.set(id, status);
    optimistic.value = next;
  }

  function dropOptimistic(ids: Iterable<string>): void {
    const next = new Map(optimistic.value);
    for (const id of ids) next.delete(id);
    optimistic.value = next;
  }

  async function write(people: readonly Person[], status: AttendanceStatus, note?: string): Promise<boolean> {
    const session = base.value?.session;
    if (!session || readOnly.value || people.length === 0) return false;
    error.value = null;
    setOptimistic(people.map((p) => [p.id, status]));
    const args = (p: Person) => ({ sessionId: session.id, personId: p.id, status, ...(note ? { note } : {}) });
    try {
      await enqueue(async () => {
        if (people.length === 1) {
          await mutate('attendance.mark', args(people[0]!));
          return;
        }
        await inOneLocalTransaction(async () => {
          for (const p of people) await mutate('attendance.mark', args(p));
        }, db);
      });
      return true;
    } catch (cause) {
      dropOptimistic(people.map((p) => p.id));
      error.value = cause instanceof Error ? cause.message : String(cause);
      return false;
    }
  }

  /** One tap: unmarked or away becomes present, at the session becomes absent. Timed for the latency benchmark. */
  async function tap(person: Person): Promise<boolean> {
    performance.mark('attendance-tap');
    const ok = await write([person], nextTapStatus(statusOf(marks.value, person.id)));
    if (ok) performance.measure('attendance.mark', 'attendance-tap');
    return ok;
  }

  /** "Tất cả có mặt": every unmarked person of the group present, in one transaction; existing marks are kept. */
  function markAllPresent(people: readonly Person[]): Promise<boolean> {
    return write(unmarkedOf(people, marks.value), 'present');
  }

  /** A mark chosen in the detail dialog (late, excused…), with the reason if one was given. */
  function markWith(person: Person, status: AttendanceStatus, note: string): Promise<boolean> {
    const trimmed = note.trim();
    return write([person], status, trimmed === '' ? undefined : trimmed);
  }

  return {
    base,
    groups,
    marks,
    pendingPeople,
    totals,
    readOnly,
    loading,
    error,
    tap,
    markAllPresent,
    markWith,
    noteOf: (personId: string) => stored.value?.marks.get(personId)?.note ?? null,
  };
}
