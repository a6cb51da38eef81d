import type { Kysely, Transaction } from 'kysely';
import type { StaffRoleTag } from '../../shared/domain/people';
import { newId } from '../../shared/domain/ids';
import {
  IMPORT_MAX_ROWS,
  IMPORT_TTL_MS,
  findDataSheet,
  gradeOfClass,
  hasErrors,
  isError,
  parseRows,
  type ImportAction,
  type ImportBatchView,
  type ImportField,
  type ImportKind,
  type ImportPreviewRow,
  type ImportSummary,
  type ParsedRow,
  type ProblemCode,
} from '../../shared/roster-import';
import { hanoiDate } from '../../shared/time';
import type { Access } from '../auth/access';
import type { Database, PersonTable } from '../db/schema';
import { reserveVersions } from '../db/versions';
import { HttpError, badRequest, conflict, notFound } from '../http/errors';
import { writeAudit } from '../services/audit';
import { readRosterFile } from './read-file';

type Reader = Kysely<Database> | Transaction<Database>;

const PERSON_KIND: Record<ImportKind, 'student' | 'staff'> = { students: 'student', staff: 'staff' };

const FIELD_LABELS: Record<ImportKind, Partial<Record<ImportField, string>>> = {
  students: { code: 'Mã học sinh', fullName: 'Họ tên', className: 'Mã lớp' },
  staff: { code: 'Mã cán bộ', fullName: 'Họ tên' },
};

/** What the batch keeps to apply from: the parsed rows and which optional columns the file had. */
interface StoredRows {
  has: { birthDate: boolean; sex: boolean; roles: boolean };
  rows: ParsedRow[];
}

type ExistingPerson = Pick<
  PersonTable,
  'id' | 'code' | 'full_name' | 'class_id' | 'birth_year' | 'sex' | 'status' | 'role_tags' | 'left_on'
>;

interface PlannedRow {
  row: ParsedRow;
  action: ImportAction;
  problems: ProblemCode[];
  existing: ExistingPerson | null;
  /** A class id, or the name of a class created on apply. */
  classRef: { id: string } | { create: string } | null;
  next: { fullName: string; birthYear: number | null; sex: string | null; status: 'active' | 'left'; roleTags: string };
}

export interface ImportPlan {
  rows: PlannedRow[];
  /** Class id → name, for showing who is missing from the file. */
  classNames: Map<string, string>;
  absent: ExistingPerson[];
  classesToCreate: string[];
  summary: ImportSummary;
}

const tagsJson = (tags: StaffRoleTag[]) => JSON.stringify([...new Set(tags)].sort());

function parseTags(text: string): StaffRoleTag[] {
  try {
    const v = JSON.parse(text) as unknown;
    return Array.isArray(v) ? (v.filter((t) => typeof t === 'string') as StaffRoleTag[]) : [];
  } catch {
    return [];
  }
}

/**
 * Compares the file with the school's roster: who is new, who changed, who left (by the file's status or by being
 * missing from it), who is the same. Pure, so the preview and the apply (inside its transaction, against the roster
 * as it is then) reach the same answer for the same data.
 */
