import { z } from 'zod';
import { IdSchema } from '../domain/ids';
import { RoleSchema } from '../auth';
import { SchoolLevelSchema, UnitKindSchema } from '../domain/org';

/** Request and answer shapes of the organisation, account and personal-data routes (issue #8 items 2, 4, 5). */

export const IdParamsSchema = z.object({ id: IdSchema });

// ── Organisation ─────────────────────────────────────────────────────────────────────────────────────────────
export const UnitCreateSchema = z.object({
  id: IdSchema.optional(),
  kind: UnitKindSchema,
  name: z.string().trim().min(1).max(200),
  code: z.string().trim().max(50).nullable().default(null),
  parentId: IdSchema,
  schoolLevel: SchoolLevelSchema.nullable().default(null),
});
export type UnitCreate = z.infer<typeof UnitCreateSchema>;

export const UnitRenameSchema = z.object({
  name: z.string().trim().min(1).max(200),
  code: z.string().trim().max(50).nullable().optional(),
});

/** Move a unit (a school, usually) under another parent from a date; the old membership is closed the day before. */
export const UnitMoveSchema = z.object({ parentId: IdSchema });

/** Put a school in a cluster, or take it out (null). */
export const UnitClusterSchema = z.object({ clusterId: IdSchema.nullable() });

export interface OrgUnitView {
  id: string;
  kind: string;
  name: string;
  code: string | null;
  parentId: string | null;
  clusterId: string | null;
  schoolLevel: string | null;
  status: string;
}

export interface UnitMembershipView {
  parentId: string;
  axis: 'tree' | 'cluster';
  validFrom: string;
  validTo: string | null;
}

// ── Accounts ─────────────────────────────────────────────────────────────────────────────────────────────────
export const BulkAccountsSchema = z.object({
  personIds: z.array(IdSchema).min(1).max(300),
  /** The role each new account gets at the school: teachers by default, never more than a principal. */
  role: z.enum(['teacher', 'principal']).default('teacher'),
});

/** One account made in bulk: the initial password is shown once, in this answer only, and never stored in clear. */
export interface CreatedAccount {
  userId: string;
  personId: string;
  fullName: string;
  username: string;
  initialPassword: string;
}

export interface BulkAccountsResponse {
  created: CreatedAccount[];
  /** People who already have an account (nothing was changed for them). */
  skipped: { personId: string; username: string }[];
}

export const GrantSchema = z.object({ role: RoleSchema, unitId: IdSchema });

export interface AccountView {
  id: string;
  username: string;
  displayName: string;
  personId: string | null;
  active: boolean;
  mustChangePassword: boolean;
  grants: { role: string; unitId: string }[];
}

export const SchoolAccountsQuerySchema = z.object({});

/** Turns a full name into a username part: unaccented, lower case, the given name last ("Nguyễn Văn A" → nguyenvana). */
export function usernameBase(fullName: string): string {
  const plain = fullName
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '');
  return plain.slice(0, 30) || 'canbo';
}

/** The school part of usernames: the school's name without its kind ("Trường Tiểu học Dịch Vọng" → dichvong). */
export function schoolSlug(schoolName: string): string {
  const plain = schoolName
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .toLowerCase()
    .replace(/\b(truong|mam non|tieu hoc|trung hoc co so|trung hoc pho thong|thcs|thpt|th|mn|gdnn|gdtx|lien cap)\b/g, ' ')
    .replace(/[^a-z0-9]+/g, '');
  return plain.slice(0, 20) || 'truong';
}
