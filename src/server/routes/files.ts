import path from 'node:path';
import type { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply } from 'fastify';
import {
  CHUNK_CONTENT_TYPE,
  FileParamsSchema,
  MAX_CHUNK_BYTES,
  UploadIdParamsSchema,
  UploadOffsetHeaderSchema,
  UploadStartSchema,
} from '../../shared/files/upload';
import { HttpError, notFound } from '../http/errors';
import { parseInput } from '../http/validate';
import { accessOf } from '../plugins/authenticate';
import { DiskFileStore } from '../files/disk-file-store';
import type { FileStore } from '../files/file-store';
import { mayReadFile } from '../files/file-access';
import { OffsetConflict, UploadService } from '../files/upload-service';

declare module 'fastify' {
  interface FastifyInstance {
    /** The file store (DATA_DIR/files): materials and evidence, content-addressed. */
    fileStore: FileStore;
  }
}

const DEFAULT_QUOTA_BYTES = 5000 * 1024 * 1024;
const START_BODY_LIMIT = 4096;

/** A single `bytes=a-b`, `bytes=a-` or `bytes=-n` range; null when absent or not one range (then the whole file). */
export function parseRange(header: string | undefined, size: number): { start: number; end: number } | 'unsatisfiable' | null {
  if (!header) return null;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return null;
  let start: number;
  let end: number;
  if (m[1] === '') {
    const suffix = Number(m[2]);
    if (suffix === 0) return 'unsatisfiable';
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  }
  if (start >= size || start > end) return 'unsatisfiable';
  return { start, end };
}

function sendConflict(reply: FastifyReply, offset: number) {
  return reply.status(409).send({
    error: 'conflict',
    message: `Vị trí gửi không khớp, tiếp tục từ byte ${offset} (offset conflict: continue from ${offset})`,
    offset,
  });
}

/**
 * The resumable upload protocol (see src/shared/files/upload.ts) and the content-addressed file read. Chunks are
 * streamed to the file store as they arrive, never held whole in memory: the chunk route has its own content-type
 * parser, in its own plugin, that hands the raw request stream over.
 */
export function filesRoutes(app: FastifyInstance, store?: FileStore): void {
  const fileStore = store ?? new DiskFileStore(path.resolve(app.ctx.config.dataDir, 'files'));
  app.decorate('fileStore', fileStore);
  const uploads = new UploadService(app.ctx.db.kysely, fileStore, app.ctx.config.uploadQuotaBytes ?? DEFAULT_QUOTA_BYTES);

  app.addHook('onReady', async () => {
    const cleaned = await uploads.cleanStale();
    if (cleaned.uploads + cleaned.targets > 0) app.log.info(cleaned, 'removed stale uploads');
  });

  app.post('/api/files/uploads', { preHandler: app.authenticate, bodyLimit: START_BODY_LIMIT }, async (request, reply) => {
    const input = parseInput(UploadStartSchema, request.body);
    const result = await uploads.start(accessOf(request), input);
    return reply.status(result.status).send(result.body);
  });

  app.get('/api/files/uploads/:id', { preHandler: app.authenticate }, async (request) => {
    const { id } = parseInput(UploadIdParamsSchema, request.params, 'mã lượt tải lên');
    return uploads.status(accessOf(request), id);
  });

  app.delete('/api/files/uploads/:id', { preHandler: app.authenticate }, async (request, reply) => {
    const { id } = parseInput(UploadIdParamsSchema, request.params, 'mã lượt tải lên');
    try {
      await uploads.cancel(accessOf(request), id);
    } catch (error) {
      if (error instanceof OffsetConflict) return sendConflict(reply, error.offset);
      throw error;
    }
    return reply.status(204).send();
  });

  void app.register(async (scope) => {
    scope.addContentTypeParser(CHUNK_CONTENT_TYPE, (_request, payload, done) => done(null, payload));
    scope.patch(
      '/api/files/uploads/:id',
      { preHandler: app.authenticate, bodyLimit: MAX_CHUNK_BYTES },
      async (request, reply) => {
        const access = accessOf(request);
        const { id } = parseInput(UploadIdParamsSchema, request.params, 'mã lượt tải lên');
        const body = request.body as Readable | undefined;
        const isStream = typeof (body as Readable | undefined)?.pipe === 'function';
        if (!isStream || request.headers['content-type']?.split(';')[0]?.trim() !== CHUNK_CONTENT_TYPE) {
          // Ownership first: someone else's upload answers 404 whatever was sent.
          await uploads.status(access, id);
          throw new HttpError(415, 'unsupported_media_type', `Phần tệp phải gửi dạng ${CHUNK_CONTENT_TYPE} (chunks must be ${CHUNK_CONTENT_TYPE})`);
        }
        const { 'upload-offset': offset } = parseInput(UploadOffsetHeaderSchema, request.headers, 'tiêu đề');
        const length = request.headers['content-length'];
        try {
          return await uploads.chunk(access, id, offset, body!, length === undefined ? null : Number(length));
        } catch (error) {
          if (error instanceof OffsetConflict) return sendConflict(reply, error.offset);
          throw error;
        }
      },
    );
  });

  app.get('/api/files/:sha256', { preHandler: app.authenticate }, async (request, reply) => {
    const { sha256 } = parseInput(FileParamsSchema, request.params, 'mã tệp');
    const access = accessOf(request);
    if (!(await mayReadFile(app.ctx.db.kysely, access, sha256))) throw notFound();
    const stored = await app.ctx.db.kysely.selectFrom('stored_files').select(['mime']).where('sha256', '=', sha256).executeTakeFirst();
    const stat = await fileStore.stat(sha256);
    if (!stored || !stat) throw notFound();
    const range = parseRange(request.headers.range, stat.size);
    if (range === 'unsatisfiable') {
      return reply.status(416).header('content-range', `bytes */${stat.size}`).send({
        error: 'range_not_satisfiable',
        message: 'Khoảng byte yêu cầu nằm ngoài tệp (range not satisfiable)',
      });
    }
    // Opened before any header is set: a failure here is an ordinary (uncached) error answer.
    const body = await fileStore.openRead(sha256, range ?? undefined);
    // Content-addressed: the bytes behind this URL never change. Private: the answer depends on who asks.
    void reply
      .header('cache-control', 'private, max-age=31536000, immutable')
      .header('accept-ranges', 'bytes')
      .header('etag', `"${sha256}"`)
      .type(stored.mime);
    if (range) {
      void reply
        .status(206)
        .header('content-range', `bytes ${range.start}-${range.end}/${stat.size}`)
        .header('content-length', range.end - range.start + 1);
    } else {
      void reply.header('content-length', stat.size);
    }
    return reply.send(body);
  });
}
