import type { Kysely, Transaction } from 'kysely';
import { newId } from '../../shared/domain/ids';
import type { Database } from '../db/schema';

export interface AuditEntry {
  userId: string | null;
  action: string;
  entity?: string;
  entityId?: string;
  schoolId?: string | null;
  /** Counts, codes and ids only: never names, birth years or other personal data. */
  details?: Record<string, string | number | boolean | null>;
}

export async function writeAudit(db: Kysely<Database> | Transaction<Database>, entry: AuditEntry): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      id: newId(),
      at: new Date().toISOString(),
      user_id: entry.userId,
      action: entry.action,
      entity: entry.entity ?? null,
      entity_id: entry.entityId ?? null,
      school_id: entry.schoolId ?? null,
      details: entry.details ? JSON.stringify(entry.details) : null,
    })
    .execute();
}
