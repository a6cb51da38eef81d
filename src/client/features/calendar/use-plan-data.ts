import { computed } from 'vue';
import type { RoleGrant } from '../../../shared/auth';
import type { ActivityType, Class, Requirement, SchoolYear, Session, Unit } from '../../../shared/domain';
import { useLiveQuery } from '../../db/live';
import { classesOfSchool, listActivityTypes, listUnits, sessionsOfTrainer } from '../../db/repositories/attendance-view';
import { sessionsForSchool } from '../../db/repositories/sessions';
import { useSessionStore } from '../../stores/session';
import { getRuntime } from '../../sync/runtime';
import { schoolsOfUser, sessionConcernsSchool, unitsAbove, type SchoolScope } from '../attendance/scope';
import { listRequirements, listSchoolYears, unitWideSessions } from './plan-source';

/** One session on the user's calendar, once however many of the user's schools it concerns. */
export interface CalendarEntry {
  key: string;
  session: Session;
  /** The user's schools it is held at (a unit-wide session may concern several; a trainer's may concern none). */
  schoolIds: string[];
  /** Where it is held, for a session of one school; null for a unit-wide one. */
  schoolName: string | null;
  /** The unit a unit-wide session was planned for (a ward, a cluster, the Sở). */
  scopeName: string | null;
  activityType: ActivityType | null;
}

/** A unit an officer (or an administrator) plans for: its own requirements and unit-wide sessions are on the device. */
export interface UnitScope {
  grant: RoleGrant;
  unit: Unit | null;
  /** The unit, the units above it and the non-school units below it: whose unit-wide sessions it sees. */
  unitIds: string[];
}

export interface PlanData {
  units: Unit[];
  activityTypes: ActivityType[];
  requirements: Requirement[];
  schoolYears: SchoolYear[];
  schools: SchoolScope[];
  /** Every session held at each of the user's schools (its own and the unit-wide ones above it), in time order. */
  sessionsBySchool: Map<string, Session[]>;
  classesBySchool: Map<string, Class[]>;
  unitScopes: UnitScope[];
  entries: CalendarEntry[];
}

/** The units below a unit in the management tree or its cluster, schools left out: an officer's plannable units. */
function unitsBelow(unitId: string, units: readonly Unit[]): string[] {
  const out = new Set<string>([unitId]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const u of units) {
      if (u.kind === 'school' || out.has(u.id)) continue;
      if ((u.parentId && out.has(u.parentId)) || (u.clusterId && out.has(u.clusterId))) {
        out.add(u.id);
        grew = true;
      }
    }
  }
  return [...out];
}

/** Reads the plan as this device holds it for the signed-in user. Pure over the rows read, so tests can call it. */
export function assemblePlanData(input: {
  grants: readonly RoleGrant[];
  units: Unit[];
  activityTypes: ActivityType[];
  requirements: Requirement[];
  schoolYears: SchoolYear[];
  sessionsBySchool: Map<string, Session[]>;
  classesBySchool: Map<string, Class[]>;
  schools: SchoolScope[];
  unitSessions: Session[];
  trainerSessions: Session[];
}): PlanData {
  const byId = new Map(input.units.map((u) => [u.id, u]));
  const types = new Map(input.activityTypes.map((t) => [t.id, t]));
  const entries = new Map<string, CalendarEntry>();
  const add = (session: Session): void => {
    if (entries.has(session.id)) return;
    entries.set(session.id, {
      key: session.id,
      session,
      schoolIds: input.schools.filter((s) => sessionConcernsSchool(session, s)).map((s) => s.schoolId),
      schoolName: session.schoolId ? (byId.get(session.schoolId)?.name ?? null) : null,
      scopeName: session.schoolId === null ? (byId.get(session.scopeUnitId)?.name ?? null) : null,
      activityType: types.get(session.activityTypeId) ?? null,
    });
  };
  for (const list of input.sessionsBySchool.values()) list.forEach(add);
  input.unitSessions.forEach(add);
  input.trainerSessions.forEach(add);

  const unitScopes: UnitScope[] = input.grants
    .filter((g) => g.role === 'officer' || g.role === 'admin')
    .map((grant) => ({
      grant,
      unit: byId.get(grant.unitId) ?? null,
      unitIds: [...new Set([...unitsBelow(grant.unitId, input.units), ...unitsAbove(grant.unitId, byId)])],
    }));

  return {
    units: input.units,
    activityTypes: input.activityTypes,
    requirements: input.requirements,
    schoolYears: input.schoolYears,
    schools: input.schools,
    sessionsBySchool: input.sessionsBySchool,
    classesBySchool: input.classesBySchool,
    unitScopes,
    entries: [...entries.values()].sort((a, b) => a.session.startsAt.localeCompare(b.session.startsAt)),
  };
}

/**
 * The plan on this device for the signed-in user, live: re-read when any session, requirement, unit or school year
 * changes here (a session planned offline shows at once) or when a sync brings new rows.
 * `undefined` while the first read runs; null when nobody is signed in.
 */
export function usePlanData() {
  const store = useSessionStore();
  const db = getRuntime().db;

  const data = useLiveQuery<PlanData | null>(
    async () => {
      const user = store.user;
      if (!user) return null;
      const [units, activityTypes, requirements, schoolYears] = await Promise.all([
        listUnits(db),
        listActivityTypes(db),
        listRequirements(db),
        listSchoolYears(db),
      ]);
      const schools = schoolsOfUser(user.grants, units);
      const sessionsBySchool = new Map<string, Session[]>();
      const classesBySchool = new Map<string, Class[]>();
      for (const school of schools) {
        const [sessions, classes] = await Promise.all([
          sessionsForSchool(school.schoolId, { unitIds: school.unitIds }, db),
          classesOfSchool(school.schoolId, db),
        ]);
        sessionsBySchool.set(school.schoolId, sessions);
        classesBySchool.set(school.schoolId, classes);
      }
      const partial = assemblePlanData({
        grants: user.grants,
        units,
        activityTypes,
        requirements,
        schoolYears,
        sessionsBySchool,
        classesBySchool,
        schools,
        unitSessions: [],
        trainerSessions: [],
      });
      const unitIds = [...new Set(partial.unitScopes.flatMap((u) => u.unitIds))];
      const trainer = user.grants.some((g) => g.role === 'trainer');
      const [unitSessions, trainerSessions] = await Promise.all([
        unitWideSessions(unitIds, db),
        trainer ? sessionsOfTrainer(user.id, db) : Promise.resolve([]),
      ]);
      if (unitSessions.length === 0 && trainerSessions.length === 0) return partial;
      return assemblePlanData({
        grants: user.grants,
        units,
        activityTypes,
        requirements,
        schoolYears,
        sessionsBySchool,
        classesBySchool,
        schools,
        unitSessions,
        trainerSessions,
      });
    },
    [() => store.user?.id],
  );

  const loading = computed(() => data.value === undefined);
  return { data, loading };
}
