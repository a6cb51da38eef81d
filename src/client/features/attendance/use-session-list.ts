import { computed, type Ref } from 'vue';
import type { ActivityType, Class, Person, Session } from '../../../shared/domain';
import { useLiveQuery } from '../../db/live';
import {
  classesOfSchool,
  listActivityTypes,
  listUnits,
  markedPeopleOfSessions,
  sessionsOfTrainer,
} from '../../db/repositories/attendance-view';
import { pendingKeys } from '../../db/repositories/outbox';
import { peopleOfSchool } from '../../db/repositories/people';
import { sessionsForSchool } from '../../db/repositories/sessions';
import { useSessionStore } from '../../stores/session';
import { getRuntime } from '../../sync/runtime';
import { schoolsOfUser, type SchoolScope } from './scope';
import { inClassListOrder, rosterIdsOf, sessionsOfTab, type SessionTab } from './session-list';

/** One session as listed at one school: a unit-wide session appears once for each of the user's schools it concerns. */
export interface SessionEntry {
  key: string;
  session: Session;
  /** The school whose roster the attendance sheet shows; null when the device holds no school for it (a trainer). */
  schoolId: string | null;
  schoolName: string | null;
  activityType: ActivityType | null;
}

export interface SessionProgress {
  marked: number;
  total: number;
}

export interface SessionCardView extends SessionEntry {
  /**
   * Null when the school's roster is not on this device, so there is nothing to count against; undefined while the
   * marks of the sessions shown are being read (never a false "0/35" in the meantime).
   */
  progress: SessionProgress | null | undefined;
  pending: boolean;
}

interface SchoolRoster {
  classes: Class[];
  persons: Person[];
}

interface ListBase {
  schools: SchoolScope[];
  entries: SessionEntry[];
  rosters: Map<string, SchoolRoster>;
}

/**
 * The sessions of the user's schools on this device, for one tab, with their attendance progress and whether
 * local changes wait to be synced. The roster half re-reads only when sessions, units, classes or people change;
 * the marks half re-reads on every mark, and only for the sessions shown.
 */
export function useSessionList(tab: Ref<SessionTab>, now: Ref<Date>) {
  const store = useSessionStore();
  const db = getRuntime().db;

  const base = useLiveQuery<ListBase | null>(
    async () => {
      const user = store.user;
      if (!user) return null;
      const units = await listUnits(db);
      const schools = schoolsOfUser(user.grants, units);
      const types = new Map((await listActivityTypes(db)).map((t) => [t.id, t]));
      const entries = new Map<string, SessionEntry>();
      const rosters = new Map<string, SchoolRoster>();
      for (const school of schools) {
        const [sessions, classes, persons] = await Promise.all([
          sessionsForSchool(school.schoolId, { unitIds: school.unitIds }, db),
          classesOfSchool(school.schoolId, db),
          peopleOfSchool(school.schoolId, {}, db),
        ]);
        if (persons.length > 0) rosters.set(school.schoolId, { classes, persons: inClassListOrder(persons) });
        for (const session of sessions) {
          const key = `${session.id}:${school.schoolId}`;
          entries.set(key, {
            key,
            session,
            schoolId: school.schoolId,
            schoolName: school.schoolName,
            activityType: types.get(session.activityTypeId) ?? null,
          });
        }
      }
      if (user.grants.some((g) => g.role === 'trainer')) {
        for (const session of await sessionsOfTrainer(user.id, db)) {
          if ([...entries.values()].some((e) => e.session.id === session.id)) continue;
          entries.set(session.id, {
            key: session.id,
            session,
            schoolId: session.schoolId,
            schoolName: session.schoolId ? (units.find((u) => u.id === session.schoolId)?.name ?? null) : null,
            activityType: types.get(session.activityTypeId) ?? null,
          });
        }
      }
      return { schools, entries: [...entries.values()], rosters };
    },
    [() => store.user?.id],
  );

  const shown = computed(() => (base.value ? sessionsOfTab(base.value.entries, tab.value, now.value) : []));
  const shownIds = computed(() => [...new Set(shown.value.map((e) => e.session.id))]);

  const marks = useLiveQuery(
    async () => {
      const ids = shownIds.value;
      const [marked, pendingMarks, pendingSessions] = await Promise.all([
        markedPeopleOfSessions(ids, db),
        pendingKeys('attendance', db),
        pendingKeys('session', db),
      ]);
      const pending = new Set<string>(pendingSessions);
      for (const key of pendingMarks) pending.add(key.slice(0, key.indexOf(':')));
      return { ids: ids.join(','), marked, pending };
    },
    [() => shownIds.value.join(',')],
  );

  // Rosters are built once per session and school while the people stay the same, not on every mark.
  const rosterIds = computed(() => {
    const ids = new Map<string, Set<string>>();
    const rosters = base.value?.rosters;
    if (!rosters) return ids;
    for (const entry of shown.value) {
      const roster = entry.schoolId ? rosters.get(entry.schoolId) : undefined;
      if (roster && entry.schoolId) {
        ids.set(entry.key, rosterIdsOf(entry.session, entry.schoolId, roster.classes, roster.persons));
      }
    }
    return ids;
  });

  const cards = computed<SessionCardView[]>(() => {
    const current = marks.value?.ids === shownIds.value.join(',') ? marks.value : undefined;
    return shown.value.map((entry) => {
      const expected = rosterIds.value.get(entry.key);
      const marked = current?.marked.get(entry.session.id);
      let progress: SessionProgress | null | undefined = null;
      if (expected && !current) progress = undefined;
      else if (expected) {
        let count = 0;
        if (marked) for (const id of marked) if (expected.has(id)) count += 1;
        progress = { marked: count, total: expected.size };
      }
      return { ...entry, progress, pending: current?.pending.has(entry.session.id) ?? false };
    });
  });

  const loading = computed(() => base.value === undefined);
  const hasSchool = computed(() => (base.value?.schools.length ?? 0) > 0);
  const multipleSchools = computed(() => (base.value?.schools.length ?? 0) > 1);
  const total = computed(() => base.value?.entries.length ?? 0);

  return { cards, loading, hasSchool, multipleSchools, total };
}
