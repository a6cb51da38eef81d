import type { Kysely } from 'kysely';
import { SessionSchema, type ActivityType, type Class, type Requirement, type SchoolYear, type Session } from '../../shared/domain';
import { SCHOOL_LEVELS, type SchoolLevel } from '../../shared/domain/org';
import {
  currentSchoolYear,
  type DueCounts,
  type OverdueItem,
  type SchoolDueSummary,
  type UnitDueQuery,
  type UnitDueResponse,
} from '../../shared/plan/due-wire';
import { evaluateRequirements, summariseDue, type SchoolContext } from '../../shared/plan/requirements';
import { hanoiDate } from '../../shared/time';
import type { Access } from '../auth/access';
import type { Database } from '../db/schema';
import { notFound } from '../http/errors';
import { idChunks } from '../sync/batching';
import { RowShapeError, toSharedRows } from '../sync/rows';
import type { OrgTree } from './org-tree';

/** One answer for "not yours" and "does not exist": a refusal must not tell which. */
const UNIT_NOT_FOUND = 'Không tìm thấy đơn vị (unit not found)';
const YEAR_NOT_FOUND = 'Không tìm thấy năm học (school year not found)';

/**
 * Who may follow what is due at a unit's schools: officers covering the unit and administrators; for a school,
 * also its own teachers and principal (and the officers above it). Trainers reach schools only through their
 * sessions, so not here. Built from the authorisation module's own questions.
 */
export function canFollowDue(access: Access, unitId: string): boolean {
  if (!access.tree.get(unitId)) return false;
  return access.tree.isSchool(unitId) ? access.canReadSchool(unitId) : access.canPlanFor(unitId);
}

/**
 * A school as the plan sees it, placed in the current tree: the same units above it for every date. A school moved
 * mid-year is then judged wholly under its new place; the per-school list on a device does the same
 * (`schoolContextFromUnits`), so both sides agree.
 */
function schoolContextFromTree(tree: OrgTree, schoolId: string): SchoolContext {
  const above = Object.freeze(tree.streamsAbove(schoolId).filter((u) => u !== schoolId));
  const level = tree.get(schoolId)?.schoolLevel ?? null;
  return {
    id: schoolId,
    schoolLevel: (SCHOOL_LEVELS as readonly string[]).includes(level ?? '') ? (level as SchoolLevel) : null,
    unitsAbove: () => [...above],
  };
}

function group<T>(items: readonly T[], key: (item: T) => string | null): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    if (k === null) continue;
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}

/** What `evaluateRequirements` reads of a session: who it concerns, when, what kind, for whom and whether it happened. */
const EvaluatedSessionSchema = SessionSchema.pick({
  id: true,
  schoolId: true,
  scopeUnitId: true,
  schoolYearId: true,
  activityTypeId: true,
  scenarioCode: true,
  startsAt: true,
  endsAt: true,
  audience: true,
  status: true,
});

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

const later = (a: string | null, b: string | null): string | null => (a === null ? b : b === null ? a : a > b ? a : b);

/**
 * What is due at every school under a unit in a school year, for officers whose devices hold no school's sessions.
 * Everything is read set-wise (a handful of queries for the whole unit, whatever its size) and then evaluated
 * school by school in memory with the shared `evaluateRequirements`.
 */
export class DueService {
  constructor(private readonly db: Kysely<Database>) {}

  async unitDue(access: Access, query: UnitDueQuery, now: Date): Promise<UnitDueResponse> {
    const tree = access.tree;
    const unit = tree.get(query.unitId);
    if (!unit || !canFollowDue(access, unit.id)) throw notFound(UNIT_NOT_FOUND);
    const today = hanoiDate(now);
    const year = await this.schoolYearFor(tree, unit.id, query.schoolYearId, today);

    const underUnit = tree.isSchool(unit.id) ? [unit.id] : tree.schoolsUnder(unit.id);
    // A closed school has nothing left to do; its past stays in the coverage reports.
    const schools: { id: string; name: string }[] = [];
    for (const ids of idChunks(underUnit)) {
      const rows = await this.db.selectFrom('units').select(['id', 'name']).where('id', 'in', ids).where('status', '=', 'active').execute();
      schools.push(...rows);
    }
    const schoolIds = schools.map((s) => s.id);
    const aboveOf = new Map(schools.map((s) => [s.id, tree.streamsAbove(s.id)]));
    // Every unit that may own a requirement or a unit-wide session reaching one of the schools (the schools included).
    const owners = [...new Set([...aboveOf.values()].flat())];

    const [requirements, activityTypes, schoolSessions, unitSessions, lastSync] = await Promise.all([
      this.requirements(year.id, owners),
      this.activityTypes(),
      this.sessions(year.id, schoolIds, 'school'),
      this.sessions(year.id, owners, 'unit'),
      this.lastSync(schoolIds),
    ]);
    const classes = await this.classesNamedBy(schoolSessions);

    const requirementsByOwner = group(requirements, (r) => r.ownerUnitId);
    const sessionsBySchool = group(schoolSessions, (s) => s.schoolId);
    const unitSessionsByScope = group(unitSessions, (s) => s.scopeUnitId);
    const classesBySchool = group(classes, (c) => c.schoolId);

    const totals: DueCounts = { overdue: 0, not_scheduled: 0, scheduled: 0, done: 0 };
    const summaries: SchoolDueSummary[] = schools.map((school) => {
      const above = aboveOf.get(school.id) ?? [school.id];
      const items = evaluateRequirements({
        requirements: above.flatMap((u) => requirementsByOwner.get(u) ?? []),
        activityTypes,
        school: schoolContextFromTree(tree, school.id),
        year,
        sessions: [...(sessionsBySchool.get(school.id) ?? []), ...above.flatMap((u) => unitSessionsByScope.get(u) ?? [])],
        classes: classesBySchool.get(school.id) ?? [],
        today,
      });
      const counts = summariseDue(items);
      for (const k of Object.keys(totals) as (keyof DueCounts)[]) totals[k] += counts[k];
      const overdue: OverdueItem[] = items
        .filter((i) => i.status === 'overdue')
        .map((i) => ({
          requirementId: i.requirement.id,
          title: i.requirement.title,
          periodKey: i.period.key,
          periodLabel: i.period.label,
          end: i.period.end,
        }))
        .sort((a, b) => a.end.localeCompare(b.end) || a.title.localeCompare(b.title, 'vi'));
      const level = tree.get(school.id)?.schoolLevel ?? null;
      return {
        schoolId: school.id,
        name: school.name,
        schoolLevel: (SCHOOL_LEVELS as readonly string[]).includes(level ?? '') ? (level as SchoolLevel) : null,
        counts,
        overdue,
        lastSyncAt: lastSync.get(school.id) ?? null,
      };
    });
    summaries.sort(
      (a, b) =>
        b.counts.overdue - a.counts.overdue ||
        b.counts.not_scheduled - a.counts.not_scheduled ||
        a.name.localeCompare(b.name, 'vi'),
    );
    return {
      unitId: unit.id,
      unitName: unit.name,
      schoolYear: { id: year.id, label: year.label },
      today,
      generatedAt: now.toISOString(),
      schools: summaries,
      totals,
    };
  }

