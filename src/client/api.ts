import type { z } from 'zod';
import { LoginResponseSchema, SessionUserSchema, type LoginResponse, type SessionUser } from '../shared/auth';
import {
  PullResponseSchema,
  PushResponseSchema,
  SCHEMA_VERSION,
  type PullResponse,
  type PushRequest,
  type PushResponse,
} from '../shared/sync/wire';
import { UnitDueResponseSchema, type UnitDueQuery, type UnitDueResponse } from '../shared/plan/due-wire';
import type { FieldProblem } from '../shared/validation';

/** The server answered with an error status; `message` is the server's own (Vietnamese first) text. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields?: FieldProblem[],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** No answer at all: offline, DNS, a dropped connection or a timeout. Always worth retrying later. */
export class NetworkError extends Error {
  constructor(override readonly cause?: unknown) {
    super('Không kết nối được máy chủ (cannot reach the server)');
    this.name = 'NetworkError';
  }
}

export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

export interface ApiClientOptions {
  fetch?: FetchLike;
  baseUrl?: string;
  /** A request with no answer after this long is abandoned, so a stalled connection cannot hold the sync forever. */
  timeoutMs?: number;
}

export interface ApiClient {
  login(username: string, password: string): Promise<LoginResponse>;
  refresh(token: string): Promise<LoginResponse>;
  logout(token: string): Promise<void>;
  me(token: string): Promise<SessionUser>;
  push(token: string, body: PushRequest): Promise<PushResponse>;
  pull(token: string, query: { cursor?: string; limit?: number; clientId?: string }): Promise<PullResponse>;
  /** What is due at each school under a unit, worked out by the server (officers' devices hold no school's sessions). */
  unitDue(token: string, query: UnitDueQuery): Promise<UnitDueResponse>;
}

export function createApiClient(options: ApiClientOptions = {}): ApiClient {
  const doFetch: FetchLike = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const baseUrl = options.baseUrl ?? '';
  const timeoutMs = options.timeoutMs ?? 60_000;

  async function call<S extends z.ZodType>(
    method: 'GET' | 'POST',
    path: string,
    schema: S | null,
    token: string | null,
    body?: unknown,
  ): Promise<z.infer<S>> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await doFetch(baseUrl + path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
        // A token rides in a header, never a cookie: nothing for another site to borrow.
        credentials: 'omit',
        cache: 'no-store',
      });
    } catch (error) {
      throw new NetworkError(error);
    }
    if (!response.ok) throw await errorFrom(response);
    if (schema === null || response.status === 204) return undefined as z.infer<S>;
    let json: unknown;
    try {
      json = await response.json();
    } catch (error) {
      // A captive portal or a proxy answering HTML: the server was not really reached.
      throw new NetworkError(error);
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      throw new ApiError(502, 'bad_response', 'Máy chủ trả lời không đúng định dạng (unexpected server response)');
    }
    return parsed.data;
  }

  return {
    login: (username, password) => call('POST', '/api/auth/login', LoginResponseSchema, null, { username, password }),
    refresh: (token) => call('POST', '/api/auth/refresh', LoginResponseSchema, token, {}),
    logout: async (token) => {
      await call('POST', '/api/auth/logout', null, token, {});
    },
    me: (token) => call('GET', '/api/auth/me', SessionUserSchema, token),
    push: (token, body) => call('POST', '/api/sync/push', PushResponseSchema, token, body),
    pull: (token, query) => {
      const params = new URLSearchParams({ schemaVersion: String(SCHEMA_VERSION) });
      if (query.cursor !== undefined) params.set('cursor', query.cursor);
      if (query.limit !== undefined) params.set('limit', String(query.limit));
      if (query.clientId !== undefined) params.set('clientId', query.clientId);
      return call('GET', `/api/sync/pull?${params.toString()}`, PullResponseSchema, token);
    },
    unitDue: (token, query) => {
      const params = new URLSearchParams({ unitId: query.unitId });
      if (query.schoolYearId !== undefined) params.set('schoolYearId', query.schoolYearId);
      return call('GET', `/api/due?${params.toString()}`, UnitDueResponseSchema, token);
    },
  };
}

async function errorFrom(response: Response): Promise<ApiError> {
  let code = 'http_error';
  let message = `Máy chủ báo lỗi ${response.status} (server error ${response.status})`;
  let fields: FieldProblem[] | undefined;
  try {
    const body = (await response.json()) as { error?: unknown; message?: unknown; fields?: unknown };
    if (typeof body.error === 'string') code = body.error;
    if (typeof body.message === 'string' && body.message.length > 0) message = body.message;
    if (Array.isArray(body.fields)) fields = body.fields as FieldProblem[];
  } catch {
    // Not JSON (a proxy's error page): the status says enough.
  }
  return new ApiError(response.status, code, message, fields);
}

let defaultClient: ApiClient | null = null;

/** The app's client for its own origin. */
export function getApiClient(): ApiClient {
  defaultClient ??= createApiClient();
  return defaultClient;
}
