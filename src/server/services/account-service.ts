import { randomInt } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Role } from '../../shared/auth';
import { newId } from '../../shared/domain/ids';
import {
  schoolSlug,
  usernameBase,
  type AccountView,
  type BulkAccountsResponse,
  type CreatedAccount,
} from '../../shared/org/api';
import type { Access } from '../auth/access';
import { hashPassword } from '../auth/passwords';
import type { Database } from '../db/schema';
import { badRequest, forbidden, notFound } from '../http/errors';
import { writeAudit } from './audit';

type Db = Kysely<Database>;

/** No 0/O, 1/l/I: the password is read off a printed sheet and typed on a tablet. */
const PASSWORD_ALPHABET = 'abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
const PASSWORD_LENGTH = 12;

/** A random initial password (about 70 bits), made with the operating system's secure random source. */
export function initialPassword(): string {
  let out = '';
  for (let i = 0; i < PASSWORD_LENGTH; i++) out += PASSWORD_ALPHABET[randomInt(PASSWORD_ALPHABET.length)];
  return out;
}

const accountNotFound = () => notFound('Không tìm thấy tài khoản (account not found)');

/**
 * Accounts (issue #8 item 4). Who may manage an account: whoever covers every unit the account belongs to (its
 * grants, the school it was made for, its person's school) — a principal their own school's staff, an officer
 * the accounts within their scope, an admin everyone. Nobody grants a role above their own (`mayGrant`), and
 * nobody manages their own account here (they change their password through /api/auth/password).
 */
export class AccountService {
  constructor(private readonly db: Db) {}

  /** Whether `access` may give `role` at `unitId`. */
  static mayGrant(access: Access, role: Role, unitId: string): boolean {
    switch (role) {
      case 'teacher':
      case 'principal':
        return access.canManagePeople(unitId);
      case 'officer':
      case 'trainer':
        return access.canManageUnit(unitId);
      case 'admin':
        return access.isAdmin;
    }
  }

  /** The units an account belongs to, and whether it holds an admin grant. */
  private async unitsOf(userId: string): Promise<{ units: string[]; roles: { role: string; unitId: string }[] } | null> {
    const user = await this.db.selectFrom('users').select(['id', 'school_id', 'person_id']).where('id', '=', userId).executeTakeFirst();
    if (!user) return null;
    const grants = await this.db.selectFrom('role_grants').select(['role', 'unit_id']).where('user_id', '=', userId).execute();
    const units = new Set(grants.map((g) => g.unit_id));
    if (user.school_id) units.add(user.school_id);
    if (user.person_id) {
      const p = await this.db.selectFrom('persons').select('school_id').where('id', '=', user.person_id).executeTakeFirst();
      if (p) units.add(p.school_id);
    }
    return { units: [...units], roles: grants.map((g) => ({ role: g.role, unitId: g.unit_id })) };
  }

  /** Loads an account the caller may manage, or answers not found (out of scope looks the same as absent). */
  private async manageable(access: Access, userId: string): Promise<void> {
    const found = await this.unitsOf(userId);
    if (!found || found.units.length === 0) {
      // An account with no unit at all (every grant withdrawn, made by hand): only an admin may still manage it.
      if (found && access.isAdmin) return;
      throw accountNotFound();
    }
    const covered = found.units.every((u) => (access.tree.isSchool(u) ? access.canManagePeople(u) : access.canManageUnit(u)));
    // Each role the account holds must be one the caller could grant: a principal never resets an officer's password.
    const outranked = found.roles.every((g) => AccountService.mayGrant(access, g.role as Role, g.unitId));
    if (!covered || !outranked) throw accountNotFound();
    if (userId === access.userId) throw forbidden('Không tự quản lý tài khoản của mình ở đây (use Đổi mật khẩu for your own account)');
  }

  /**
   * Active staff of the school with no account yet: what bulk creation offers. From the server, so that an officer
   * (whose device holds no school's roster) can make a school's accounts too.
   */
  async staffWithoutAccount(access: Access, schoolId: string): Promise<{ personId: string; fullName: string }[]> {
    if (!access.canManagePeople(schoolId)) throw notFound('Không tìm thấy trường (school not found)');
    const rows = await this.db
      .selectFrom('persons')
      .leftJoin('users', 'users.person_id', 'persons.id')
      .select(['persons.id', 'persons.full_name'])
      .where('persons.school_id', '=', schoolId)
      .where('persons.kind', '=', 'staff')
      .where('persons.status', '=', 'active')
      .where('users.id', 'is', null)
      .execute();
    const collator = new Intl.Collator('vi');
    return rows.map((r) => ({ personId: r.id, fullName: r.full_name })).sort((a, b) => collator.compare(a.fullName, b.fullName));
  }

