import type { Session } from '../../../shared/domain';
import { getDb, type TruongAnDb } from '../database';
import { parseEntityRow, parseEntityRows } from '../validate';

export async function getSession(id: string, db: TruongAnDb = getDb()): Promise<Session | null> {
  const row = await db.entity('session').get(id);
  return row ? parseEntityRow('session', row) : null;
}

/**
 * The sessions held at a school or planned for a unit that concerns it, in time order, optionally within
 * [from, to) (ISO instants). `unitIds` are the school's ancestors and cluster, whose unit-wide sessions it joins.
 */
export async function sessionsForSchool(
  schoolId: string,
  options: { unitIds?: string[]; from?: string; to?: string } = {},
  db: TruongAnDb = getDb(),
): Promise<Session[]> {
  const table = db.entity('session');
  const own = await table.where('schoolId').equals(schoolId).toArray();
  const unitWide =
    options.unitIds && options.unitIds.length > 0
      ? (await table.where('scopeUnitId').anyOf(options.unitIds).toArray()).filter((s) => s.schoolId === null)
      : [];
  return parseEntityRows('session', [...own, ...unitWide])
    .rows.filter((s) => (!options.from || s.startsAt >= options.from) && (!options.to || s.startsAt < options.to))
    .sort((a, b) => a.startsAt.localeCompare(b.startsAt));
}
