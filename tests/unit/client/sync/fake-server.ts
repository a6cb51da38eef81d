import { randomUUID } from 'node:crypto';
import type { SessionUser } from '../../../../src/shared/auth';
import type { EntityName } from '../../../../src/shared/sync/wire';
import { MUTATIONS } from '../../../../src/shared/sync/mutations';
import {
  PullQuerySchema,
  PushRequestSchema,
  SCHEMA_VERSION,
  type Change,
  type MutationResult,
} from '../../../../src/shared/sync/wire';
import type { FetchLike } from '../../../../src/client/api';

interface StoredRow {
  entity: EntityName;
  key: string;
  row: Record<string, unknown> | null;
  version: number;
}

export interface PushCall {
  token: string;
  userId: string;
  ids: string[];
}

/**
 * An in-memory sync server speaking the wire contract over a fake `fetch`, so the real API client is exercised too.
 * It applies attendance.mark idempotently (an id at most once; latest observation wins) and serves pull pages
 * from a version counter, bumping a row's version whenever a mutation touches it.
 */
export class FakeServer {
  readonly users = new Map<string, { password: string; user: SessionUser }>();
  readonly tokens = new Map<string, { userId: string; expiresAt: string; revoked: boolean }>();
  readonly appliedIds = new Set<string>();
  readonly rows = new Map<string, StoredRow>();
  readonly pushCalls: PushCall[] = [];
  readonly pullCursors: (string | undefined)[] = [];
  private version = 0;

  /** Server clock = test clock + this, to test the learned offset. */
  clockSkewMs = 0;
  /** While true, every request fails like a dropped connection. */
  networkDown = false;
  /** The next N requests are answered with this status (5xx, 426…). */
  failNext: { status: number; count: number } | null = null;
  /** Lose the response of the next push after applying it (the client must get "duplicate" on retry). */
  loseNextPushResponse = false;
  minSchemaVersion = SCHEMA_VERSION;
  /** Reason to reject a mutation, or null to apply it. */
  rejectWhen: (name: string, args: Record<string, unknown>) => string | null = () => null;
  tokenTtlMs = 30 * 24 * 3600_000;

  constructor(private readonly now: () => number = Date.now) {}

  addUser(username: string, password: string, user: Partial<SessionUser> = {}): SessionUser {
    const full: SessionUser = {
      id: randomUUID(),
      username,
      displayName: username,
      personId: null,
      mustChangePassword: false,
      grants: [],
      ...user,
    };
    this.users.set(username, { password, user: full });
    return full;
  }

  issueToken(userId: string, expiresAt = new Date(this.now() + this.tokenTtlMs).toISOString()): string {
    const token = randomUUID();
    this.tokens.set(token, { userId, expiresAt, revoked: false });
    return token;
  }

  /** A row written on the server (by another device, an import…). */
  put(entity: EntityName, row: Record<string, unknown>): void {
    const key = entity === 'attendance' ? `${String(row.sessionId)}:${String(row.personId)}` : String(row.id);
    this.version += 1;
    this.rows.set(`${entity}|${key}`, { entity, key, row, version: this.version });
  }

  row(entity: EntityName, key: string): Record<string, unknown> | null {
    return this.rows.get(`${entity}|${key}`)?.row ?? null;
  }

  readonly fetch: FetchLike = async (input, init) => {
    if (this.networkDown) throw new TypeError('Failed to fetch');
    const url = new URL(input, 'http://server.test');
    if (this.failNext && this.failNext.count > 0) {
      this.failNext.count -= 1;
      return json(this.failNext.status, { error: 'failure', message: `Lỗi giả lập ${this.failNext.status}` });
    }
    const body = init?.body ? (JSON.parse(String(init.body)) as Record<string, unknown>) : {};
    const bearer = /^Bearer (.+)$/.exec(new Headers(init?.headers).get('authorization') ?? '')?.[1];
    const path = url.pathname;

    if (path === '/api/auth/login') {
      const entry = this.users.get(String(body.username).toLowerCase());
      if (!entry || entry.password !== body.password) {
        return json(401, { error: 'unauthorized', message: 'Sai tên đăng nhập hoặc mật khẩu (wrong username or password)' });
      }
      return json(200, this.loginResponse(entry.user.id));
    }
    const principal = bearer ? this.tokens.get(bearer) : undefined;
    if (!principal || principal.revoked || Date.parse(principal.expiresAt) <= this.now()) {
      return json(401, { error: 'unauthorized', message: 'Cần đăng nhập (sign-in required)' });
    }
    switch (path) {
      case '/api/auth/logout':
        principal.revoked = true;
        return new Response(null, { status: 204 });
      case '/api/auth/refresh':
        principal.revoked = true;
        return json(200, this.loginResponse(principal.userId));
      case '/api/sync/push':
        return this.push(bearer!, principal.userId, body);
      case '/api/sync/pull':
        return this.pull(url.searchParams);
      default:
        return json(404, { error: 'not_found', message: 'Không tìm thấy (not found)' });
    }
  };