  /** The asked year, which must be one of the unit's department; or the year under way today. */
  private async schoolYearFor(tree: OrgTree, unitId: string, asked: string | undefined, today: string): Promise<SchoolYear> {
    const departments = tree.ancestorsOrSelf(unitId);
    let q = this.db.selectFrom('school_years').selectAll().where('department_id', 'in', departments);
    if (asked !== undefined) q = q.where('id', '=', asked);
    const years = await toSharedRows(this.db, 'schoolYear', await q.execute());
    const year = currentSchoolYear(years, today);
    if (!year) throw notFound(YEAR_NOT_FOUND);
    return year;
  }

  private async requirements(schoolYearId: string, owners: string[]): Promise<Requirement[]> {
    const out: Requirement[] = [];
    for (const ids of idChunks(owners)) {
      const rows = await this.db
        .selectFrom('requirements')
        .selectAll()
        .where('school_year_id', '=', schoolYearId)
        .where('owner_unit_id', 'in', ids)
        .execute();
      out.push(...(await toSharedRows(this.db, 'requirement', rows)));
    }
    return out;
  }

  /** All of them: a session of a commune's own type counts toward the Sở's requirement of the same kind. */
  private async activityTypes(): Promise<ActivityType[]> {
    return toSharedRows(this.db, 'activityType', await this.db.selectFrom('activity_types').selectAll().execute());
  }

  /**
   * Sessions held at these schools, or planned for these units as a whole; cancelled ones count for nothing. Only the
   * columns the evaluation reads are fetched and checked (a whole Sở holds some 100,000 sessions a year, and reading
   * and validating every column of them took longer than the evaluation itself).
   */
  private async sessions(schoolYearId: string, unitIds: string[], kind: 'school' | 'unit'): Promise<Session[]> {
    const out: Session[] = [];
    for (const ids of idChunks(unitIds)) {
      let q = this.db
        .selectFrom('sessions')
        .select(['id', 'school_id', 'scope_unit_id', 'school_year_id', 'activity_type_id', 'scenario_code', 'starts_at', 'ends_at', 'audience', 'status'])
        .where('school_year_id', '=', schoolYearId)
        .where('status', '<>', 'cancelled');
      q = kind === 'school' ? q.where('school_id', 'in', ids) : q.where('school_id', 'is', null).where('scope_unit_id', 'in', ids);
      for (const r of await q.execute()) {
        const parsed = EvaluatedSessionSchema.safeParse({
          id: r.id,
          schoolId: r.school_id,
          scopeUnitId: r.scope_unit_id,
          schoolYearId: r.school_year_id,
          activityTypeId: r.activity_type_id,
          scenarioCode: r.scenario_code,
          startsAt: r.starts_at,
          endsAt: r.ends_at,
          audience: parseJson(r.audience),
          status: r.status,
        });
        if (!parsed.success) throw new RowShapeError('session', r.id, parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.code}`).join('; '));
        // The other fields of a session (title, place…) are not read by evaluateRequirements nor sent to anyone.
        out.push(parsed.data as Session);
      }
    }
    return out;
  }

  /** Only the classes sessions name: grade requirements need their grades, and a school's whole list is not needed. */
  private async classesNamedBy(sessions: Session[]): Promise<Class[]> {
    const out: Class[] = [];
    for (const ids of idChunks(sessions.flatMap((s) => s.audience.classIds))) {
      const rows = await this.db.selectFrom('classes').selectAll().where('id', 'in', ids).execute();
      out.push(...(await toSharedRows(this.db, 'class', rows)));
    }
    return out;
  }

  /** The latest push or pull of any device filed under each school. */
  private async lastSync(schoolIds: string[]): Promise<Map<string, string | null>> {
    const out = new Map<string, string | null>();
    for (const ids of idChunks(schoolIds)) {
      const rows = await this.db
        .selectFrom('sync_clients')
        .select((eb) => ['school_id', eb.fn.max('last_push_at').as('push'), eb.fn.max('last_pull_at').as('pull')])
        .where('school_id', 'in', ids)
        .groupBy('school_id')
        .execute();
      for (const r of rows) if (r.school_id) out.set(r.school_id, later(r.push ?? null, r.pull ?? null));
    }
    return out;
  }
}
