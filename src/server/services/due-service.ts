import type { Kysely } from 'kysely';
import { SCHOOL_LEVELS, type SchoolLevel } from '../../shared/domain/org';
import {
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
import type { OrgTree } from './org-tree';
import { PlanReads } from './plan-reads';

/** One answer for "not yours" and "does not exist": a refusal must not tell which. */
const UNIT_NOT_FOUND = 'Không tìm thấy đơn vị (unit not found)';

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




/**
 * What is due at every school under a unit in a school year, for officers whose devices hold no school's sessions.
 * Everything is read set-wise (a handful of queries for the whole unit, whatever its size) and then evaluated
 * school by school in memory with the shared `evaluateRequirements`.
 */
export class DueService {
  private readonly reads: PlanReads;

  constructor(private readonly db: Kysely<Database>) {
    this.reads = new PlanReads(db);
  }

  async unitDue(access: Access, query: UnitDueQuery, now: Date): Promise<UnitDueResponse> {
    const tree = access.tree;
    const unit = tree.get(query.unitId);
    if (!unit || !canFollowDue(access, unit.id)) throw notFound(UNIT_NOT_FOUND);
    const today = hanoiDate(now);
    const year = await this.reads.schoolYearFor(tree, unit.id, query.schoolYearId, today);

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
      this.reads.requirements(year.id, owners),
      this.reads.activityTypes(),
      this.reads.sessions(year.id, schoolIds, 'school'),
      this.reads.sessions(year.id, owners, 'unit'),
      this.reads.lastSync(schoolIds),
    ]);
    const classes = await this.reads.classesNamedBy(schoolSessions);

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

}