  private loginResponse(userId: string): unknown {
    const user = [...this.users.values()].find((u) => u.user.id === userId)!.user;
    const token = this.issueToken(userId);
    return { token, expiresAt: this.tokens.get(token)!.expiresAt, user };
  }

  private serverTime(): string {
    return new Date(this.now() + this.clockSkewMs).toISOString();
  }

  private push(token: string, userId: string, body: Record<string, unknown>): Response {
    const parsed = PushRequestSchema.safeParse(body);
    if (!parsed.success) return json(400, { error: 'bad_request', message: 'Yêu cầu không hợp lệ' });
    if (parsed.data.schemaVersion < this.minSchemaVersion) {
      return json(426, { error: 'upgrade_required', message: 'Cần cập nhật ứng dụng' });
    }
    this.pushCalls.push({ token, userId, ids: parsed.data.mutations.map((m) => m.id) });
    const results: MutationResult[] = parsed.data.mutations.map((m) => {
      if (this.appliedIds.has(m.id)) return { id: m.id, status: 'duplicate' };
      if (m.name !== 'attendance.mark') return { id: m.id, status: 'rejected', error: 'Không hỗ trợ' };
      const args = MUTATIONS['attendance.mark'].safeParse(m.args);
      if (!args.success) return { id: m.id, status: 'rejected', error: 'Dữ liệu không hợp lệ' };
      const reason = this.rejectWhen(m.name, args.data as Record<string, unknown>);
      if (reason) return { id: m.id, status: 'rejected', error: reason };
      const person = this.row('person', args.data.personId);
      if (!person) return { id: m.id, status: 'rejected', error: 'Không tìm thấy người' };
      const key = `${args.data.sessionId}:${args.data.personId}`;
      const existing = this.row('attendance', key);
      const markedAt = new Date(m.clientTime).toISOString();
      const newer = !existing || String(existing.markedAt) <= markedAt;
      this.put(
        'attendance',
        newer
          ? {
              id: existing?.id ?? randomUUID(),
              schoolId: person.schoolId,
              sessionId: args.data.sessionId,
              personId: args.data.personId,
              status: args.data.status,
              note: args.data.note ?? existing?.note ?? null,
              markedBy: userId,
              markedAt,
            }
          : existing,
      );
      this.appliedIds.add(m.id);
      return { id: m.id, status: 'applied' };
    });
    if (this.loseNextPushResponse) {
      this.loseNextPushResponse = false;
      throw new TypeError('Failed to fetch');
    }
    return json(200, { results, serverTime: this.serverTime() });
  }

  private pull(params: URLSearchParams): Response {
    const query = PullQuerySchema.parse(Object.fromEntries(params));
    if ((query.schemaVersion ?? 0) < this.minSchemaVersion) {
      return json(426, { error: 'upgrade_required', message: 'Cần cập nhật ứng dụng' });
    }
    this.pullCursors.push(query.cursor);
    const after = query.cursor ? Number(query.cursor) : 0;
    const newer = [...this.rows.values()].filter((r) => r.version > after).sort((a, b) => a.version - b.version);
    const page = newer.slice(0, query.limit ?? 1000);
    const changes: Change[] = page.map((r) =>
      r.row ? { entity: r.entity, op: 'put', row: r.row } : { entity: r.entity, op: 'delete', row: { id: r.key } },
    );
    const last = page.at(-1)?.version ?? after;
    return json(200, {
      changes,
      cursor: String(last),
      hasMore: newer.length > page.length,
      remaining: newer.length - page.length,
      serverTime: this.serverTime(),
    });
  }
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}