  async list(access: Access, schoolId: string): Promise<AccountView[]> {
    if (!access.canManagePeople(schoolId)) throw notFound('Không tìm thấy trường (school not found)');
    const ids = new Set<string>();
    for (const r of await this.db.selectFrom('role_grants').select('user_id').where('unit_id', '=', schoolId).execute()) ids.add(r.user_id);
    for (const r of await this.db.selectFrom('users').select('id').where('school_id', '=', schoolId).execute()) ids.add(r.id);
    const viaPerson = await this.db
      .selectFrom('users')
      .innerJoin('persons', 'persons.id', 'users.person_id')
      .select('users.id')
      .where('persons.school_id', '=', schoolId)
      .execute();
    for (const r of viaPerson) ids.add(r.id);
    if (ids.size === 0) return [];
    const users = await this.db
      .selectFrom('users')
      .select(['id', 'username', 'display_name', 'person_id', 'active', 'must_change_password'])
      .where('id', 'in', [...ids])
      .orderBy('username')
      .execute();
    const grants = await this.db.selectFrom('role_grants').select(['user_id', 'role', 'unit_id']).where('user_id', 'in', [...ids]).execute();
    return users.map((u) => ({
      id: u.id,
      username: u.username,
      displayName: u.display_name,
      personId: u.person_id,
      active: u.active === 1,
      mustChangePassword: u.must_change_password === 1,
      grants: grants.filter((g) => g.user_id === u.id).map((g) => ({ role: g.role, unitId: g.unit_id })),
    }));
  }

  /**
   * Accounts for a school's staff, one per person who has none: username from the name and the school
   * ("nguyenvana.dichvong", a number added when taken), a random initial password returned in this answer only,
   * and a first sign-in that must change it.
   */
  async bulkCreate(access: Access, schoolId: string, personIds: string[], role: 'teacher' | 'principal'): Promise<BulkAccountsResponse> {
    if (!access.canManagePeople(schoolId)) throw notFound('Không tìm thấy trường (school not found)');
    const school = await this.db.selectFrom('units').select('name').where('id', '=', schoolId).executeTakeFirstOrThrow();
    const unique = [...new Set(personIds)];
    const persons = await this.db
      .selectFrom('persons')
      .select(['id', 'full_name', 'kind', 'status', 'school_id'])
      .where('id', 'in', unique)
      .execute();
    const byId = new Map(persons.map((p) => [p.id, p]));
    const problems = unique
      .map((id, i) => ({ id, i, p: byId.get(id) }))
      .filter(({ p }) => !p || p.school_id !== schoolId || p.kind !== 'staff' || p.status !== 'active');
    if (problems.length > 0) {
      throw badRequest(
        'Chỉ tạo tài khoản cho cán bộ, giáo viên đang công tác tại trường (accounts are for active staff of this school)',
        problems.map(({ i }) => ({ field: `personIds.${i}`, message: 'không phải cán bộ đang công tác của trường' })),
      );
    }
    const existing = await this.db.selectFrom('users').select(['person_id', 'username']).where('person_id', 'in', unique).execute();
    const hasAccount = new Map(existing.map((u) => [u.person_id!, u.username]));
    const slug = schoolSlug(school.name);

    // Passwords are hashed before the transaction: argon2 takes tens of milliseconds each.
    const planned: (CreatedAccount & { hash: string })[] = [];
    for (const id of unique) {
      if (hasAccount.has(id)) continue;
      const password = initialPassword();
      planned.push({
        userId: newId(),
        personId: id,
        fullName: byId.get(id)!.full_name,
        username: '',
        initialPassword: password,
        hash: await hashPassword(password),
      });
    }
    const now = new Date().toISOString();
    await this.db.transaction().execute(async (trx) => {
      const taken = new Set<string>();
      for (const a of planned) {
        const base = `${usernameBase(a.fullName)}.${slug}`;
        const similar = await trx.selectFrom('users').select('username').where('username', 'like', `${base}%`).execute();
        for (const s of similar) taken.add(s.username);
        let name = base;
        for (let n = 2; taken.has(name); n++) name = `${base}${n}`;
        taken.add(name);
        a.username = name;
        await trx
          .insertInto('users')
          .values({
            id: a.userId,
            username: name,
            display_name: a.fullName,
            password_hash: a.hash,
            person_id: a.personId,
            active: 1,
            must_change_password: 1,
            created_at: now,
            updated_at: now,
            school_id: schoolId,
          })
          .execute();
        await trx.insertInto('role_grants').values({ id: newId(), user_id: a.userId, role, unit_id: schoolId, created_at: now }).execute();
      }
      await writeAudit(trx, {
        userId: access.userId,
        action: 'accounts.bulk_create',
        entity: 'school',
        entityId: schoolId,
        schoolId,
        details: { created: planned.length, skipped: unique.length - planned.length, role },
      });
    });
    return {
      created: planned.map(({ hash: _hash, ...a }) => a),
      skipped: unique.filter((id) => hasAccount.has(id)).map((id) => ({ personId: id, username: hasAccount.get(id)! })),
    };
  }

