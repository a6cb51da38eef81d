import { z } from 'zod';
import { IdSchema } from '../domain/ids';
import type { Material } from '../domain/records';

/**
 * The material library's inputs and search rules, shared by the server routes (src/server/routes/materials.ts) and
 * the device's offline search, so that a title found online is found the same way offline.
 */

export const Sha256Schema = z.string().regex(/^[0-9a-f]{64}$/, { error: 'sha256 phải là 64 ký tự hex thường' });

/** Types a material file may have (the file store sniffs the bytes; this is what the library knows how to show). */
export const MATERIAL_MIME_TYPES = [
  'application/pdf',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'image/jpeg',
  'image/png',
  'image/webp',
  'video/mp4',
] as const;

export type MaterialViewKind = 'pdf' | 'image' | 'video' | 'download';

/** How the in-app viewer shows a material: PDF and images inside the app, mp4 in a video element, the rest as a download. */
export function viewKindOf(mime: string): MaterialViewKind {
  if (mime === 'application/pdf') return 'pdf';
  if (mime.startsWith('image/')) return 'image';
  if (mime === 'video/mp4') return 'video';
  return 'download';
}

const TagsSchema = z.array(z.string().trim().min(1).max(50)).max(30);

/** POST /api/materials: the file was uploaded first (POST/PATCH /api/files/uploads, purpose "material"). */
export const MaterialCreateInputSchema = z.object({
  /** Optional: a device may choose the id; the server makes one otherwise. */
  id: IdSchema.optional(),
  sha256: Sha256Schema,
  title: z.string().trim().min(1).max(300),
  description: z.string().trim().max(5000).nullable().default(null),
  activityTypeId: IdSchema.nullable().default(null),
  schoolLevel: z.string().trim().min(1).max(20).nullable().default(null),
  schoolYearId: IdSchema.nullable().default(null),
  tags: TagsSchema.default([]),
  /** The library it goes into: a unit's (schoolId null) or a school's own (ownerUnitId = schoolId). */
  ownerUnitId: IdSchema,
  schoolId: IdSchema.nullable().default(null),
});
export type MaterialCreateInput = z.infer<typeof MaterialCreateInputSchema>;

/** PATCH /api/materials/:id: metadata only; the bytes change through a new version. */
export const MaterialUpdateInputSchema = z
  .object({
    title: z.string().trim().min(1).max(300),
    description: z.string().trim().max(5000).nullable(),
    activityTypeId: IdSchema.nullable(),
    schoolLevel: z.string().trim().min(1).max(20).nullable(),
    schoolYearId: IdSchema.nullable(),
    tags: TagsSchema,
  })
  .partial()
  .refine((v) => Object.keys(v).length > 0, { error: 'cần ít nhất một trường để sửa' });
export type MaterialUpdateInput = z.infer<typeof MaterialUpdateInputSchema>;

/** POST /api/materials/:id/versions: a new file replaces the old one for new downloads. */
export const MaterialVersionInputSchema = z.object({ sha256: Sha256Schema });

export const MaterialIdParamsSchema = z.object({ id: IdSchema });

export const MAX_LIBRARY_PAGE = 200;

/** GET /api/materials: the library search, always limited to what the user may see. */
export const MaterialQuerySchema = z.object({
  q: z.string().trim().max(200).optional(),
  activityTypeId: IdSchema.optional(),
  schoolLevel: z.string().trim().min(1).max(20).optional(),
  schoolYearId: IdSchema.optional(),
  /** Only one library: a unit's or a school's own. */
  ownerUnitId: IdSchema.optional(),
  includeArchived: z.enum(['0', '1']).optional(),
  limit: z.coerce.number().int().min(1).max(MAX_LIBRARY_PAGE).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});
export type MaterialQuery = z.infer<typeof MaterialQuerySchema>;

export interface MaterialPage {
  items: Material[];
  total: number;
}

/**
 * A title folded for search: lower case, Vietnamese diacritics removed (đ → d), spaces collapsed, so "an toan giao
 * thong" finds "An toàn giao thông". Stored beside the title on the server, computed on the fly on the device.
 */
export function foldForSearch(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

/** The words of a query, folded: fold once per search, not once per title. */
export function queryWords(query: string): string[] {
  return foldForSearch(query).split(' ').filter(Boolean);
}

/** Every word of the query appears in the folded text (any order). */
export function matchesWords(folded: string, words: readonly string[]): boolean {
  return words.every((w) => folded.includes(w));
}
