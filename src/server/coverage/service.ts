import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import {
  drillDuesIn,
  percentage,
  periodOf,
  STUDENT_INDICATORS,
  typesCountingToward,
  type DrillDue,
} from '../../shared/coverage/indicators';
import {
  INDICATOR_CODES,
  INDICATOR_TAGS,
  type CoveragePeriod,
  type IndicatorCode,
  type IndicatorResult,
  type MissingItem,
  type SchoolCoverageInput,
} from '../../shared/coverage/types';
import type {
  ChildUnitCoverage,
  CoverageQuery,
  IndicatorSummary,
  OverdueDrill,
  SchoolCoverageQuery,
  SchoolCoverageResponse,
  SchoolCoverageRow,
  UnitCoverageResponse,
} from '../../shared/coverage/wire';
import { type ActivityType, type Class, type Requirement, type SchoolYear, type Session } from '../../shared/domain';
import { SCHOOL_LEVELS, type SchoolLevel } from '../../shared/domain/org';
import { hanoiDate, type LocalDate } from '../../shared/time';
import type { Access } from '../auth/access';
import type { Database } from '../db/schema';
import { badRequest, notFound } from '../http/errors';
import { canFollowDue } from '../services/due-service';
import type { OrgTree } from '../services/org-tree';
import { idChunks } from '../sync/batching';
import { TreeHistory } from './history';
import { PERSON_INDICATORS, personCounts, personLists, type CountingTypes, type PersonIndicator, type SchoolCounts } from './queries';
import { PlanReads, parseJson } from '../services/plan-reads';

const UNIT_NOT_FOUND = 'Không tìm thấy đơn vị (unit not found)';
const SCHOOL_NOT_FOUND = 'Không tìm thấy trường (school not found)';
const TERM_NOT_FOUND = 'Năm học không có học kỳ này (no such term in the school year)';