export function planImport(
  kind: ImportKind,
  stored: StoredRows,
  existing: ExistingPerson[],
  classesByName: Map<string, string>,
): ImportPlan {
  const byCode = new Map<string, ExistingPerson>();
  for (const p of existing) if (p.code) byCode.set(p.code, p);
  const fileCodes = new Set(stored.rows.map((r) => r.code).filter((c) => c !== ''));
  const classesToCreate = new Set<string>();
  const summary: ImportSummary = { create: 0, update: 0, leave: 0, unchanged: 0, errors: 0, warnings: 0, total: stored.rows.length };
  const rows: PlannedRow[] = stored.rows.map((row) => {
    const problems = [...row.problems];
    let classRef: PlannedRow['classRef'] = null;
    if (kind === 'students' && row.className) {
      const id = classesByName.get(row.className);
      if (id) classRef = { id };
      else {
        classRef = { create: row.className };
        problems.push('newClass');
      }
    }
    const prev = byCode.get(row.code) ?? null;
    const keepHomeroom = prev ? parseTags(prev.role_tags).filter((t) => t === 'homeroom') : [];
    const next: PlannedRow['next'] = {
      fullName: row.fullName,
      birthYear: stored.has.birthDate && row.birthYear !== null ? row.birthYear : (prev?.birth_year ?? null),
      sex: stored.has.sex && row.sex !== null ? row.sex : (prev?.sex ?? null),
      status: row.status,
      roleTags: kind === 'staff' && stored.has.roles ? tagsJson([...row.roleTags, ...keepHomeroom]) : (prev?.role_tags ?? tagsJson(row.roleTags)),
    };
    let action: ImportAction;
    if (hasErrors({ problems })) action = 'skip';
    else if (!prev) action = row.status === 'left' ? 'unchanged' : 'create';
    else if (prev.status === 'active' && row.status === 'left') action = 'leave';
    else {
      const classId = classRef && 'id' in classRef ? classRef.id : classRef ? null : prev.class_id;
      const same =
        prev.full_name === next.fullName &&
        prev.birth_year === next.birthYear &&
        prev.sex === next.sex &&
        prev.status === next.status &&
        prev.role_tags === next.roleTags &&
        (kind !== 'students' || (classId !== null && prev.class_id === classId));
      action = same ? 'unchanged' : 'update';
    }
    if (action === 'create' || action === 'update') {
      if (classRef && 'create' in classRef) classesToCreate.add(classRef.create);
    }
    if (action === 'skip') summary.errors++;
    else summary[action]++;
    if (action !== 'skip' && problems.length > 0) summary.warnings++;
    return { row, action, problems, existing: prev, classRef, next };
  });
  // Who is missing from the file has left, but only where the file speaks for them: a student export may hold one
  // class or one grade, so only students of the classes the file lists are marked as left (a whole-school export lists
  // every class); a staff export is the whole school's.
  const fileClassIds = new Set<string>();
  if (kind === 'students') {
    for (const r of stored.rows) {
      const id = r.className ? classesByName.get(r.className) : undefined;
      if (id) fileClassIds.add(id);
    }
  }
  const spokenFor = (p: ExistingPerson) => kind === 'staff' || (p.class_id !== null && fileClassIds.has(p.class_id));
  const absent = existing.filter(
    (p) => p.status === 'active' && p.code !== null && !fileCodes.has(p.code) && spokenFor(p),
  );
  summary.leave += absent.length;
  const classNames = new Map<string, string>();
  for (const [name, id] of classesByName) if (!classNames.has(id)) classNames.set(id, name);
  return { rows, absent, classNames, classesToCreate: [...classesToCreate].sort(), summary };
}

function viewRows(plan: ImportPlan): ImportPreviewRow[] {
  const out = plan.rows.map(
    (p): ImportPreviewRow => ({
      line: p.row.line,
      code: p.row.code,
      fullName: p.row.fullName,
      className: p.row.className,
      status: p.row.status,
      problems: p.problems,
      action: p.action,
    }),
  );
  // The rows that need the user's eyes come first: errors, then warnings, each in file order.
  const rank = (r: ImportPreviewRow) => (r.problems.some(isError) ? 0 : r.problems.length > 0 ? 1 : 2);
  return out.sort((a, b) => rank(a) - rank(b) || a.line - b.line);
}

interface BatchRow {
  id: string;
  school_id: string;
  kind: string;
  school_year_id: string;
  created_at: string;
  status: string;
  applied_at: string | null;
  summary: string;
  rows: string;
  result: string | null;
}

type StoredView = Omit<ImportBatchView, 'id' | 'schoolId' | 'schoolYearId' | 'kind' | 'status' | 'createdAt' | 'appliedAt'>;

export interface ApplyResult {
  created: number;
  updated: number;
  left: number;
  classesCreated: number;
  skipped: number;
}

