import type { Transaction } from 'kysely';
import type { Database } from '../../src/server/db/schema';
import { reserveVersions } from '../../src/server/db/versions';
import { newId } from '../../src/shared/domain/ids';

/**
 * What the organisation routes of the catalogue act on, so that repeating them for every fixture user is safe:
 * - `erasable`: one person of school A per fixture user (former parents, status "left", so rosters and coverage of
 *   the fixture do not change), each erased by at most one call of DELETE /api/persons/:id;
 * - `accountA`: a staff account of school A that no test signs in with (its password is reset, its grants changed,
 *   it is deactivated by the matrix).
 */
export interface FixtureOrg {
  erasable: Record<string, string>;
  accountA: string;
}

export async function createFixtureOrg(
  trx: Transaction<Database>,
  f: { schoolA: string },
  users: readonly string[],
  passwordHash: string,
): Promise<FixtureOrg> {
  const now = new Date().toISOString();
  const erasable: Record<string, string> = {};
  for (const user of users) {
    const id = newId();
    erasable[user] = id;
    await trx
      .insertInto('persons')
      .values({
        id,
        school_id: f.schoolA,
        kind: 'parent',
        full_name: `Phụ huynh cũ ${user}`,
        code: null,
        birth_year: null,
        sex: null,
        class_id: null,
        role_tags: '[]',
        status: 'left',
        joined_on: '2020-09-05',
        left_on: '2024-05-31',
        created_at: now,
        updated_at: now,
        stream: f.schoolA,
        version: await reserveVersions(trx, f.schoolA),
      })
      .execute();
  }
  const accountA = newId();
  await trx
    .insertInto('users')
    .values({
      id: accountA,
      username: 'account.a',
      display_name: 'Tài khoản giáo viên A',
      password_hash: passwordHash,
      person_id: null,
      active: 1,
      must_change_password: 0,
      created_at: now,
      updated_at: now,
      school_id: f.schoolA,
    })
    .execute();
  await trx.insertInto('role_grants').values({ id: newId(), user_id: accountA, role: 'teacher', unit_id: f.schoolA, created_at: now }).execute();
  return { erasable, accountA };
}
