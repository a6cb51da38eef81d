import type { Kysely } from 'kysely';
import { SessionSchema, type ActivityType, type Class, type Requirement, type SchoolYear, type Session } from '../../shared/domain';
import { currentSchoolYear } from '../../shared/plan/due-wire';
import type { Database } from '../db/schema';
import { notFound } from '../http/errors';
import { idChunks } from '../sync/batching';
import { RowShapeError, toSharedRows } from '../sync/rows';
import type { OrgTree } from './org-tree';

const YEAR_NOT_FOUND = 'Không tìm thấy năm học (school year not found)';

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

/** JSON text of a column, or undefined when it does not parse (the schema check then names the row). */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

const later = (a: string | null, b: string | null): string | null => (a === null ? b : b === null ? a : a > b ? a : b);

/**
 * The set-wise reads that the due list and the coverage dashboards both evaluate the plan over: a handful of queries
 * for a whole unit, whatever its size, each row checked against the shared schema.
 */
export class PlanReads {
  constructor(private readonly db: Kysely<Database>) {}

  /** The asked year, which must be one of the unit's department; or the year under way today. */
  async schoolYearFor(tree: OrgTree, unitId: string, asked: string | undefined, today: string): Promise<SchoolYear> {
    const departments = tree.ancestorsOrSelf(unitId);
    let q = this.db.selectFrom('school_years').selectAll().where('department_id', 'in', departments);
    if (asked !== undefined) q = q.where('id', '=', asked);
    const years = await toSharedRows(this.db, 'schoolYear', await q.execute());
    const year = currentSchoolYear(years, today);
    if (!year) throw notFound(YEAR_NOT_FOUND);
    return year;
  }

  async requirements(schoolYearId: string, owners: string[]): Promise<Requirement[]> {
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
  async activityTypes(): Promise<ActivityType[]> {
    return toSharedRows(this.db, 'activityType', await this.db.selectFrom('activity_types').selectAll().execute());
  }

  /**
   * Sessions held at these schools, or planned for these units as a whole (of the given activity types, or of any);
   * cancelled ones count for nothing. Only the columns the evaluation reads are fetched and checked (a whole Sở holds
   * some 100,000 sessions a year, and reading and validating every column of them took longer than the evaluation).
   */
  async sessions(schoolYearId: string, unitIds: string[], kind: 'school' | 'unit', typeIds?: string[]): Promise<Session[]> {
    const out: Session[] = [];
    if (typeIds?.length === 0) return out;
    for (const ids of idChunks(unitIds)) {
      let q = this.db
        .selectFrom('sessions')
        .select(['id', 'school_id', 'scope_unit_id', 'school_year_id', 'activity_type_id', 'scenario_code', 'starts_at', 'ends_at', 'audience', 'status'])
        .where('school_year_id', '=', schoolYearId)
        .where('status', '<>', 'cancelled');
      if (typeIds) q = q.where('activity_type_id', 'in', typeIds);
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
        // The other fields of a session (title, place…) are not read by the evaluation nor sent to anyone.
        out.push(parsed.data as Session);
      }
    }
    return out;
  }

  /** Only the classes sessions name: grade requirements need their grades, and a school's whole list is not needed. */
  async classesNamedBy(sessions: Session[]): Promise<Class[]> {
    const out: Class[] = [];
    for (const ids of idChunks(sessions.flatMap((s) => s.audience.classIds))) {
      const rows = await this.db.selectFrom('classes').selectAll().where('id', 'in', ids).execute();
      out.push(...(await toSharedRows(this.db, 'class', rows)));
    }
    return out;
  }

  /** The latest push or pull of any device filed under each school. */
  async lastSync(schoolIds: string[]): Promise<Map<string, string | null>> {
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
