import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';

export interface DemoLogin {
  username: string;
  password: string;
  description: string;
}

/** Placeholder: replaced by the full demo data. */
export const DEMO_LOGINS: DemoLogin[] = [];

export async function hasAnyUnit(db: Kysely<Database>): Promise<boolean> {
  return (await db.selectFrom('units').select('id').limit(1).executeTakeFirst()) !== undefined;
}

export async function loadDemoData(_db: Kysely<Database>): Promise<DemoLogin[]> {
  return DEMO_LOGINS;
}
