import type { Kysely } from 'kysely';
import { hashPassword } from '../auth/passwords';
import type { Database } from '../db/schema';
import { recordAssignments } from '../sync/trainer-view';
import { DEMO_PASSWORD, DEMO_USERS } from './catalogue';
import { assignVersions, insertRows } from './insert';
import { buildOrg } from './org';
import { buildActivityTypes, buildRequirements } from './plan';
import { DemoRandom } from './random';
import { emptyRows, type DemoRows } from './rows';
import { buildSessions } from './sessions';
import { buildUsers } from './users';
import { demoClock } from './year';
import { buildConsents } from './consents';

export interface DemoLogin {
  username: string;
  password: string;
  description: string;
}

export const DEMO_LOGINS: DemoLogin[] = DEMO_USERS.map((u) => ({
  username: u.username,
  password: DEMO_PASSWORD,
  description: u.description,
}));

/** A constant seed: the same names, class sizes and marks on every machine and every reset. */
const DEMO_SEED = 20_250_905;

export async function hasAnyUnit(db: Kysely<Database>): Promise<boolean> {
  return (await db.selectFrom('units').select('id').limit(1).executeTakeFirst()) !== undefined;
}

export interface DemoOptions {
  /**
   * The moment the demo is loaded: it shows the Hà Nội school year that contains it (in June to August, the one
   * that starts in September), with what was planned before it held and recorded and the rest still to come.
   */
  now?: Date;
}

/**
 * Every row of the demo, in memory, with versions still to be reserved. `passwordHashes` follows DEMO_USERS' order.
 * The same `now` gives the same rows every time, ids aside (they are UUIDv7s, made when the rows are).
 */
export function buildDemoRows(passwordHashes: readonly string[], now: Date): DemoRows {
  const rng = new DemoRandom(DEMO_SEED);
  const rows = emptyRows();
  const clock = demoClock(now);
  const org = buildOrg(rng, rows, clock);
  const users = buildUsers(org, rows, clock, passwordHashes);
  const types = buildActivityTypes(org, rows);
  buildRequirements(org, clock.year, types, rows);
  buildSessions(rng, rows, org, types, users, clock);
  buildConsents(rows, org, users, clock);
  return rows;
}

/**
 * Loads the demo (three schools of Hà Nội in the current school year, their plan, sessions and records, and the
 * demo accounts) into an empty database, in one transaction. Refuses a database that already has units: the demo
 * is never mixed with real data. Two servers starting on one empty PostgreSQL at once cannot both load it either:
 * the second transaction fails on the unique usernames and rolls back.
 */
export async function loadDemoData(db: Kysely<Database>, options: DemoOptions = {}): Promise<DemoLogin[]> {
  if (await hasAnyUnit(db)) {
    throw new Error(
      'Cơ sở dữ liệu đã có dữ liệu: không nạp dữ liệu mẫu (the database already holds data; demo data not loaded)',
    );
  }
  // Argon2 is deliberately slow; hashing before the transaction keeps its locks short.
  const hashes = await Promise.all(DEMO_USERS.map(() => hashPassword(DEMO_PASSWORD)));
  const rows = buildDemoRows(hashes, options.now ?? new Date());
  await db.transaction().execute(async (trx) => {
    await assignVersions(trx, rows);
    await insertRows(trx, rows);
    await recordAssignments(
      trx,
      rows.sessions
        .filter((s) => s.trainer_user_id !== null)
        .map((s) => ({ sessionId: s.id, trainerUserId: s.trainer_user_id!, assigned: true })),
    );
  });
  return DEMO_LOGINS;
}
