import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { LoginResponse, Role, SessionUser } from '../../shared/auth';
import { WRONG_CREDENTIALS } from '../../shared/auth';
import { newId } from '../../shared/domain/ids';
import type { Database } from '../db/schema';
import { tooManyRequests, unauthorized, badRequest } from '../http/errors';
import { writeAudit } from '../services/audit';
import type { Principal } from './access';
import { LoginLimiter } from './login-limiter';
import { hashPassword, verifyPassword } from './passwords';

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export class AuthService {
  readonly limiter = new LoginLimiter();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly tokenTtlMs: number,
  ) {}

  async login(username: string, password: string, address: string): Promise<LoginResponse> {
    const wait = this.limiter.retryAfter(username, address);
    if (wait > 0) {
      const minutes = Math.ceil(wait / 60_000);
      throw tooManyRequests(
        `Đăng nhập sai quá nhiều lần, hãy thử lại sau ${minutes} phút (too many failed sign-ins, retry in ${minutes} min)`,
      );
    }
    const user = await this.db
      .selectFrom('users')
      .select(['id', 'password_hash', 'active'])
      .where('username', '=', username.toLowerCase())
      .executeTakeFirst();
    const ok = await verifyPassword(user?.password_hash ?? null, password);
    if (!user || !ok || user.active !== 1) {
      this.limiter.recordFailure(username, address);
      throw unauthorized(WRONG_CREDENTIALS);
    }
    this.limiter.recordSuccess(username);
    return this.issueToken(user.id);
  }

  /** Resolves a bearer token to its user; null when unknown, expired, revoked or the account is inactive. */
  async principalFor(token: string): Promise<Principal | null> {
    const row = await this.db
      .selectFrom('auth_tokens as t')
      .innerJoin('users as u', 'u.id', 't.user_id')
      .select([
        'u.id',
        'u.username',
        'u.display_name',
        'u.person_id',
        'u.must_change_password',
        't.expires_at',
        't.revoked_at',
        'u.active',
      ])
      .where('t.token_hash', '=', hashToken(token))
      .executeTakeFirst();
    if (!row || row.revoked_at !== null || row.active !== 1 || row.expires_at <= new Date().toISOString()) return null;
    const grants = await this.db
      .selectFrom('role_grants')
      .select(['role', 'unit_id'])
      .where('user_id', '=', row.id)
      .execute();
    return {
      userId: row.id,
      username: row.username,
      displayName: row.display_name,
      personId: row.person_id,
      mustChangePassword: row.must_change_password === 1,
      grants: grants.map((g) => ({ role: g.role as Role, unitId: g.unit_id })),
    };
  }

  /** A fresh token for a user already signed in; the old one stops working at once. */
  async refresh(oldToken: string, userId: string): Promise<LoginResponse> {
    await this.logout(oldToken);
    return this.issueToken(userId);
  }

  async logout(token: string): Promise<void> {
    await this.db
      .updateTable('auth_tokens')
      .set({ revoked_at: new Date().toISOString() })
      .where('token_hash', '=', hashToken(token))
      .where('revoked_at', 'is', null)
      .execute();
  }

  async changePassword(userId: string, currentPassword: string, newPassword: string): Promise<void> {
    const user = await this.db.selectFrom('users').select(['password_hash']).where('id', '=', userId).executeTakeFirst();
    if (!user || !(await verifyPassword(user.password_hash, currentPassword))) {
      throw badRequest('Mật khẩu hiện tại không đúng (current password is wrong)', [
        { field: 'currentPassword', message: 'mật khẩu hiện tại không đúng' },
      ]);
    }
    await this.db
      .updateTable('users')
      .set({ password_hash: await hashPassword(newPassword), must_change_password: 0, updated_at: new Date().toISOString() })
      .where('id', '=', userId)
      .execute();
    await writeAudit(this.db, { userId, action: 'user.password_changed', entity: 'user', entityId: userId });
  }

  async sessionUser(userId: string): Promise<SessionUser> {
    const user = await this.db
      .selectFrom('users')
      .select(['id', 'username', 'display_name', 'person_id', 'must_change_password'])
      .where('id', '=', userId)
      .executeTakeFirstOrThrow();
    const grants = await this.db
      .selectFrom('role_grants as g')
      .innerJoin('units as u', 'u.id', 'g.unit_id')
      .select(['g.role', 'g.unit_id', 'u.name'])
      .where('g.user_id', '=', userId)
      .orderBy('g.role')
      .execute();
    return {
      id: user.id,
      username: user.username,
      displayName: user.display_name,
      personId: user.person_id,
      mustChangePassword: user.must_change_password === 1,
      grants: grants.map((g) => ({ role: g.role as Role, unitId: g.unit_id, unitName: g.name })),
    };
  }

  private async issueToken(userId: string): Promise<LoginResponse> {
    const token = randomBytes(32).toString('base64url');
    const now = new Date();
    const expiresAt = new Date(now.getTime() + this.tokenTtlMs).toISOString();
    await this.db
      .insertInto('auth_tokens')
      .values({
        id: newId(),
        user_id: userId,
        token_hash: hashToken(token),
        created_at: now.toISOString(),
        expires_at: expiresAt,
        revoked_at: null,
      })
      .execute();
    return { token, expiresAt, user: await this.sessionUser(userId) };
  }
}