export class ImportService {
  constructor(private readonly db: Kysely<Database>) {}

  /** Reads the file, checks every row and stores the preview; nothing on the roster changes. */
  async preview(
    access: Access,
    schoolId: string,
    kind: ImportKind,
    schoolYearId: string,
    bytes: Uint8Array,
    now = new Date(),
  ): Promise<ImportBatchView> {
    if (!access.canManagePeople(schoolId)) throw notFound();
    await this.checkSchoolYear(access, schoolId, schoolYearId);
    const sheets = await readRosterFile(bytes);
    const match = findDataSheet(sheets, kind);
    if (!match || match.missing.length > 0) {
      const labels = FIELD_LABELS[kind];
      const missing = (match?.missing ?? (['code', 'fullName', 'className'] as ImportField[]))
        .map((f) => labels[f])
        .filter(Boolean);
      throw new HttpError(
        422,
        'unprocessable',
        `Không tìm thấy cột ${missing.join(', ')} trong ${HEADER_ROWS_TEXT} của tệp; hãy kiểm tra đúng loại danh sách (${kind === 'students' ? 'học sinh' : 'cán bộ'}) (required columns not found: ${missing.join(', ')})`,
      );
    }
    const sheet = sheets.find((s) => s.name === match.sheet)!;
    const parsed = parseRows(kind, sheet.rows, match, { thisYear: Number(hanoiDate(now).slice(0, 4)) });
    if (parsed.length === 0) throw new HttpError(422, 'unprocessable', 'Bảng không có dòng dữ liệu nào dưới dòng tiêu đề (no data rows under the header)');
    if (parsed.length > IMPORT_MAX_ROWS) {
      throw new HttpError(413, 'payload_too_large', `Tệp có hơn ${IMPORT_MAX_ROWS} dòng (more than ${IMPORT_MAX_ROWS} rows)`);
    }
    const stored: StoredRows = {
      has: {
        birthDate: match.columns.birthDate !== undefined,
        sex: match.columns.sex !== undefined,
        roles: match.columns.position !== undefined || match.columns.roleGroup !== undefined,
      },
      rows: parsed,
    };
    const plan = await this.plan(this.db, schoolId, kind, schoolYearId, stored);
    const view: StoredView = {
      sheet: match.sheet,
      droppedColumns: match.dropped,
      summary: plan.summary,
      rows: viewRows(plan),
      absent: plan.absent.map((p) => ({ code: p.code ?? '', fullName: p.full_name, className: (p.class_id && plan.classNames.get(p.class_id)) ?? null })),
      classesToCreate: plan.classesToCreate.map((name) => ({ name, grade: gradeOfClass(name) })),
    };
    const id = newId();
    const createdAt = now.toISOString();
    // Previews are personal data waiting for a decision: none outlives a day.
    await this.db.deleteFrom('import_batches').where('created_at', '<', new Date(now.getTime() - IMPORT_TTL_MS).toISOString()).execute();
    await this.db
      .insertInto('import_batches')
      .values({
        id,
        school_id: schoolId,
        kind,
        school_year_id: schoolYearId,
        created_by: access.userId,
        created_at: createdAt,
        status: 'previewed',
        applied_at: null,
        applied_by: null,
        sheet: match.sheet,
        summary: JSON.stringify(view),
        rows: JSON.stringify(stored),
        result: null,
      })
      .execute();
    return { id, schoolId, schoolYearId, kind, status: 'previewed', createdAt, appliedAt: null, ...view };
  }

  async get(access: Access, id: string, now = new Date()): Promise<ImportBatchView & { result: ApplyResult | null }> {
    const batch = await this.load(this.db, access, id, now);
    return toView(batch);
  }

