import type { Kysely } from 'kysely';
import { foldForSearch } from '../../../shared/materials/library';

/**
 * The material library (issue #6): versions, archiving and accent-insensitive title search.
 *
 * A new version keeps the material's id and changes the row's sha256 (and mime, size), bumping `version_no`; the
 * row's new stream version carries it to devices, which see a sha256 other than the bytes they hold and fetch the new
 * ones. `material_versions` keeps every version's file for the record (and for "who uploaded what").
 * `title_search` is the title folded by `foldForSearch` (no diacritics, lower case): the same LIKE works on SQLite
 * and PostgreSQL without unaccent. Requirements gain `material_ids` (JSON text, like sessions'), so a requirement
 * can point schools to the materials it expects them to use.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Db = Kysely<any>;

export async function up(db: Db): Promise<void> {
  await db.schema.alterTable('materials').addColumn('version_no', 'integer', (c) => c.notNull().defaultTo(1)).execute();
  await db.schema.alterTable('materials').addColumn('status', 'text', (c) => c.notNull().defaultTo('active')).execute();
  await db.schema.alterTable('materials').addColumn('updated_at', 'text').execute();
  await db.schema.alterTable('materials').addColumn('title_search', 'text', (c) => c.notNull().defaultTo('')).execute();
  await db.schema.alterTable('requirements').addColumn('material_ids', 'text', (c) => c.notNull().defaultTo('[]')).execute();

  const rows = (await db.selectFrom('materials').select(['id', 'title']).execute()) as { id: string; title: string }[];
  for (const r of rows) {
    await db.updateTable('materials').set({ title_search: foldForSearch(r.title) }).where('id', '=', r.id).execute();
  }

  await db.schema
    .createTable('material_versions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('material_id', 'text', (c) => c.notNull().references('materials.id'))
    .addColumn('version_no', 'integer', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('mime', 'text', (c) => c.notNull())
    .addColumn('size', 'integer', (c) => c.notNull())
    .addColumn('uploaded_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('material_versions_material')
    .on('material_versions')
    .columns(['material_id', 'version_no'])
    .unique()
    .execute();
  await db.schema.createIndex('materials_owner').on('materials').columns(['owner_unit_id', 'school_id']).execute();
  await db.schema.createIndex('materials_sha256').on('materials').column('sha256').execute();
}

export async function down(db: Db): Promise<void> {
  await db.schema.dropIndex('materials_sha256').execute();
  await db.schema.dropIndex('materials_owner').execute();
  await db.schema.dropTable('material_versions').execute();
  await db.schema.alterTable('requirements').dropColumn('material_ids').execute();
  await db.schema.alterTable('materials').dropColumn('title_search').execute();
  await db.schema.alterTable('materials').dropColumn('updated_at').execute();
  await db.schema.alterTable('materials').dropColumn('status').execute();
  await db.schema.alterTable('materials').dropColumn('version_no').execute();
}
