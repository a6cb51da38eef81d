import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';
import { newId } from '../../../src/shared/domain/ids';
import type { SessionFields } from '../../../src/shared/plan/session-input';
import { SCHEMA_VERSION, type Change, type PullResponse, type PushResponse } from '../../../src/shared/sync/wire';
import type { Fixture } from '../../helpers/fixtures';

/** Talks to the real app as one device of one signed-in user. */
export class Device {
  readonly clientId = `plan-device-${newId()}`;
  cursor: string | undefined;

  constructor(
    private readonly app: FastifyInstance,
    readonly headers: Record<string, string>,
  ) {}

  async push(mutations: { name: string; args: unknown }[]): Promise<PushResponse['results']> {
    const res = await this.app.inject({
      method: 'POST',
      url: '/api/sync/push',
      headers: this.headers,
      payload: {
        clientId: this.clientId,
        schemaVersion: SCHEMA_VERSION,
        mutations: mutations.map((m) => ({ id: newId(), name: m.name, args: m.args, clientTime: new Date().toISOString() })),
      },
    });
    expect(res.statusCode, res.body).toBe(200);
    return res.json<PushResponse>().results;
  }

  /** Pulls until nothing is left; returns the changes of this sync, in order. */
  async pull(limit = 5000): Promise<Change[]> {
    const changes: Change[] = [];
    for (;;) {
      const q = new URLSearchParams({ limit: String(limit), clientId: this.clientId });
      if (this.cursor) q.set('cursor', this.cursor);
      const res = await this.app.inject({ method: 'GET', url: `/api/sync/pull?${q.toString()}`, headers: this.headers });
      expect(res.statusCode, res.body).toBe(200);
      const page = res.json<PullResponse>();
      changes.push(...page.changes);
      this.cursor = page.cursor;
      if (!page.hasMore) return changes;
    }
  }
}

/** The rows a device holds after applying changes in order. */
export function replay(changes: Change[], entity: string): Map<string, Record<string, unknown>> {
  const rows = new Map<string, Record<string, unknown>>();
  for (const c of changes) {
    if (c.entity !== entity) continue;
    if (c.op === 'put') rows.set(String(c.row.id), c.row);
    else rows.delete(String(c.row.id));
  }
  return rows;
}

export function sessionFields(f: Fixture, extra: Partial<SessionFields> = {}): SessionFields {
  return {
    title: 'Tuyên truyền pháp luật về phòng, chống bạo lực học đường',
    activityTypeId: f.activityType,
    scenarioCode: null,
    startsAt: '2026-03-10T01:00:00.000Z',
    endsAt: '2026-03-10T02:30:00.000Z',
    place: 'Hội trường',
    audience: { classIds: [], grades: [], staff: true, youthStaffOnly: false, parents: false },
    facilitatorPersonId: null,
    trainerUserId: null,
    materialIds: [],
    periods: null,
    ...extra,
  };
}

export function createArgs(
  f: Fixture,
  place: { schoolId: string | null; scopeUnitId: string },
  extra: Partial<SessionFields> = {},
): { id: string; schoolId: string | null; scopeUnitId: string; schoolYearId: string; seriesId: string | null } & SessionFields {
  return { id: newId(), ...place, schoolYearId: f.schoolYear, seriesId: null, ...sessionFields(f, extra) };
}