  /**
   * Applies a preview: creates the missing classes, upserts people by code, marks those who left, in one
   * transaction with the school's stream versions, so devices pull every change and nothing half-applied is
   * ever seen. Applying an applied batch again answers what it did (safe to repeat).
   */
  async apply(access: Access, id: string, confirm: boolean, now = new Date()): Promise<ImportBatchView & { result: ApplyResult | null }> {
    return this.db.transaction().execute(async (trx) => {
      const batch = await this.load(trx, access, id, now);
      if (batch.status === 'applied') return toView(batch);
      if (batch.status !== 'previewed') throw conflict('Bản xem trước này đã bị huỷ (this preview was discarded)');
      const kind = batch.kind as ImportKind;
      const stored = JSON.parse(batch.rows) as StoredRows;
      const plan = await this.plan(trx, batch.school_id, kind, batch.school_year_id, stored);
      if (plan.summary.errors > 0 && !confirm) {
        throw conflict(
          `Có ${plan.summary.errors} dòng lỗi; hãy xem lại và xác nhận bỏ qua các dòng này để nhập phần còn lại (${plan.summary.errors} rows have errors: confirm to skip them)`,
        );
      }
      // Claim the batch first: a second apply racing this one waits on the row and then finds it applied.
      const claimed = await trx
        .updateTable('import_batches')
        .set({ status: 'applied', applied_at: now.toISOString(), applied_by: access.userId })
        .where('id', '=', id)
        .where('status', '=', 'previewed')
        .executeTakeFirst();
      if (Number(claimed.numUpdatedRows) === 0) {
        return toView(await this.load(trx, access, id, now));
      }
      const result = await this.write(trx, batch, kind, plan, now);
      await trx.updateTable('import_batches').set({ result: JSON.stringify(result) }).where('id', '=', id).execute();
      await writeAudit(trx, {
        userId: access.userId,
        action: 'roster.import',
        entity: 'import_batch',
        entityId: id,
        schoolId: batch.school_id,
        details: { kind, ...result },
      });
      return toView(await this.load(trx, access, id, now));
    });
  }

  private async write(trx: Transaction<Database>, batch: BatchRow, kind: ImportKind, plan: ImportPlan, now: Date): Promise<ApplyResult> {
    const schoolId = batch.school_id;
    const today = hanoiDate(now);
    const at = now.toISOString();
    const creates = plan.rows.filter((r) => r.action === 'create');
    const updates = plan.rows.filter((r) => r.action === 'update' || r.action === 'leave');
    const total = plan.classesToCreate.length + creates.length + updates.length + plan.absent.length;
    if (total === 0) return { created: 0, updated: 0, left: 0, classesCreated: 0, skipped: plan.summary.errors };
    let version = await reserveVersions(trx, schoolId, total);

    const newClassIds = new Map<string, string>();
    for (const name of plan.classesToCreate) {
      const cid = newId();
      newClassIds.set(name, cid);
      await trx
        .insertInto('classes')
        .values({
          id: cid,
          school_id: schoolId,
          school_year_id: batch.school_year_id,
          grade: gradeOfClass(name),
          name,
          code: name,
          homeroom_person_id: null,
          status: 'active',
          stream: schoolId,
          version: version++,
        })
        .execute();
    }
    const classIdOf = (p: PlannedRow, fallback: string | null): string | null => {
      if (kind !== 'students' || !p.classRef) return fallback;
      return 'id' in p.classRef ? p.classRef.id : (newClassIds.get(p.classRef.create) ?? fallback);
    };

    const personKind = PERSON_KIND[kind];
    for (let i = 0; i < creates.length; i += 200) {
      const values = creates.slice(i, i + 200).map((p) => ({
        id: newId(),
        school_id: schoolId,
        kind: personKind,
        full_name: p.next.fullName,
        code: p.row.code,
        birth_year: p.next.birthYear,
        sex: p.next.sex,
        class_id: classIdOf(p, null),
        role_tags: p.next.roleTags,
        status: 'active',
        joined_on: p.row.transferredIn ? today : null,
        left_on: null,
        created_at: at,
        updated_at: at,
        stream: schoolId,
        version: version++,
      }));
      await trx.insertInto('persons').values(values).execute();
    }
    let left = 0;
    for (const p of updates) {
      const prev = p.existing!;
      const leaving = p.next.status === 'left';
      if (leaving && prev.status === 'active') left++;
      await trx
        .updateTable('persons')
        .set({
          full_name: p.next.fullName,
          birth_year: p.next.birthYear,
          sex: p.next.sex,
          class_id: classIdOf(p, prev.class_id),
          role_tags: p.next.roleTags,
          status: p.next.status,
          left_on: leaving ? (prev.status === 'left' ? prev.left_on : today) : null,
          updated_at: at,
          version: version++,
        })
        .where('id', '=', prev.id)
        .execute();
    }
    // Those missing from the file left the school; each row takes its own version, so one statement each.
    for (const p of plan.absent) {
      await trx
        .updateTable('persons')
        .set({ status: 'left', left_on: today, updated_at: at, version: version++ })
        .where('id', '=', p.id)
        .execute();
    }
    return {
      created: creates.length,
      updated: updates.length - left,
      left: left + plan.absent.length,
      classesCreated: plan.classesToCreate.length,
      skipped: plan.summary.errors,
    };
  }

