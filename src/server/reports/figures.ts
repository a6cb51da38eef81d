import type { Kysely } from 'kysely';
import type { SchoolYear } from '../../shared/domain/org';
import type { UnitCoverageResponse } from '../../shared/coverage/wire';
import type { ReportDrill, ReportFigures, ReportKind, ReportSessionGroup } from '../../shared/reports/wire';
import { hanoiDate, hanoiStartOfDay } from '../../shared/time';
import type { Access } from '../auth/access';
import type { Database } from '../db/schema';
import { idChunks } from '../sync/batching';
import type { OrgTree } from '../services/org-tree';

/**
 * Where a report's indicators come from: coverage-core's service (`/api/coverage` answers the same), asked for the
 * report's unit and period. Returns null when it cannot answer (then the report carries no indicators, and says so).
 */
export type CoverageSource = (
  access: Access,
  query: { unitId: string; schoolYearId: string; termNo?: number },
  now: Date,
) => Promise<Pick<UnitCoverageResponse, 'totals' | 'schools'> | null>;

export interface FiguresRequest {
  access: Access;
  tree: OrgTree;
  unitId: string;
  year: SchoolYear;
  kind: ReportKind;
  now: Date;
}

/** The dates a report covers: term I for a term report (sơ kết HK I), the whole school year for a year-end one. */
export function reportPeriod(year: SchoolYear, kind: ReportKind): { from: string; to: string; termNo?: number } {
  if (kind === 'term1') {
    const term = year.terms.find((t) => t.no === 1);
    if (term) return { from: term.startDate, to: term.endDate, termNo: 1 };
  }
  return { from: year.startDate, to: year.endDate };
}

/** The day after a local date, for half-open instant ranges. */
function nextDay(date: string): string {
  const d = new Date(`${date}T00:00:00.000Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

const parse = <T>(text: string, fallback: T): T => {
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
};

/**
 * Works out a report's figures from what the server holds: the indicators (from coverage), every drill held with
 * its facts, sessions held per activity type, and the distinct people who attended. Sessions count when their Hà
 * Nội start date lies in the period and they are marked done.
 */
export async function buildReportFigures(
  db: Kysely<Database>,
  coverage: CoverageSource | null,
  req: FiguresRequest,
): Promise<ReportFigures> {
  const { tree, unitId, year, kind } = req;
  const unit = tree.get(unitId);
  const period = reportPeriod(year, kind);
  const schools = tree.isSchool(unitId) ? [unitId] : tree.schoolsUnder(unitId);
  const subtree = tree.subtree(unitId);
  const fromInstant = hanoiStartOfDay(period.from);
  const toInstant = hanoiStartOfDay(nextDay(period.to));

  type HeldSession = {
    id: string;
    school_id: string | null;
    scope_unit_id: string;
    activity_type_id: string;
    scenario_code: string | null;
    title: string;
    starts_at: string;
  };
  const held: HeldSession[] = [];
  const base = () =>
    db
      .selectFrom('sessions')
      .select(['id', 'school_id', 'scope_unit_id', 'activity_type_id', 'scenario_code', 'title', 'starts_at'])
      .where('school_year_id', '=', year.id)
      .where('status', '=', 'done')
      .where('starts_at', '>=', fromInstant)
      .where('starts_at', '<', toInstant);
  for (const ids of idChunks(schools)) held.push(...(await base().where('school_id', 'in', ids).execute()));
  // Sessions held for a whole unit of this subtree (a ward's training day) count once, for the unit.
  const units = [...subtree].filter((u) => !tree.isSchool(u));
  for (const ids of idChunks(units)) held.push(...(await base().where('school_id', 'is', null).where('scope_unit_id', 'in', ids).execute()));

  const types = new Map(
    (await db.selectFrom('activity_types').select(['id', 'code', 'name']).execute()).map((t) => [t.id, t]),
  );
  const sessionIds = held.map((s) => s.id);

  // Attendance: present or late, at schools of this unit.
  const attendedBySession = new Map<string, number>();
  const reached = new Set<string>();
  const schoolSet = new Set(schools);
  for (const ids of idChunks(sessionIds)) {
    const rows = await db
      .selectFrom('attendance')
      .select(['session_id', 'person_id', 'school_id'])
      .where('session_id', 'in', ids)
      .where('status', 'in', ['present', 'late'])
      .execute();
    for (const r of rows) {
      if (!schoolSet.has(r.school_id)) continue;
      attendedBySession.set(r.session_id, (attendedBySession.get(r.session_id) ?? 0) + 1);
      reached.add(r.person_id);
    }
  }
  const peopleReached = { staff: 0, students: 0, parents: 0 };
  for (const ids of idChunks(reached)) {
    const rows = await db.selectFrom('persons').select(['kind']).where('id', 'in', ids).execute();
    for (const r of rows) {
      if (r.kind === 'staff') peopleReached.staff++;
      else if (r.kind === 'student') peopleReached.students++;
      else if (r.kind === 'parent') peopleReached.parents++;
    }
  }

  const groups = new Map<string, ReportSessionGroup>();
  for (const s of held) {
    const type = types.get(s.activity_type_id);
    const code = type?.code ?? 'other';
    const g = groups.get(code) ?? { activityCode: code, activityName: type?.name ?? code, held: 0, attendances: 0 };
    g.held++;
    g.attendances += attendedBySession.get(s.id) ?? 0;
    groups.set(code, g);
  }

  const drills: ReportDrill[] = [];
  const byId = new Map(held.map((s) => [s.id, s]));
  for (const ids of idChunks(sessionIds)) {
    const rows = await db.selectFrom('drill_records').selectAll().where('session_id', 'in', ids).execute();
    for (const r of rows) {
      const s = byId.get(r.session_id);
      if (!s || !schoolSet.has(r.school_id)) continue;
      const observations = parse<unknown>(r.observations, r.observations);
      drills.push({
        sessionId: r.session_id,
        schoolId: r.school_id,
        schoolName: tree.get(r.school_id)?.name ?? '',
        date: hanoiDate(s.starts_at),
        title: s.title,
        scenarioCode: r.scenario_code ?? s.scenario_code,
        evacuationSeconds: r.evacuation_seconds,
        expectedCount: r.expected_count,
        accountedCount: r.accounted_count,
        missingCount: r.missing_count,
        observations: (Array.isArray(observations) ? observations.map(String).join('; ') : String(observations)).slice(0, 4000),
      });
    }
  }
  drills.sort((a, b) => a.date.localeCompare(b.date) || a.schoolName.localeCompare(b.schoolName, 'vi'));

  const answer = coverage
    ? await coverage(req.access, { unitId, schoolYearId: year.id, ...(period.termNo ? { termNo: period.termNo } : {}) }, req.now)
    : null;

  return {
    unitName: unit?.name ?? '',
    unitKind: unit?.kind ?? 'school',
    schoolYearLabel: year.label,
    from: period.from,
    to: period.to,
    generatedAt: req.now.toISOString(),
    indicators: answer?.totals ?? [],
    schools: tree.isSchool(unitId)
      ? []
      : (answer?.schools ?? []).map((s) => ({ schoolId: s.schoolId, name: s.name, indicators: s.indicators })),
    drills,
    sessions: [...groups.values()].sort((a, b) => b.held - a.held || a.activityName.localeCompare(b.activityName, 'vi')),
    sessionsHeld: held.length,
    peopleReached,
  };
}
