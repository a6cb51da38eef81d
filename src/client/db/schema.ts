import type { SessionUser } from '../../shared/auth';
import type { MutationName } from '../../shared/sync/mutations';
import type { EntityName } from '../../shared/sync/wire';

/**
 * The device database's layout. Every version ever shipped stays declared in `database.ts`: a tablet that
 * skipped an update must still be upgraded step by step, and its outbox must survive every step.
 */
export const DB_NAME = 'truong-an';

/** Version 1: one table per pulled entity, plus the outbox and the device's own bookkeeping. */
export const STORES_V1 = {
  unit: 'id, parentId, clusterId, kind',
  schoolYear: 'id, departmentId, label',
  class: 'id, schoolId, schoolYearId, [schoolId+schoolYearId]',
  person: 'id, schoolId, classId, kind, [schoolId+kind]',
  activityType: 'id, ownerUnitId, code',
  requirement: 'id, schoolYearId, ownerUnitId, activityTypeId',
  session: 'id, schoolId, startsAt, scopeUnitId, schoolYearId, activityTypeId',
  // One row per (session, person): the compound key makes a second mark replace the first, and the server's
  // row replace a local one even though their ids were made on different machines.
  attendance: '[sessionId+personId], id, sessionId, personId, schoolId',
  drillRecord: 'id, sessionId, schoolId',
  commitment: 'id, personId, schoolId, schoolYearId, [personId+schoolYearId+kind]',
  material: 'id, ownerUnitId, schoolId, activityTypeId, sha256',
  // `targets` lists the rows an entry changed locally ("attendance:<sessionId>:<personId>"), so "chờ đồng bộ"
  // is a query on the outbox itself and can never disagree with it.
  outbox: '++seq, &id, userId, state, *targets',
  serverRows: '[entity+key]',
  cursors: 'userId',
  accounts: 'userId, &username',
  meta: 'key',
} as const;

/**
 * Version 2 (not yet shipped while this comment stands: its lines may still change). Adds the drill's per-class
 * headcounts and the consent records (pulled entities), the file queue (evidence photos and signatures waiting
 * to upload, bytes kept as ArrayBuffers: Safari cannot keep Blobs in IndexedDB reliably) and the index of
 * materials saved for offline use (bytes in the Cache API).
 */
export const STORES_V2 = {
  ...STORES_V1,
  drillHeadcount: 'id, sessionId, schoolId, [sessionId+classId]',
  consent: 'id, personId, schoolId',
  files: 'sha256, userId, state',
  offlineMaterials: 'materialId, sha256, lastUsedAt',
} as const;

/** Tables of the device's own bookkeeping, not pulled entities. */
export const BOOKKEEPING_TABLES = new Set<string>([
  'outbox',
  'serverRows',
  'cursors',
  'accounts',
  'meta',
  'files',
  'offlineMaterials',
]);

export type OutboxState = 'pending' | 'rejected';

export interface OutboxEntry {
  /** Auto-increment: the order in which changes were made on this device, and so the order they are pushed in. */
  seq?: number;
  /** The mutation id (UUIDv7): the server applies an id at most once, so a retried push is harmless. */
  id: string;
  userId: string;
  name: MutationName;
  args: unknown;
  clientTime: string;
  state: OutboxState;
  /** The server's reason, for a rejected entry ("Cần xử lý"). */
  error?: string;
  attempts: number;
  targets: string[];
  /**
   * The targets this entry created: rows neither this device nor the server had when the change was made, so
   * nothing was kept aside for them (discarding the change deletes the row; acknowledging it has nothing to forget).
   * A pull that keeps a server row aside for such a target takes it out of this list. Absent when empty.
   */
  created?: string[];
}

/**
 * The last row the server is known to have for a key that has local changes waiting (null: the server deleted it).
 * Captured before the first local change to a key that has a row, and kept or refreshed by pulls that had to skip
 * the key, so that discarding a rejected change can put back exactly what the server has. A key with changes waiting
 * and no row kept aside was created by one of them (see OutboxEntry.created): the server has no such row.
 */
export interface ServerRow {
  entity: EntityName;
  key: string;
  row: Record<string, unknown> | null;
}

export interface CursorRow {
  userId: string;
  cursor: string;
}

/** PBKDF2-SHA256 of the password, so that a user who signed in online once can sign in on this device offline. */
export interface PasswordVerifier {
  algorithm: 'PBKDF2-SHA256';
  iterations: number;
  salt: string;
  hash: string;
}

export interface DeviceAccount {
  userId: string;
  /** Lower-cased: the server matches usernames case-insensitively, and so must the offline sign-in. */
  username: string;
  user: SessionUser;
  /** Null once the user signed out: their queued changes stay, but nothing is sent for them until they sign in. */
  token: string | null;
  expiresAt: string | null;
  verifier: PasswordVerifier | null;
  /** The server refused the token (expired or revoked): work continues locally until the user signs in again. */
  needsReauth: boolean;
  lastSignInAt: string;
}

export interface MetaRow {
  key: MetaKey;
  value: unknown;
}

export type MetaKey =
  | 'clientId'
  | 'clockOffsetMs'
  | 'lastSyncAt'
  | 'lastError'
  | 'currentUserId'
  | 'updateRequired'
  // The last "what is due" answer a user saw for a unit and school year, kept for reading offline.
  | `unitDue:${string}`
  // The last coverage answer (a unit's schools, or one school) a user saw for a period, kept for reading offline.
  | `coverage:${string}`;
