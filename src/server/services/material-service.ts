import { sql, type Kysely, type Transaction } from 'kysely';
import { newId } from '../../shared/domain/ids';
import type { Material } from '../../shared/domain/records';
import {
  foldForSearch,
  type MaterialCreateInput,
  type MaterialPage,
  type MaterialQuery,
  type MaterialUpdateInput,
} from '../../shared/materials/library';
import type { Access } from '../auth/access';
import { reserveVersions } from '../db/versions';
import type { Database, MaterialTable } from '../db/schema';
import { badRequest, conflict, forbidden, notFound } from '../http/errors';
import { idChunks } from '../sync/batching';
import { toSharedRows } from '../sync/rows';
import { writeAudit } from './audit';
import type { MaterialFileLookup } from './material-files';

export interface MaterialVersionInfo {
  versionNo: number;
  sha256: string;
  mime: string;
  size: number;
  uploadedBy: string;
  createdAt: string;
}

/** A material as the library's detail answer: the contract row and the history of its files. */
export interface MaterialDetail {
  material: Material;
  versions: MaterialVersionInfo[];
  canEdit: boolean;
}

const missingFile = () =>
  badRequest('Tệp chưa được tải lên đầy đủ hoặc không phải loại tài liệu được phép (file not uploaded or not a material type)', [
    { field: 'sha256', message: 'không có tệp tài liệu hoàn chỉnh với mã này' },
  ]);

/** A material lives in its library's stream: the school's for a school's own, the unit's otherwise. */
const streamOf = (ownerUnitId: string, schoolId: string | null) => schoolId ?? ownerUnitId;

/** LIKE patterns take the user's words literally. */
const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * The material library: every read filtered by `Access.canSeeMaterial`, every write checked by
 * `Access.canPublishMaterial`, every write in one transaction with its stream version so that devices pull it.
 */
