import { z } from 'zod';
import { IdSchema } from '../domain/ids';

/**
 * The resumable upload protocol both sides speak (files are content-addressed by sha256; only the hash rides in
 * mutations). A file is announced with POST /api/files/uploads, sent in chunks with PATCH (header `upload-offset`,
 * body `application/offset+octet-stream`), and becomes visible at GET /api/files/:sha256 only once complete, its
 * hash verified and its type sniffed from its bytes.
 */

export const FILE_PURPOSES = ['evidence', 'signature', 'material'] as const;
export type FilePurpose = (typeof FILE_PURPOSES)[number];

export const MIME = {
  pdf: 'application/pdf',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  mp4: 'video/mp4',
} as const;

const MiB = 1024 * 1024;

export interface PurposeRule {
  /** Types accepted, as sniffed from the bytes (the name and the declared type are not trusted). */
  mimes: readonly string[];
  maxBytes: number;
  /** Shown in messages: what kinds of file are accepted. */
  label: string;
}

export const PURPOSE_RULES: Record<FilePurpose, PurposeRule> = {
  evidence: { mimes: [MIME.jpeg, MIME.png, MIME.webp], maxBytes: 10 * MiB, label: 'JPEG, PNG, WebP' },
  signature: { mimes: [MIME.png, MIME.webp], maxBytes: 200 * 1024, label: 'PNG, WebP' },
  material: {
    mimes: [MIME.pdf, MIME.pptx, MIME.docx, MIME.xlsx, MIME.jpeg, MIME.png, MIME.webp, MIME.mp4],
    maxBytes: 500 * MiB,
    label: 'PDF, PowerPoint, Word, Excel, JPEG, PNG, WebP, MP4',
  },
};

/** The largest chunk a PATCH may carry; the client sends 4 MiB. */
export const MAX_CHUNK_BYTES = 8 * MiB;
export const CLIENT_CHUNK_BYTES = 4 * MiB;
/** The media type of a chunk's body (as in the tus protocol). */
export const CHUNK_CONTENT_TYPE = 'application/offset+octet-stream';

export const Sha256Schema = z.string().regex(/^[0-9a-f]{64}$/, 'phải là mã SHA-256 (64 ký tự 0-9a-f)');

export const UploadStartSchema = z.object({
  sha256: Sha256Schema,
  size: z.number().int().min(1).max(PURPOSE_RULES.material.maxBytes * 2),
  mime: z.string().max(200),
  name: z.string().trim().min(1).max(255),
  purpose: z.enum(FILE_PURPOSES),
});
export type UploadStart = z.infer<typeof UploadStartSchema>;

export const UploadIdParamsSchema = z.object({ id: IdSchema });
export const FileParamsSchema = z.object({ sha256: Sha256Schema });
export const UploadOffsetHeaderSchema = z.object({
  'upload-offset': z.coerce.number().int().min(0),
});

export const UploadCreatedSchema = z.object({ uploadId: IdSchema, offset: z.number().int().min(0) });
export const UploadCompleteSchema = z.object({
  complete: z.literal(true),
  sha256: Sha256Schema,
  mime: z.string(),
  offset: z.number().int().min(0).optional(),
});
export const UploadStartResponseSchema = z.union([UploadCompleteSchema, UploadCreatedSchema]);
export const UploadStatusSchema = z.object({ offset: z.number().int().min(0), size: z.number().int().min(0) });
export const ChunkResponseSchema = z.union([UploadCompleteSchema, z.object({ offset: z.number().int().min(0) })]);

export type UploadStartResponse = z.infer<typeof UploadStartResponseSchema>;
export type ChunkResponse = z.infer<typeof ChunkResponseSchema>;

/** The size in a person's words: "12,3 MB". */
export function formatBytes(bytes: number, locale = 'vi-VN'): string {
  const units = ['B', 'KB', 'MB', 'GB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toLocaleString(locale, { maximumFractionDigits: unit === 0 ? 0 : 1 })} ${units[unit]}`;
}