  private async plan(db: Reader, schoolId: string, kind: ImportKind, schoolYearId: string, stored: StoredRows): Promise<ImportPlan> {
    const existing = await db
      .selectFrom('persons')
      .select(['id', 'code', 'full_name', 'class_id', 'birth_year', 'sex', 'status', 'role_tags', 'left_on'])
      .where('school_id', '=', schoolId)
      .where('kind', '=', PERSON_KIND[kind])
      .execute();
    const classesByName = new Map<string, string>();
    if (kind === 'students') {
      const classes = await db
        .selectFrom('classes')
        .select(['id', 'name', 'code'])
        .where('school_id', '=', schoolId)
        .where('school_year_id', '=', schoolYearId)
        .execute();
      for (const c of classes) {
        classesByName.set(c.name, c.id);
        if (c.code && !classesByName.has(c.code)) classesByName.set(c.code, c.id);
      }
    }
    return planImport(kind, stored, existing, classesByName);
  }

  /** The school year must be one of the school's department (classes are created in it). */
  private async checkSchoolYear(access: Access, schoolId: string, schoolYearId: string): Promise<void> {
    const year = await this.db.selectFrom('school_years').select(['id', 'department_id']).where('id', '=', schoolYearId).executeTakeFirst();
    if (!year || !access.tree.ancestorsOrSelf(schoolId).includes(year.department_id)) {
      throw badRequest('Năm học không tồn tại (unknown school year)', [{ field: 'schoolYearId', message: 'năm học không tồn tại' }]);
    }
  }

  private async load(db: Reader, access: Access, id: string, now: Date): Promise<BatchRow> {
    const batch = await db
      .selectFrom('import_batches')
      .select(['id', 'school_id', 'kind', 'school_year_id', 'created_at', 'status', 'applied_at', 'summary', 'rows', 'result'])
      .where('id', '=', id)
      .executeTakeFirst();
    if (!batch || !access.canManagePeople(batch.school_id)) throw notFound();
    if (batch.status === 'previewed' && Date.parse(batch.created_at) < now.getTime() - IMPORT_TTL_MS) {
      throw conflict('Bản xem trước đã quá một ngày; hãy tải tệp lên lại (this preview expired: upload the file again)');
    }
    return batch;
  }
}

const HEADER_ROWS_TEXT = '15 dòng đầu của các trang tính';

function toView(batch: BatchRow): ImportBatchView & { result: ApplyResult | null } {
  const view = JSON.parse(batch.summary) as StoredView;
  return {
    id: batch.id,
    schoolId: batch.school_id,
    schoolYearId: batch.school_year_id,
    kind: batch.kind as ImportKind,
    status: batch.status as ImportBatchView['status'],
    createdAt: batch.created_at,
    appliedAt: batch.applied_at,
    ...view,
    result: batch.result ? (JSON.parse(batch.result) as ApplyResult) : null,
  };
}
