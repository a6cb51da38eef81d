import type { Kysely, Selectable } from 'kysely';
import type { SchoolYear } from '../../shared/domain/org';
import {
  ReportFiguresSchema,
  type Report,
  type ReportDraftInput,
  type ReportListQuery,
  type ReportSummary,
} from '../../shared/reports/wire';
import type { Access } from '../auth/access';
import type { Database, ReportTable } from '../db/schema';
import { conflict, notFound } from '../http/errors';
import { writeAudit } from '../services/audit';
import { toSharedRows } from '../sync/rows';
import { idChunks } from '../sync/batching';
import { buildReportFigures, type CoverageSource } from './figures';

/** One answer for "not yours" and "does not exist". */
const REPORT_NOT_FOUND = 'Không tìm thấy báo cáo (report not found)';
const UNIT_NOT_FOUND = 'Không tìm thấy đơn vị (unit not found)';
const YEAR_NOT_FOUND = 'Không tìm thấy năm học (school year not found)';

/**
 * Reports of schools and units and their way up the tree. Every call asks `Access` first: a report the caller may
 * not see is answered exactly like one that does not exist.
 */
export class ReportService {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly coverage: CoverageSource | null,
  ) {}

  /** Creates the draft with the client's id, or refreshes its figures and text; a submitted report no longer changes. */
  async saveDraft(access: Access, id: string, input: ReportDraftInput, now: Date): Promise<{ report: Report; created: boolean }> {
    const existing = await this.db.selectFrom('reports').selectAll().where('id', '=', id).executeTakeFirst();
    if (existing) {
      if (!access.canWriteReportFor(existing.unit_id)) throw notFound(REPORT_NOT_FOUND);
      if (existing.unit_id !== input.unitId || existing.school_year_id !== input.schoolYearId || existing.kind !== input.kind) {
        throw conflict('Báo cáo này thuộc đơn vị, năm học hoặc loại khác (report identity cannot change)');
      }
      if (existing.status !== 'draft') throw conflict('Báo cáo đã gửi, không sửa được nữa (report already submitted)');
    } else if (!access.canWriteReportFor(input.unitId)) {
      throw notFound(UNIT_NOT_FOUND);
    }
    const year = await this.schoolYear(access, input.unitId, input.schoolYearId);
    const figures = await buildReportFigures(this.db, this.coverage, {
      access,
      tree: access.tree,
      unitId: input.unitId,
      year,
      kind: input.kind,
      now,
    });
    const at = now.toISOString();
    await this.db.transaction().execute(async (trx) => {
      if (existing) {
        await trx
          .updateTable('reports')
          .set({ notable_results: input.notableResults, figures: JSON.stringify(figures), updated_at: at })
          .where('id', '=', id)
          .where('status', '=', 'draft')
          .execute();
      } else {
        await trx
          .insertInto('reports')
          .values({
            id,
            unit_id: input.unitId,
            school_year_id: input.schoolYearId,
            kind: input.kind,
            status: 'draft',
            notable_results: input.notableResults,
            figures: JSON.stringify(figures),
            created_by: access.userId,
            created_at: at,
            updated_at: at,
            submitted_by: null,
            submitted_at: null,
            acknowledged_by: null,
            acknowledged_at: null,
          })
          .execute();
      }
      await writeAudit(trx, {
        userId: access.userId,
        action: existing ? 'report.update' : 'report.create',
        entity: 'report',
        entityId: id,
        schoolId: access.tree.isSchool(input.unitId) ? input.unitId : null,
      });
    });
    return { report: await this.get(access, id), created: !existing };
  }

  async get(access: Access, id: string): Promise<Report> {
    const row = await this.db.selectFrom('reports').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row || !access.canReadReportsOf(row.unit_id)) throw notFound(REPORT_NOT_FOUND);
    // A draft is still the sender's: the level above sees it once submitted.
    if (row.status === 'draft' && !access.canWriteReportFor(row.unit_id)) throw notFound(REPORT_NOT_FOUND);
    return (await this.toReports([row]))[0]!;
  }

  /**
   * draft → submitted. Submitting a report already on its way answers it as it is: a retried tap changes nothing.
   */
  async submit(access: Access, id: string, now: Date): Promise<Report> {
    const row = await this.db.selectFrom('reports').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row || !access.canWriteReportFor(row.unit_id)) throw notFound(REPORT_NOT_FOUND);
    if (row.status === 'draft') {
      await this.db.transaction().execute(async (trx) => {
        await trx
          .updateTable('reports')
          .set({ status: 'submitted', submitted_by: access.userId, submitted_at: now.toISOString(), updated_at: now.toISOString() })
          .where('id', '=', id)
          .where('status', '=', 'draft')
          .execute();
        await writeAudit(trx, { userId: access.userId, action: 'report.submit', entity: 'report', entityId: id });
      });
    }
    return this.get(access, id);
  }

  /** submitted → acknowledged, by the level above. A draft cannot be acknowledged; acknowledging twice changes nothing. */
  async acknowledge(access: Access, id: string, now: Date): Promise<Report> {
    const row = await this.db.selectFrom('reports').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row || !access.canAcknowledgeReportOf(row.unit_id)) throw notFound(REPORT_NOT_FOUND);
    if (row.status === 'draft') throw conflict('Báo cáo chưa được gửi lên (report not submitted yet)');
    if (row.status === 'submitted') {
      await this.db.transaction().execute(async (trx) => {
        await trx
          .updateTable('reports')
          .set({
            status: 'acknowledged',
            acknowledged_by: access.userId,
            acknowledged_at: now.toISOString(),
            updated_at: now.toISOString(),
          })
          .where('id', '=', id)
          .where('status', '=', 'submitted')
          .execute();
        await writeAudit(trx, { userId: access.userId, action: 'report.acknowledge', entity: 'report', entityId: id });
      });
    }
    return this.get(access, id);
  }

  /**
   * The unit's own reports and those of every unit under it that the caller may read. Drafts of units below are
   * the sender's business: the level above sees them only once submitted.
   */
  async list(access: Access, query: ReportListQuery): Promise<ReportSummary[]> {
    if (!access.tree.get(query.unitId) || !access.canReadReportsOf(query.unitId)) throw notFound(UNIT_NOT_FOUND);
    const units = [...access.tree.subtree(query.unitId)].filter((u) => access.canReadReportsOf(u));
    const rows: Selectable<ReportTable>[] = [];
    for (const ids of idChunks(units)) {
      let q = this.db.selectFrom('reports').selectAll().where('unit_id', 'in', ids);
      if (query.schoolYearId) q = q.where('school_year_id', '=', query.schoolYearId);
      rows.push(...(await q.execute()));
    }
    const visible = rows.filter((r) => r.status !== 'draft' || access.canWriteReportFor(r.unit_id));
    const reports = await this.toReports(visible);
    return reports
      .map(({ figures, notableResults: _n, ...rest }) => ({ ...rest, unitName: figures.unitName || (access.tree.get(rest.unitId)?.name ?? '') }))
      .sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
  }

  private async schoolYear(access: Access, unitId: string, schoolYearId: string): Promise<SchoolYear> {
    const departments = access.tree.ancestorsOrSelf(unitId);
    const rows = await this.db
      .selectFrom('school_years')
      .selectAll()
      .where('id', '=', schoolYearId)
      .where('department_id', 'in', departments)
      .execute();
    const [year] = await toSharedRows(this.db, 'schoolYear', rows);
    if (!year) throw notFound(YEAR_NOT_FOUND);
    return year;
  }

  private async toReports(rows: Selectable<ReportTable>[]): Promise<Report[]> {
    const userIds = new Set<string>();
    for (const r of rows) for (const u of [r.created_by, r.submitted_by, r.acknowledged_by]) if (u) userIds.add(u);
    const names = new Map<string, string>();
    for (const ids of idChunks(userIds)) {
      for (const u of await this.db.selectFrom('users').select(['id', 'display_name']).where('id', 'in', ids).execute()) {
        names.set(u.id, u.display_name);
      }
    }
    return rows.map((r) => {
      // Stored data is untrusted too: a figures blob that no longer parses is shown as empty, not as a 500.
      const parsed = ReportFiguresSchema.safeParse(safeJson(r.figures));
      const figures = parsed.success ? parsed.data : emptyFigures(r.updated_at);
      return {
        id: r.id,
        unitId: r.unit_id,
        schoolYearId: r.school_year_id,
        kind: r.kind as Report['kind'],
        status: r.status as Report['status'],
        notableResults: r.notable_results,
        figures,
        createdBy: r.created_by,
        createdByName: names.get(r.created_by) ?? '',
        createdAt: r.created_at,
        updatedAt: r.updated_at,
        submittedBy: r.submitted_by,
        submittedByName: r.submitted_by ? (names.get(r.submitted_by) ?? '') : null,
        submittedAt: r.submitted_at,
        acknowledgedBy: r.acknowledged_by,
        acknowledgedByName: r.acknowledged_by ? (names.get(r.acknowledged_by) ?? '') : null,
        acknowledgedAt: r.acknowledged_at,
      };
    });
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

function emptyFigures(at: string): Report['figures'] {
  return {
    unitName: '',
    unitKind: 'school',
    schoolYearLabel: '0000-0000',
    from: at.slice(0, 10),
    to: at.slice(0, 10),
    generatedAt: at,
    indicators: [],
    schools: [],
    drills: [],
    sessions: [],
    sessionsHeld: 0,
    peopleReached: { staff: 0, students: 0, parents: 0 },
  };
}
