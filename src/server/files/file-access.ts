import type { Kysely } from 'kysely';
import type { Access } from '../auth/access';
import type { Database } from '../db/schema';

/**
 * Who may read a stored file: whoever uploaded it (or proved they hold it by its hash), and whoever may read a row
 * that references it: a drill record's photos or a commitment's signature at a school they read, or a material
 * they may see. One function, so that the file route never decides on its own.
 */
export async function mayReadFile(db: Kysely<Database>, access: Access, sha256: string): Promise<boolean> {
  const stored = await db.selectFrom('stored_files').select('sha256').where('sha256', '=', sha256).executeTakeFirst();
  if (!stored) return false;
  if (access.isAdmin) return true;

  const own = await db
    .selectFrom('file_uploaders')
    .select('sha256')
    .where('sha256', '=', sha256)
    .where('user_id', '=', access.userId)
    .executeTakeFirst();
  if (own) return true;

  const signatures = await db
    .selectFrom('commitments')
    .select('school_id')
    .where('signature_hash', '=', sha256)
    .execute();
  if (signatures.some((r) => access.canReadSchool(r.school_id))) return true;

  // photo_hashes is a JSON array in text; the hash is 64 hex characters, so a substring match is exact enough.
  const drills = await db
    .selectFrom('drill_records')
    .select('school_id')
    .where('photo_hashes', 'like', `%${sha256}%`)
    .execute();
  if (drills.some((r) => access.canReadSchool(r.school_id))) return true;

  return materialReferencesFile(db, access, sha256);
}

/** A material (any version of it) with this file that the user may see: the materials feature's visibility rule. */
async function materialReferencesFile(db: Kysely<Database>, access: Access, sha256: string): Promise<boolean> {
  const owners = await db
    .selectFrom('materials as m')
    .leftJoin('material_versions as v', 'v.material_id', 'm.id')
    .select(['m.owner_unit_id', 'm.school_id'])
    .where((eb) => eb.or([eb('m.sha256', '=', sha256), eb('v.sha256', '=', sha256)]))
    .execute();
  return owners.some((o) => access.canSeeMaterial(o.owner_unit_id, o.school_id));
}