export class MaterialService {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly files: MaterialFileLookup,
  ) {}

  async create(access: Access, input: MaterialCreateInput): Promise<Material> {
    this.checkPublish(access, input.ownerUnitId, input.schoolId);
    const file = await this.files(input.sha256);
    if (!file) throw missingFile();
    const id = input.id ?? newId();
    const now = new Date().toISOString();
    const stream = streamOf(input.ownerUnitId, input.schoolId);
    const row = await this.db.transaction().execute(async (trx) => {
      const existing = await trx.selectFrom('materials').select('id').where('id', '=', id).executeTakeFirst();
      if (existing) throw conflict('Tài liệu với mã này đã tồn tại (material id already used)');
      const values: MaterialTable = {
        id,
        owner_unit_id: input.ownerUnitId,
        school_id: input.schoolId,
        title: input.title,
        description: input.description,
        activity_type_id: input.activityTypeId,
        school_level: input.schoolLevel,
        school_year_id: input.schoolYearId,
        tags: JSON.stringify(input.tags),
        mime: file.mime,
        size: file.size,
        sha256: input.sha256,
        uploaded_by: access.userId,
        created_at: now,
        version_no: 1,
        status: 'active',
        updated_at: null,
        title_search: foldForSearch(input.title),
        stream,
        version: await reserveVersions(trx, stream),
      };
      await trx.insertInto('materials').values(values).execute();
      await insertVersion(trx, values, access.userId, now);
      await writeAudit(trx, { userId: access.userId, action: 'material.create', entity: 'material', entityId: id, schoolId: input.schoolId });
      return values;
    });
    return this.shared(row);
  }

  async update(access: Access, id: string, input: MaterialUpdateInput): Promise<Material> {
    return this.write(access, id, 'material.update', (row) => ({
      ...(input.title !== undefined ? { title: input.title, title_search: foldForSearch(input.title) } : {}),
      ...(input.description !== undefined ? { description: input.description } : {}),
      ...(input.activityTypeId !== undefined ? { activity_type_id: input.activityTypeId } : {}),
      ...(input.schoolLevel !== undefined ? { school_level: input.schoolLevel } : {}),
      ...(input.schoolYearId !== undefined ? { school_year_id: input.schoolYearId } : {}),
      ...(input.tags !== undefined ? { tags: JSON.stringify(input.tags) } : {}),
      version_no: row.version_no,
    }));
  }

  /**
   * A new file for the material: same id, new sha256, next version number. Repeating the same call (same sha256)
   * changes nothing, so a retried request is harmless.
   */
  async addVersion(access: Access, id: string, sha256: string): Promise<Material> {
    const current = await this.visible(access, id);
    this.checkPublish(access, current.owner_unit_id, current.school_id);
    if (current.sha256 === sha256) return this.shared(current);
    const file = await this.files(sha256);
    if (!file) throw missingFile();
    return this.write(access, id, 'material.version', (row, trx, now) => ({
      sha256,
      mime: file.mime,
      size: file.size,
      version_no: row.version_no + 1,
      after: async () => {
        await insertVersion(trx, { ...row, sha256, mime: file.mime, size: file.size, version_no: row.version_no + 1 }, access.userId, now);
      },
    }));
  }

  /** Archive: out of the library and of new attachments; sessions that already use it keep showing it. */
  async archive(access: Access, id: string): Promise<Material> {
    const current = await this.visible(access, id);
    this.checkPublish(access, current.owner_unit_id, current.school_id);
    if (current.status === 'archived') return this.shared(current);
    return this.write(access, id, 'material.archive', (row) => ({ status: 'archived', version_no: row.version_no }));
  }

  async detail(access: Access, id: string): Promise<MaterialDetail> {
    const row = await this.visible(access, id);
    const versions = await this.db
      .selectFrom('material_versions')
      .selectAll()
      .where('material_id', '=', id)
      .orderBy('version_no', 'desc')
      .execute();
    return {
      material: await this.shared(row),
      versions: versions.map((v) => ({
        versionNo: v.version_no,
        sha256: v.sha256,
        mime: v.mime,
        size: v.size,
        uploadedBy: v.uploaded_by,
        createdAt: v.created_at,
      })),
      canEdit: access.canPublishMaterial(row.owner_unit_id, row.school_id),
    };
  }

  /** The library search: the user's visible libraries only, newest first. */
  async search(access: Access, query: MaterialQuery): Promise<MaterialPage> {
    const libraries = [...access.materialLibraries()];
    const schools = access.readableSchools();
    if (libraries.length === 0 && schools.length === 0) return { items: [], total: 0 };
    if (query.ownerUnitId !== undefined && !access.canSeeUnit(query.ownerUnitId)) return { items: [], total: 0 };
    let base = this.db.selectFrom('materials').where((eb) => {
      const ors = [];
      for (const ids of idChunks(libraries)) ors.push(eb.and([eb('school_id', 'is', null), eb('owner_unit_id', 'in', ids)]));
      for (const ids of idChunks(schools)) ors.push(eb('school_id', 'in', ids));
      return eb.or(ors);
    });
    if (query.includeArchived !== '1') base = base.where('status', '=', 'active');
    if (query.activityTypeId) base = base.where('activity_type_id', '=', query.activityTypeId);
    if (query.schoolLevel) base = base.where('school_level', '=', query.schoolLevel);
    if (query.schoolYearId) base = base.where('school_year_id', '=', query.schoolYearId);
    if (query.ownerUnitId) base = base.where('owner_unit_id', '=', query.ownerUnitId);
    for (const word of foldForSearch(query.q ?? '').split(' ').filter(Boolean)) {
      base = base.where(sql<boolean>`title_search like ${`%${escapeLike(word)}%`} escape '\\'`);
    }
    const counted = await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst();
    const rows = await base
      .selectAll()
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(query.limit)
      .offset(query.offset)
      .execute();
    return { items: await toSharedRows(this.db, 'material', rows), total: Number(counted?.n ?? 0) };
  }

  /** Whether a file's bytes belong to a material (any version) this user may see: for GET /api/files/:sha256. */
  async canReadFile(access: Access, sha256: string): Promise<boolean> {
    const owners = await this.db
      .selectFrom('materials as m')
      .leftJoin('material_versions as v', 'v.material_id', 'm.id')
      .select(['m.owner_unit_id', 'm.school_id'])
      .where((eb) => eb.or([eb('m.sha256', '=', sha256), eb('v.sha256', '=', sha256)]))
      .execute();
    return owners.some((o) => access.canSeeMaterial(o.owner_unit_id, o.school_id));
  }

  private checkPublish(access: Access, ownerUnitId: string, schoolId: string | null): void {
    // A library the user cannot even see answers like one that does not exist.
    if (!access.canSeeUnit(ownerUnitId) || (schoolId !== null && !access.canSeeUnit(schoolId))) {
      throw notFound('Không tìm thấy thư viện tài liệu (library not found)');
    }
    if (!access.canPublishMaterial(ownerUnitId, schoolId)) {
      throw forbidden('Không có quyền đăng tài liệu vào thư viện này (may not publish to this library)');
    }
  }

  private async visible(access: Access, id: string, db: Kysely<Database> | Transaction<Database> = this.db): Promise<MaterialTable> {
    const row = await db.selectFrom('materials').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row || !access.canSeeMaterial(row.owner_unit_id, row.school_id)) throw notFound('Không tìm thấy tài liệu (material not found)');
    return row;
  }

  /** Reads, checks and rewrites a row in one transaction, with a new stream version so that devices pull the change. */
  private async write(
    access: Access,
    id: string,
    action: string,
    change: (
      row: MaterialTable,
      trx: Transaction<Database>,
      now: string,
    ) => Partial<MaterialTable> & { after?: () => Promise<void> },
  ): Promise<Material> {
    const now = new Date().toISOString();
    const row = await this.db.transaction().execute(async (trx) => {
      const current = await this.visible(access, id, trx);
      this.checkPublish(access, current.owner_unit_id, current.school_id);
      const { after, ...set } = change(current, trx, now);
      const next: MaterialTable = { ...current, ...set, updated_at: now, version: await reserveVersions(trx, current.stream) };
      await trx
        .updateTable('materials')
        .set({ ...set, updated_at: now, version: next.version })
        .where('id', '=', id)
        .execute();
      if (after) await after();
      await writeAudit(trx, { userId: access.userId, action, entity: 'material', entityId: id, schoolId: current.school_id });
      return next;
    });
    return this.shared(row);
  }

  private async shared(row: MaterialTable): Promise<Material> {
    const [m] = await toSharedRows(this.db, 'material', [row]);
    return m!;
  }
}

async function insertVersion(
  trx: Transaction<Database>,
  m: Pick<MaterialTable, 'id' | 'version_no' | 'sha256' | 'mime' | 'size'>,
  userId: string,
  now: string,
): Promise<void> {
  await trx
    .insertInto('material_versions')
    .values({
      id: newId(),
      material_id: m.id,
      version_no: m.version_no,
      sha256: m.sha256,
      mime: m.mime,
      size: m.size,
      uploaded_by: userId,
      created_at: now,
    })
    .execute();
}
