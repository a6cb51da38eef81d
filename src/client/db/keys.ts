import type { EntityName } from '../../shared/sync/wire';

/**
 * A row's identity as one string, the same whether the row was made on this device or on the server.
 * Attendance is one row per (session, person), so its identity is that pair, not its id.
 */
export function entityKey(entity: EntityName, row: Record<string, unknown>): string | null {
  if (entity === 'attendance') {
    const { sessionId, personId } = row;
    return typeof sessionId === 'string' && typeof personId === 'string' ? `${sessionId}:${personId}` : null;
  }
  return typeof row.id === 'string' ? row.id : null;
}

export function attendanceKey(sessionId: string, personId: string): string {
  return `${sessionId}:${personId}`;
}

/** The outbox's `targets` entry for a row: what "chờ đồng bộ" is looked up by. */
export function targetOf(entity: EntityName, key: string): string {
  return `${entity}:${key}`;
}

/** The Dexie primary key of a row whose identity is `key`. */
export function primaryKeyOf(entity: EntityName, key: string): string | [string, string] {
  if (entity === 'attendance') {
    const [sessionId = '', personId = ''] = key.split(':');
    return [sessionId, personId];
  }
  return key;
}
