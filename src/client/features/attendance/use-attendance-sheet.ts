import { liveQuery, type Subscription } from 'dexie';
import { computed, getCurrentScope, onScopeDispose, shallowRef, watch, type Ref } from 'vue';
import type { ActivityType, AttendanceStatus, Person, Session } from '../../../shared/domain';
import { countAttendance, sessionRoster, type RosterGroup } from '../../../shared/domain/roster';
import { useLiveQuery } from '../../db/live';
import { sessionMarksReader } from '../../db/repositories/attendance';
import { audienceRosterSource, listActivityTypes, listUnits } from '../../db/repositories/attendance-view';
import { pendingKeys } from '../../db/repositories/outbox';
import { getSession } from '../../db/repositories/sessions';
import { useSessionStore } from '../../stores/session';
import { mutate, mutateMany } from '../../sync/mutate';
import { getRuntime } from '../../sync/runtime';
import { useLiveSheet } from './live-sheet';
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
 * queued in one transaction; marks are written one after another, in the order they were tapped, and a whole group
 * ("Tất cả có mặt") in one transaction.
 *
 * Three live queries, each as narrow as it can be, so that a tap re-runs only the cheap ones: the roster (`base`:
 * session, units, classes, people; it reads no mark and no outbox entry, so a mark never rebuilds it), this
 * session's marks, and this session's keys waiting in the outbox.
 */
