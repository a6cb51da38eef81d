import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Role } from '../../shared/auth';
import { newId } from '../../shared/domain/ids';
import { toICalendar } from '../../shared/plan/ical';
import { Access } from '../auth/access';
import { hashToken } from '../auth/auth-service';
import type { Database, SessionTable } from '../db/schema';
import { notFound } from '../http/errors';
import { accessOf } from '../plugins/authenticate';
import { idChunks } from '../sync/batching';
import { toSharedRows } from '../sync/rows';

/**
 * The plan as an iCalendar feed for phone and desktop calendars, which subscribe without a bearer token: the
 * feed URL carries a per-user secret (32 random bytes), stored only as its sha256. Creating a new feed URL revokes
 * the previous one, so a leaked URL is stopped by making a new one.
 */

/** A subscriber polls the feed for months; the window keeps a department-wide feed to a size calendars accept. */
const PAST_DAYS = 90;
const FUTURE_DAYS = 400;
const MAX_EVENTS = 5000;

const FeedParamsSchema = z.object({ token: z.string().regex(/^[A-Za-z0-9_-]{43}$/) });

export function calendarRoutes(app: FastifyInstance): void {
  const db = app.ctx.db.kysely;

  app.post('/api/calendar/feed', { preHandler: app.authenticate, bodyLimit: 1024 }, async (request) => {
    const access = accessOf(request);
    const token = randomBytes(32).toString('base64url');
    const now = new Date().toISOString();
    await db.transaction().execute(async (trx) => {
      await trx.updateTable('calendar_feeds').set({ revoked_at: now }).where('user_id', '=', access.userId).where('revoked_at', 'is', null).execute();
      await trx
        .insertInto('calendar_feeds')
        .values({ id: newId(), user_id: access.userId, token_hash: hashToken(token), created_at: now, revoked_at: null })
        .execute();
    });
    return { url: `${request.protocol}://${request.host}/api/calendar/feed/${token}` };
  });

  // The token is in the path: the per-request log lines (which carry the URL) are left out for this route.
  app.get('/api/calendar/feed/:token', { logLevel: 'warn' }, async (request, reply) => {
    const gone = notFound('Không tìm thấy lịch (calendar not found)');
    const parsed = FeedParamsSchema.safeParse(request.params);
    if (!parsed.success) throw gone;
    const feed = await db
      .selectFrom('calendar_feeds as f')
      .innerJoin('users as u', 'u.id', 'f.user_id')
      .select(['u.id', 'u.username', 'u.display_name', 'u.person_id', 'u.active', 'f.revoked_at'])
      .where('f.token_hash', '=', hashToken(parsed.data.token))
      .executeTakeFirst();
    if (!feed || feed.revoked_at !== null || feed.active !== 1) throw gone;
    const grants = await db.selectFrom('role_grants').select(['role', 'unit_id']).where('user_id', '=', feed.id).execute();
    const access = new Access(
      {
        userId: feed.id,
        username: feed.username,
        displayName: feed.display_name,
        personId: feed.person_id,
        mustChangePassword: false,
        grants: grants.map((g) => ({ role: g.role as Role, unitId: g.unit_id })),
      },
      await app.ctx.orgTree.get(),
    );
    const body = await buildFeed(db, access, new Date());
    return reply.type('text/calendar; charset=utf-8').header('content-disposition', 'inline; filename="truong-an.ics"').send(body);
  });
}

/**
 * The sessions a user's calendar shows: those of the schools they may read, the unit-wide sessions planned for
 * the units above those schools (or covered by an officer), and the sessions assigned to them as a trainer;
 * cancelled ones included, so that subscribers remove them.
 */
export async function buildFeed(db: Kysely<Database>, access: Access, now: Date): Promise<string> {
  const from = new Date(now.getTime() - PAST_DAYS * 86_400_000).toISOString();
  const to = new Date(now.getTime() + FUTURE_DAYS * 86_400_000).toISOString();
  const schools = access.readableSchools();
  const units = new Set<string>();
  for (const s of schools) for (const u of access.tree.streamsAbove(s)) units.add(u);
  for (const u of access.pullStreams()) if (!access.tree.isSchool(u)) units.add(u);

  const found = new Map<string, SessionTable>();
  const window = () => db.selectFrom('sessions').selectAll().where('ends_at', '>=', from).where('starts_at', '<=', to);
  for (const ids of idChunks(schools)) {
    for (const r of await window().where('school_id', 'in', ids).execute()) found.set(r.id, r);
  }
  for (const ids of idChunks(units)) {
    for (const r of await window().where('school_id', 'is', null).where('scope_unit_id', 'in', ids).execute()) found.set(r.id, r);
  }
  for (const r of await window().where('trainer_user_id', '=', access.userId).execute()) found.set(r.id, r);

  const rows = [...found.values()].sort((a, b) => (a.starts_at < b.starts_at ? -1 : a.starts_at > b.starts_at ? 1 : 0)).slice(0, MAX_EVENTS);
  const sessions = await toSharedRows(db, 'session', rows);
  const typeIds = [...new Set(sessions.map((s) => s.activityTypeId))];
  const typeRows = [];
  for (const ids of idChunks(typeIds)) typeRows.push(...(await db.selectFrom('activity_types').selectAll().where('id', 'in', ids).execute()));
  const unitIds = [...new Set(sessions.map((s) => s.schoolId ?? s.scopeUnitId))];
  const unitRows = [];
  for (const ids of idChunks(unitIds)) unitRows.push(...(await db.selectFrom('units').selectAll().where('id', 'in', ids).execute()));

  const named = schools.length === 1 ? access.tree.get(schools[0]!)?.name : undefined;
  return toICalendar(sessions, {
    calendarName: `Trường An – ${named ?? access.principal.displayName}`,
    activityTypes: await toSharedRows(db, 'activityType', typeRows),
    units: await toSharedRows(db, 'unit', unitRows),
    now,
  });
}