  /** A new random initial password, shown once; every session of the account ends and the next sign-in must change it. */
  async resetPassword(access: Access, userId: string): Promise<{ username: string; initialPassword: string }> {
    await this.manageable(access, userId);
    const password = initialPassword();
    const hash = await hashPassword(password);
    const now = new Date().toISOString();
    const user = await this.db.transaction().execute(async (trx) => {
      await trx.updateTable('users').set({ password_hash: hash, must_change_password: 1, updated_at: now }).where('id', '=', userId).execute();
      await trx.updateTable('auth_tokens').set({ revoked_at: now }).where('user_id', '=', userId).where('revoked_at', 'is', null).execute();
      await writeAudit(trx, { userId: access.userId, action: 'user.password_reset', entity: 'user', entityId: userId });
      return trx.selectFrom('users').select('username').where('id', '=', userId).executeTakeFirstOrThrow();
    });
    return { username: user.username, initialPassword: password };
  }

  async addGrant(access: Access, userId: string, role: Role, unitId: string): Promise<void> {
    await this.manageable(access, userId);
    if (!AccountService.mayGrant(access, role, unitId)) {
      throw forbidden('Không cấp được vai trò vượt quá phạm vi của mình (cannot grant a role beyond your own scope)');
    }
    if ((role === 'teacher' || role === 'principal') !== access.tree.isSchool(unitId)) {
      throw badRequest('Giáo viên, hiệu trưởng được cấp tại một trường; cán bộ phòng, Sở tại đơn vị quản lý (role and unit kind do not match)', [
        { field: 'unitId', message: 'loại đơn vị không hợp với vai trò' },
      ]);
    }
    await this.db
      .insertInto('role_grants')
      .values({ id: newId(), user_id: userId, role, unit_id: unitId, created_at: new Date().toISOString() })
      .onConflict((oc) => oc.columns(['user_id', 'role', 'unit_id']).doNothing())
      .execute();
    await writeAudit(this.db, { userId: access.userId, action: 'user.grant_added', entity: 'user', entityId: userId, details: { role, unitId } });
  }

  /** Withdraws a grant; withdrawing one the account does not hold changes nothing (safe to repeat). */
  async removeGrant(access: Access, userId: string, role: Role, unitId: string): Promise<void> {
    await this.manageable(access, userId);
    if (!AccountService.mayGrant(access, role, unitId)) {
      throw forbidden('Không thu hồi được vai trò vượt quá phạm vi của mình (cannot withdraw a role beyond your own scope)');
    }
    await this.db.deleteFrom('role_grants').where('user_id', '=', userId).where('role', '=', role).where('unit_id', '=', unitId).execute();
    await writeAudit(this.db, { userId: access.userId, action: 'user.grant_removed', entity: 'user', entityId: userId, details: { role, unitId } });
  }

  /** Deactivates an account: it cannot sign in and every token it holds stops working at once. */
  async setActive(access: Access, userId: string, active: boolean): Promise<void> {
    await this.manageable(access, userId);
    const now = new Date().toISOString();
    await this.db.transaction().execute(async (trx) => {
      await trx.updateTable('users').set({ active: active ? 1 : 0, updated_at: now }).where('id', '=', userId).execute();
      if (!active) {
        await trx.updateTable('auth_tokens').set({ revoked_at: now }).where('user_id', '=', userId).where('revoked_at', 'is', null).execute();
      }
      await writeAudit(trx, { userId: access.userId, action: active ? 'user.activated' : 'user.deactivated', entity: 'user', entityId: userId });
    });
  }
}