export function useAttendanceSheet(sessionId: Ref<string>, requestedSchool: Ref<string | null>) {
  const store = useSessionStore();
  const db = getRuntime().db;

  const base = useLiveQuery<SheetBase>(
    async () => {
      const session = await getSession(sessionId.value, db);
      if (!session) return { session: null, activityType: null, schoolId: null, schoolName: null, groups: [] };
      const [units, types] = await Promise.all([listUnits(db), listActivityTypes(db)]);
      const schools = schoolsOfUser(store.user?.grants ?? [], units);
      const schoolId = rosterSchoolOf(session, schools, requestedSchool.value);
      const activityType = types.find((t) => t.id === session.activityTypeId) ?? null;
      let groups: RosterGroup[] = [];
      if (schoolId) {
        // Only the people the audience can list: a class session reads its class, not the whole school.
        const { classes, persons } = await audienceRosterSource(schoolId, session.schoolYearId, session.audience, db);
        groups = sessionRoster(session.audience, schoolId, classes, persons);
      }
      const schoolName = schoolId ? (units.find((u) => u.id === schoolId)?.name ?? null) : null;
      return { session, activityType, schoolId, schoolName, groups: indexGroups(groups) };
    },
    [sessionId, requestedSchool, () => store.user?.id],
  );

  const readMarks = sessionMarksReader();
  // Two queries, not one: an acknowledged push changes only the outbox, and must not re-read 2,000 marks.
  const heldMarks = heldSessionQuery(sessionId, (id) => readMarks(id, db));
  const heldWaiting = heldSessionQuery(sessionId, async (id) => {
    const prefix = `${id}:`;
    const keys = await pendingKeys('attendance', db, prefix);
    return new Set([...keys].map((key) => key.slice(prefix.length)));
  });
  const stored = heldMarks.value;
  const waiting = heldWaiting.value;

  /**
   * Marks shown before the database has them: set at the tap, cleared as the live query catches up with each of
   * them (or dropped if the write fails). While a mark is here it is never shown as saved.
   */
  const optimistic = shallowRef(new Map<string, AttendanceStatus>());
  /** People whose mark is being written right now: shown as "Đang lưu", not as saved, until the commit. */
  const saving = shallowRef(new Set<string>());
  watch(stored, (next) => {
    if (!next || optimistic.value.size === 0) return;
    const left = new Map(optimistic.value);
    for (const [personId, status] of optimistic.value) {
      if (next.get(personId)?.status === status) left.delete(personId);
    }
    if (left.size !== optimistic.value.size) optimistic.value = left;
  });
  watch(sessionId, () => {
    optimistic.value = new Map();
    saving.value = new Set();
  });

  const marks = computed(() => overlayMarks(stored.value ?? new Map(), optimistic.value));
  /**
   * Saved on the device and not on the server yet: waiting in the outbox, or written a moment ago and not read back
   * by the live query yet (a mark no longer saving and still shown optimistically has been committed).
   */
  const pendingPeople = computed(() => {
    const queued = waiting.value ?? new Set<string>();
    if (optimistic.value.size === 0) return queued;
    const all = new Set(queued);
    for (const personId of optimistic.value.keys()) if (!saving.value.has(personId)) all.add(personId);
    return all;
  });
  const groups = computed(() => base.value?.groups ?? []);
  const allPeople = computed(() => everyone(groups.value.map((g) => g.group)));
  const totals = computed(() => countAttendance(allPeople.value, marks.value));
  const readOnly = computed(() => base.value?.session?.status === 'cancelled');
  const loading = computed(() => base.value === undefined || stored.value === undefined || waiting.value === undefined);
  // What the rows and counters read: per person and per group, so that a tap re-renders only what it changed.
  const live = useLiveSheet({ groups, marks, pending: pendingPeople, saving, stored });

  const error = shallowRef<string | null>(null);
  let queue: Promise<unknown> = Promise.resolve();

  /** Runs writes one at a time so that the outbox keeps the order of the taps. */
  function enqueue<T>(write: () => Promise<T>): Promise<T> {
    heldMarks.pause();
    heldWaiting.pause();
    const run = queue.then(write, write);
    queue = run.catch(() => undefined);
    void run
      .finally(() => {
        heldMarks.resumeSoon();
        heldWaiting.resumeSoon();
      })
      .catch(() => undefined);
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

  /** Each write's people, counted, so that a second write of the same person keeps them "saving" until both end. */
  const inFlight = new Map<string, number>();

  function startSaving(ids: readonly string[]): void {
    for (const id of ids) inFlight.set(id, (inFlight.get(id) ?? 0) + 1);
    saving.value = new Set(inFlight.keys());
  }

  function endSaving(ids: readonly string[]): void {
    for (const id of ids) {
      const left = (inFlight.get(id) ?? 1) - 1;
      if (left > 0) inFlight.set(id, left);
      else inFlight.delete(id);
    }
    saving.value = new Set(inFlight.keys());
  }

  async function write(people: readonly Person[], status: AttendanceStatus, note?: string): Promise<boolean> {
    const session = base.value?.session;
    if (!session || readOnly.value || people.length === 0) return false;
    error.value = null;
    const ids = people.map((p) => p.id);
    const args = (p: Person) => ({ sessionId: session.id, personId: p.id, status, ...(note ? { note } : {}) });
    // Queued before the marks are shown: the write's microtask then runs ahead of the re-render that showing them
    // schedules, so the device database works on the transaction while the rows repaint, not after. Both happen in
    // this same turn, so the mark is shown (as saving) before anything is written either way.
    const written = enqueue(async () => {
      // One transaction either way: a whole group is written with bulk operations, all of it or none.
      if (people.length === 1) await mutate('attendance.mark', args(people[0]!));
      else await mutateMany('attendance.mark', people.map(args));
    });
    setOptimistic(ids.map((id) => [id, status]));
    startSaving(ids);
    try {
      await written;
      return true;
    } catch (cause) {
      dropOptimistic(ids);
      error.value = cause instanceof Error ? cause.message : String(cause);
      return false;
    } finally {
      endSaving(ids);
    }
  }

  /** One tap: unmarked or away becomes present, at the session becomes absent. Timed for the latency benchmark. */
  async function tap(person: Person): Promise<boolean> {
    // A start time rather than a named mark: marks would pile up in the page's performance buffer all day.
    const start = performance.now();
    const ok = await write([person], nextTapStatus(statusOf(marks.value, person.id)));
    if (ok) performance.measure('attendance.mark', { start });
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
    saving,
    totals,
    live,
    readOnly,
    loading,
    error,
    tap,
    markAllPresent,
    markWith,
    noteOf: (personId: string) => stored.value?.get(personId)?.note ?? null,
  };
}

/** How long the sheet's live query waits after the last write of a burst of taps before it reads the session again. */
const SETTLE_MS = 300;

/**
 * A live query over one session (its marks, or its keys waiting in the outbox) that is held while the teacher taps.
 * Every commit would re-run it, and its read transaction must finish before the next tap's write can start (a
 * whole-school sheet reads 2,000 rows), so during a burst of taps it is paused: the taps show as optimistic marks
 * ("Đang lưu", then "Chờ đồng bộ" once committed), and one read catches up with all of them, and with anything
 * another tab or a pull wrote meanwhile, once the writes have been quiet for SETTLE_MS.
 */
function heldSessionQuery<T>(sessionId: Ref<string>, query: (sessionId: string) => Promise<T>) {
  const value = shallowRef<T | undefined>(undefined);
  let subscription: Subscription | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let writing = 0;
  let disposed = false;

  const follow = (): void => {
    subscription?.unsubscribe();
    const id = sessionId.value;
    subscription = liveQuery(() => query(id)).subscribe({
      next: (next) => {
        value.value = next;
      },
      error: (error: unknown) => console.error('Không đọc được điểm danh trên máy (local query failed)', error),
    });
  };
  const clearTimer = (): void => {
    if (timer !== null) clearTimeout(timer);
    timer = null;
  };

  watch(sessionId, () => {
    value.value = undefined;
    follow();
  });
  follow();
  if (getCurrentScope()) {
    onScopeDispose(() => {
      disposed = true;
      clearTimer();
      subscription?.unsubscribe();
      subscription = null;
    });
  }

  return {
    value,
    /** A write starts: hold the re-reads. */
    pause(): void {
      writing += 1;
      clearTimer();
      subscription?.unsubscribe();
      subscription = null;
    },
    /** A write ended (saved or not): follow the database again once no write has started for a moment. */
    resumeSoon(): void {
      writing = Math.max(0, writing - 1);
      clearTimer();
      if (writing > 0) return;
      timer = setTimeout(() => {
        timer = null;
        if (writing === 0 && subscription === null && !disposed) follow();
      }, SETTLE_MS);
    },
  };
}
