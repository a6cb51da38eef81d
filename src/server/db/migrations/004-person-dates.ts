import type { Kysely } from 'kysely';

/**
 * When a person joined and left their school (Hà Nội local dates). Coverage counts a person only over the days
 * they belonged to the school, so someone who transferred in during term II is not "missing" a September
 * commitment, and someone who left is not missing anything after they left. Null: since before the records began /
 * still there. Status stays the quick flag (active | left) that rosters filter on.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Db = Kysely<any>;

export async function up(db: Db): Promise<void> {
  await db.schema.alterTable('persons').addColumn('joined_on', 'text').execute();
  await db.schema.alterTable('persons').addColumn('left_on', 'text').execute();
}

export async function down(db: Db): Promise<void> {
  await db.schema.alterTable('persons').dropColumn('left_on').execute();
  await db.schema.alterTable('persons').dropColumn('joined_on').execute();
}