function levelOf(raw: string | null | undefined): SchoolLevel | null {
  return (SCHOOL_LEVELS as readonly string[]).includes(raw ?? '') ? (raw as SchoolLevel) : null;
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


const PersonCountsSchema = z.object(Object.fromEntries(PERSON_INDICATORS.map((code) => [code, z.number()])) as Record<PersonIndicator, z.ZodNumber>);
/** A persisted `SchoolCounts` (coverage_counts.counts), checked before it is trusted. */
const SchoolCountsSchema: z.ZodType<SchoolCounts> = z.object({ numerator: PersonCountsSchema, denominator: PersonCountsSchema, youthPeriods: z.number() });



/** The date a period's roll-up is judged on: its last day, or today while it is still running. */
export function rollUpDate(period: CoveragePeriod, today: LocalDate): LocalDate {
  return period.to < today ? period.to : today;
}

/** The drill side of the data: what the drill dues of many schools are computed from. */
interface DrillData {
  activityTypes: ActivityType[];
  requirementsByOwner: Map<string, Requirement[]>;
  sessionsBySchool: Map<string, Session[]>;
  unitSessionsByScope: Map<string, Session[]>;
  classesBySchool: Map<string, Class[]>;
}

export interface SchoolFigures {
  schoolId: string;
  indicators: IndicatorSummary[];
  drills: DrillDue[];
}

function toOverdue(d: DrillDue): OverdueDrill {
  return {
    requirementId: d.requirement.id,
    title: d.requirement.title,
    periodKey: d.period.key,
    periodLabel: d.period.label,
    end: d.period.end,
    scenarioCode: d.scenarioCode,
  };
}

function sumUp(rows: IndicatorSummary[][]): IndicatorSummary[] {
  return INDICATOR_CODES.map((code) => {
    let numerator = 0;
    let denominator = 0;
    let periods = 0;
    for (const list of rows) {
      const r = list.find((x) => x.code === code);
      numerator += r?.numerator ?? 0;
      denominator += r?.denominator ?? 0;
      periods += r?.periods ?? 0;
    }
    const out: IndicatorSummary = { code, numerator, denominator, percentage: percentage(numerator, denominator) };
    if (code === 'youthStaffTrained') out.periods = periods;
    return out;
  });
}

/**
 * Coverage for officers' dashboards and a school's page. The person-based indicators are counted in SQL
 * (`queries.ts`) for every school of the unit at once; the drill indicator, over a few sessions per school, is
 * evaluated in memory with the shared pure function, like the due list.
 */
export class CoverageService {
  /**
   * Person-based counts per (school, period), with the versions of the school's streams they were counted at. Every
   * write that can change them (people, links, sessions, marks, commitments of the school; unit-wide sessions and
   * activity types above it) takes a new version in one of those streams (the sync contract), so an entry whose
   * versions still match is exact: a dashboard recounts only the schools that changed since it was last asked.
   */
  private readonly counted = new Map<string, { versions: string; counts: SchoolCounts }>();
  private static readonly MAX_CACHED = 50_000;
  /** Bump whenever `personCounts` would count the same rows differently: persisted entries of older rules are then recounted. */
  private static readonly COUNT_RULES = 'r1';

  private readonly reads: PlanReads;

  constructor(private readonly db: Kysely<Database>) {
    this.reads = new PlanReads(db);
  }

  async unitCoverage(access: Access, query: CoverageQuery, now: Date): Promise<UnitCoverageResponse> {
    const tree = access.tree;
    const unit = tree.get(query.unitId);
    if (!unit || !canFollowDue(access, unit.id)) throw notFound(UNIT_NOT_FOUND);
    const today = hanoiDate(now);
    const year = await this.reads.schoolYearFor(tree, unit.id, query.schoolYearId, today);
    const period = this.periodFor(year, query);
    const history = await TreeHistory.load(this.db, tree);
    const date = rollUpDate(period, today);

    const schoolIds = history.schoolsUnder(unit.id, date);
    const names = await this.schoolNames(schoolIds);
    const figures = await this.figures(history, schoolIds, year, period, today);
    const lastSync = await this.reads.lastSync(schoolIds);

    const schools: SchoolCoverageRow[] = schoolIds
      .map((id) => {
        const f = figures.get(id)!;
        const place = history.placeOf(id, date);
        return {
          schoolId: id,
          name: names.get(id) ?? id,
          schoolLevel: levelOf(tree.get(id)?.schoolLevel),
          parentId: place.parentId,
          clusterId: place.clusterId,
          indicators: f.indicators,
          lastSyncAt: lastSync.get(id) ?? null,
          overdueDrills: f.drills
            .filter((d) => d.status === 'overdue')
            .map(toOverdue)
            .sort((a, b) => a.end.localeCompare(b.end) || a.title.localeCompare(b.title, 'vi')),
        };
      })
      .sort((a, b) => a.name.localeCompare(b.name, 'vi') || a.schoolId.localeCompare(b.schoolId));

    // The next step of the drill-down: units directly below (the commune offices and clusters under the Sở).
    const children: ChildUnitCoverage[] = [];
    if (!tree.isSchool(unit.id)) {
      const childIds = [...tree.nodes.values()]
        .filter((n) => n.kind !== 'school' && n.id !== unit.id && history.placeOf(n.id, date).parentId === unit.id)
        .map((n) => n.id);
      for (const childId of childIds) {
        const under = schools.filter((s) => s.parentId === childId || s.clusterId === childId || history.unitsAbove(s.schoolId, date).includes(childId));
        if (under.length === 0) continue;
        const node = tree.get(childId)!;
        children.push({
          unitId: childId,
          name: node.name,
          kind: node.kind,
          schoolCount: under.length,
          indicators: sumUp(under.map((s) => s.indicators)),
        });
      }
      children.sort((a, b) => a.kind.localeCompare(b.kind) || a.name.localeCompare(b.name, 'vi'));
    }

    return {
      unitId: unit.id,
      unitName: unit.name,
      unitKind: unit.kind,
      schoolYear: { id: year.id, label: year.label },
      period,
      today,
      generatedAt: now.toISOString(),
      totals: sumUp(schools.map((s) => s.indicators)),
      children,
      schools,
    };
  }

  /**
   * Brings the stored counts up to date for the running school year of every department: the whole year and each of
   * its terms, for every school (the periods officers' dashboards ask for by default). Schools whose streams have not
   * moved since they were last counted cost a lookup; the rest are counted and stored. The real server runs this in
   * the background at start and shortly after writes, so that a dashboard finds the roll-up current instead of
   * counting a whole city on the request. Returns how many (school, period) figures it went through.
   */
  async refresh(tree: OrgTree, now: Date): Promise<number> {
    const today = hanoiDate(now);
    const history = await TreeHistory.load(this.db, tree);
    let done = 0;
    for (const root of [...tree.nodes.values()].filter((n) => n.kind === 'department' && n.parentId === null)) {
      let year: SchoolYear;
      try {
        year = await this.reads.schoolYearFor(tree, root.id, undefined, today);
      } catch {
        continue; // no school year under way for this department
      }
      const periods = [this.periodFor(year, {}), ...year.terms.map((t) => this.periodFor(year, { termNo: t.no }))];
      for (const period of periods) {
        const schoolIds = history.schoolsUnder(root.id, rollUpDate(period, today));
        await this.figures(history, schoolIds, year, period, today);
        done += schoolIds.length;
      }
    }
    return done;
  }

  async schoolCoverage(access: Access, schoolId: string, query: SchoolCoverageQuery, now: Date): Promise<SchoolCoverageResponse> {
    const tree = access.tree;
    const node = tree.get(schoolId);
    if (!node || !tree.isSchool(schoolId) || !canFollowDue(access, schoolId)) throw notFound(SCHOOL_NOT_FOUND);
    const today = hanoiDate(now);
    const year = await this.reads.schoolYearFor(tree, schoolId, query.schoolYearId, today);
    const period = this.periodFor(year, query);
    const history = await TreeHistory.load(this.db, tree);
    const level = levelOf(node.schoolLevel);
    const [name] = (await this.schoolNames([schoolId])).values();

    const result = await this.schoolResults(history, schoolId, year, period, today);
    // Names of people only to those who may read the school's roster; figures to everyone who may follow it.
    const named = access.canReadSchool(schoolId);
    const indicators = result.indicators.map((r) => (named || r.code === 'drillsHeld' ? r : { ...r, missing: [] }));

    const classes = await this.db
      .selectFrom('classes')
      .select(['id', 'name', 'grade'])
      .where('school_id', '=', schoolId)
      .where('school_year_id', '=', year.id)
      .execute();
    classes.sort((a, b) => a.grade - b.grade || a.name.localeCompare(b.name, 'vi'));
    const classRows = classes.map((c) => ({
      classId: c.id,
      name: c.name,
      grade: c.grade,
      indicators: STUDENT_INDICATORS.map((code) => {
        const counts = result.byClass.get(`${code}:${c.id}`) ?? { n: 0, d: 0 };
        return { code, numerator: counts.n, denominator: counts.d, percentage: percentage(counts.n, counts.d) };
      }),
    }));
    const lastSync = await this.reads.lastSync([schoolId]);
    return {
      school: { id: schoolId, name: name ?? node.name, schoolLevel: level },
      schoolYear: { id: year.id, label: year.label },
      period,
      today,
      generatedAt: now.toISOString(),
      lastSyncAt: lastSync.get(schoolId) ?? null,
      indicators,
      classes: classRows,
      overdueDrills: result.drills
        .filter((d) => d.status === 'overdue')
        .map(toOverdue)
        .sort((a, b) => a.end.localeCompare(b.end) || a.title.localeCompare(b.title, 'vi')),
    };
  }

  /**
   * Every school's indicator figures (no names), the person-based ones counted in SQL. Public for the agreement
   * test and the bench.
   */
  async figures(history: TreeHistory, schoolIds: string[], year: SchoolYear, period: CoveragePeriod, today: LocalDate): Promise<Map<string, SchoolFigures>> {
    const tree = history.tree;
    const activityTypes = await this.reads.activityTypes();
    const types = this.countingTypes(activityTypes);
    const levels = new Map(schoolIds.map((id) => [id, levelOf(tree.get(id)?.schoolLevel)]));
    const counts = await this.cachedCounts(tree, schoolIds, levels, types, period);
    const drills = await this.drillData(history, schoolIds, year, activityTypes);
    const out = new Map<string, SchoolFigures>();
    for (const id of schoolIds) {
      const c = counts.get(id)!;
      const dues = this.drillDuesOf(history, drills, id, levels.get(id) ?? null, year, period, today);
      out.set(id, { schoolId: id, indicators: this.summaries(c, dues), drills: dues });
    }
    return out;
  }

  /**
   * `personCounts`, from the cache for schools none of whose streams moved since they were counted: first this
   * process's memory, then the entries persisted in `coverage_counts` (so that a restarted server, or another instance
   * behind the same database, starts warm), and only then counted in SQL, the fresh counts persisted for the others.
   */
  private async cachedCounts(
    tree: OrgTree,
    schoolIds: string[],
    levels: Map<string, SchoolLevel | null>,
    types: CountingTypes,
    period: CoveragePeriod,
  ): Promise<Map<string, SchoolCounts>> {
    // Versions are read before counting: a write landing during the count leaves a newer version behind, so the entry
    // stored now is recounted next time rather than trusted.
    const streamsOf = new Map(schoolIds.map((id) => [id, tree.streamsAbove(id)]));
    const versions = new Map<string, number>();
    for (const ids of idChunks([...streamsOf.values()].flat())) {
      for (const r of await this.db.selectFrom('stream_versions').select(['stream', 'version']).where('stream', 'in', ids).execute()) {
        versions.set(r.stream, r.version);
      }
    }
    // Besides the streams, what the counts are computed from without a version of their own: the counting rules (this
    // code: COUNT_RULES), the activity types counting toward each indicator, and the school's level (its commitment
    // kinds). A persisted entry outlives a deployment, so a change to any of them must not match it.
    const rules = `${CoverageService.COUNT_RULES}:${createHash('sha256').update(JSON.stringify(types)).digest('hex').slice(0, 16)}`;
    const keyOf = (id: string) => `${id}|${period.schoolYearId}|${period.from}|${period.to}`;
    const versionsOf = (id: string) => `${rules}|${levels.get(id) ?? '-'}|${(streamsOf.get(id) ?? []).map((st) => versions.get(st) ?? 0).join('.')}`;
    const remember = (id: string, counts: SchoolCounts) => {
      const key = keyOf(id);
      this.counted.delete(key);
      this.counted.set(key, { versions: versionsOf(id), counts });
    };
    const out = new Map<string, SchoolCounts>();
    let missed: string[] = [];
    for (const id of schoolIds) {
      const hit = this.counted.get(keyOf(id));
      if (hit && hit.versions === versionsOf(id)) out.set(id, hit.counts);
      else missed.push(id);
    }
    if (missed.length > 0) {
      const persisted = await this.persistedCounts(missed, period);
      const stale: string[] = [];
      for (const id of missed) {
        const entry = persisted.get(id);
        if (entry && entry.versions === versionsOf(id)) {
          out.set(id, entry.counts);
          remember(id, entry.counts);
        } else stale.push(id);
      }
      missed = stale;
    }
    if (missed.length > 0) {
      const fresh = await personCounts(this.db, missed, levels, types, period);
      for (const id of missed) {
        const counts = fresh.get(id)!;
        out.set(id, counts);
        remember(id, counts);
      }
      await this.persistCounts(
        missed.map((id) => ({ schoolId: id, versions: versionsOf(id), counts: fresh.get(id)! })),
        period,
      );
    }
    // Oldest entries first out (a Map iterates in insertion order).
    for (const key of this.counted.keys()) {
      if (this.counted.size <= CoverageService.MAX_CACHED) break;
      this.counted.delete(key);
    }
    return out;
  }

  /** Persisted counts of these schools for the period, with the versions they were counted at; unreadable ones left out. */
  private async persistedCounts(schoolIds: string[], period: CoveragePeriod): Promise<Map<string, { versions: string; counts: SchoolCounts }>> {
    const out = new Map<string, { versions: string; counts: SchoolCounts }>();
    for (const ids of idChunks(schoolIds)) {
      const rows = await this.db
        .selectFrom('coverage_counts')
        .select(['school_id', 'versions', 'counts'])
        .where('school_id', 'in', ids)
        .where('school_year_id', '=', period.schoolYearId)
        .where('period_from', '=', period.from)
        .where('period_to', '=', period.to)
        .execute();
      for (const r of rows) {
        // Written by this code, but read back as untrusted: a malformed entry is simply recounted.
        const parsed = SchoolCountsSchema.safeParse(parseJson(r.counts));
        if (parsed.success) out.set(r.school_id, { versions: r.versions, counts: parsed.data });
      }
    }
    return out;
  }

  /** Stores fresh counts, replacing whatever was there for the same school and period. */
  private async persistCounts(entries: Array<{ schoolId: string; versions: string; counts: SchoolCounts }>, period: CoveragePeriod): Promise<void> {
    const countedAt = new Date().toISOString();
    // 7 parameters a row: 500 rows a statement stays far under SQLite's and PostgreSQL's bound-parameter limits.
    for (let i = 0; i < entries.length; i += 500) {
      await this.db
        .insertInto('coverage_counts')
        .values(
          entries.slice(i, i + 500).map((e) => ({
            school_id: e.schoolId,
            school_year_id: period.schoolYearId,
            period_from: period.from,
            period_to: period.to,
            versions: e.versions,
            counts: JSON.stringify(e.counts),
            counted_at: countedAt,
          })),
        )
        .onConflict((oc) =>
          oc.columns(['school_id', 'school_year_id', 'period_from', 'period_to']).doUpdateSet((eb) => ({
            versions: eb.ref('excluded.versions'),
            counts: eb.ref('excluded.counts'),
            counted_at: eb.ref('excluded.counted_at'),
          })),
        )
        .execute();
    }
  }

  /** One school's indicators with the people and drills still missing. Public for the agreement test. */
  async schoolResults(
    history: TreeHistory,
    schoolId: string,
    year: SchoolYear,
    period: CoveragePeriod,
    today: LocalDate,
  ): Promise<{ indicators: IndicatorResult[]; drills: DrillDue[]; byClass: Map<string, { n: number; d: number }> }> {
    const activityTypes = await this.reads.activityTypes();
    const types = this.countingTypes(activityTypes);
    const level = levelOf(history.tree.get(schoolId)?.schoolLevel);
    const lists = await personLists(this.db, schoolId, level, types, period);
    const drills = await this.drillData(history, [schoolId], year, activityTypes);
    const dues = this.drillDuesOf(history, drills, schoolId, level, year, period, today);

    const byName = (a: MissingItem, b: MissingItem): number => a.name.localeCompare(b.name, 'vi') || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
    const staff = lists.people.filter((p) => p.kind === 'staff');
    const students = lists.people.filter((p) => p.kind === 'student');
    const denominators: Record<(typeof PERSON_INDICATORS)[number], typeof lists.people> = {
      staffLegalEducation: staff,
      trafficCommitments: students,
      youthStaffTrained: staff.filter((p) => p.youth),
      parentsReached: students,
      studentsVolunteering: students,
    };
    const byClass = new Map<string, { n: number; d: number }>();
    const results = new Map<IndicatorCode, IndicatorResult>();
    for (const code of PERSON_INDICATORS) {
      const people = denominators[code];
      const counted = lists.counted[code];
      const missing: MissingItem[] = [];
      let n = 0;
      for (const p of people) {
        const hit = counted.has(p.id);
        if (hit) n += 1;
        else {
          const item: MissingItem = { kind: 'person', id: p.id, name: p.fullName, schoolId };
          if (p.classId !== null) item.classId = p.classId;
          missing.push(item);
        }
        if (p.classId !== null && STUDENT_INDICATORS.includes(code)) {
          const key = `${code}:${p.classId}`;
          const c = byClass.get(key) ?? { n: 0, d: 0 };
          c.d += 1;
          if (hit) c.n += 1;
          byClass.set(key, c);
        }
      }
      const r: IndicatorResult = { code, numerator: n, denominator: people.length, percentage: percentage(n, people.length), missing: missing.sort(byName) };
      if (code === 'youthStaffTrained') r.periods = lists.youthPeriods;
      results.set(code, r);
    }
    const done = dues.filter((d) => d.status === 'done').length;
    results.set('drillsHeld', {
      code: 'drillsHeld',
      numerator: done,
      denominator: dues.length,
      percentage: percentage(done, dues.length),
      missing: dues
        .filter((d) => d.status !== 'done')
        .map((d) => {
          const item: MissingItem = {
            kind: 'scenario',
            id: `${d.requirement.id}:${d.period.key}`,
            name: `${d.requirement.title} (${d.period.label})`,
            schoolId,
            dueDate: d.period.end,
          };
          if (d.scenarioCode !== null) item.scenarioCode = d.scenarioCode;
          return item;
        })
        .sort((a, b) => (a.dueDate ?? '').localeCompare(b.dueDate ?? '') || byName(a, b)),
    });
    return { indicators: INDICATOR_CODES.map((c) => results.get(c)!), drills: dues, byClass };
  }

  private summaries(c: SchoolCounts, dues: DrillDue[]): IndicatorSummary[] {
    return INDICATOR_CODES.map((code) => {
      if (code === 'drillsHeld') {
        const done = dues.filter((d) => d.status === 'done').length;
        return { code, numerator: done, denominator: dues.length, percentage: percentage(done, dues.length) };
      }
      const s: IndicatorSummary = { code, numerator: c.numerator[code], denominator: c.denominator[code], percentage: percentage(c.numerator[code], c.denominator[code]) };
      if (code === 'youthStaffTrained') s.periods = c.youthPeriods;
      return s;
    });
  }

  private countingTypes(activityTypes: ActivityType[]): CountingTypes {
    const sets = typesCountingToward(activityTypes);
    return {
      staffLegalEducation: [...sets.staffLegalEducation],
      youthStaffTrained: [...sets.youthStaffTrained],
      parentsReached: [...sets.parentsReached],
      studentsVolunteering: [...sets.studentsVolunteering],
    };
  }

  private drillDuesOf(
    history: TreeHistory,
    data: DrillData,
    schoolId: string,
    level: SchoolLevel | null,
    year: SchoolYear,
    period: CoveragePeriod,
    today: LocalDate,
  ): DrillDue[] {
    // Requirements and unit-wide sessions may come from any unit the school belonged to during the year: a due period
    // of the year can end under another parent than the coverage period.
    const owners = new Set([schoolId, ...history.unitsAboveDuring(schoolId, year.startDate, year.endDate)]);
    const input: SchoolCoverageInput = {
      school: { id: schoolId, name: '', schoolLevel: level, unitsAbove: (d) => history.unitsAbove(schoolId, d) },
      year,
      today,
      activityTypes: data.activityTypes,
      requirements: [...owners].flatMap((u) => data.requirementsByOwner.get(u) ?? []),
      classes: data.classesBySchool.get(schoolId) ?? [],
      persons: [],
      sessions: [...(data.sessionsBySchool.get(schoolId) ?? []), ...[...owners].flatMap((u) => data.unitSessionsByScope.get(u) ?? [])],
      attendance: [],
      commitments: [],
    };
    return drillDuesIn(input, period);
  }

  /** Requirements, sessions and classes the drill dues of these schools are judged from. */
  private async drillData(history: TreeHistory, schoolIds: string[], year: SchoolYear, activityTypes: ActivityType[]): Promise<DrillData> {
    const owners = new Set<string>();
    for (const id of schoolIds) {
      owners.add(id);
      for (const u of history.unitsAboveDuring(id, year.startDate, year.endDate)) owners.add(u);
    }
    const requirements = (await this.reads.requirements(year.id, [...owners])).filter((r) =>
      r.indicator !== null ? r.indicator === INDICATOR_TAGS.drillsHeld : (activityTypes.find((t) => t.id === r.activityTypeId)?.indicators as readonly string[] | undefined)?.includes(INDICATOR_TAGS.drillsHeld),
    );
    // Sessions of the same kind as a drill requirement's type count toward it (sessionCountsFor).
    const codes = new Set<string>(requirements.map((r) => activityTypes.find((t) => t.id === r.activityTypeId)?.code).filter((c): c is ActivityType['code'] => c !== undefined && c !== 'other'));
    const typeIds = activityTypes.filter((t) => codes.has(t.code) || requirements.some((r) => r.activityTypeId === t.id)).map((t) => t.id);
    const schoolSessions = typeIds.length ? await this.reads.sessions(year.id, schoolIds, 'school', typeIds) : [];
    const unitSessions = typeIds.length ? await this.reads.sessions(year.id, [...owners], 'unit', typeIds) : [];
    const classes = await this.reads.classesNamedBy(schoolSessions);
    return {
      activityTypes,
      requirementsByOwner: group(requirements, (r) => r.ownerUnitId),
      sessionsBySchool: group(schoolSessions, (s) => s.schoolId),
      unitSessionsByScope: group(unitSessions, (s) => s.scopeUnitId),
      classesBySchool: group(classes, (c) => c.schoolId),
    };
  }

  private periodFor(year: SchoolYear, q: { termNo?: number | undefined; from?: string | undefined; to?: string | undefined }): CoveragePeriod {
    if (q.termNo !== undefined) {
      const p = periodOf(year, q.termNo);
      if (p.termNo === undefined) throw badRequest(TERM_NOT_FOUND, [{ field: 'termNo', message: TERM_NOT_FOUND }]);
      return p;
    }
    if (q.from !== undefined && q.to !== undefined) return { schoolYearId: year.id, from: q.from, to: q.to };
    return periodOf(year);
  }


  private async schoolNames(ids: string[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for (const chunk of idChunks(ids)) {
      for (const r of await this.db.selectFrom('units').select(['id', 'name']).where('id', 'in', chunk).execute()) out.set(r.id, r.name);
    }
    return out;
  }




}
