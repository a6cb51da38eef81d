import type { FastifyError, FastifyInstance } from 'fastify';
import { HttpError } from '../http/errors';

/**
 * The one error handler: client errors are answered in plain words with the fields at fault; anything
 * unexpected becomes a 500 that names only the request id (the log has the rest). No stack trace reaches a client.
 */
export function registerErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | HttpError | Error, request, reply) => {
    if (error instanceof HttpError) {
      if (error.statusCode === 429) void reply.header('retry-after', '60');
      return reply.status(error.statusCode).send({
        error: error.code,
        message: error.message,
        ...(error.fields ? { fields: error.fields } : {}),
      });
    }
    const fe = error as FastifyError;
    if (fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return reply.status(413).send({ error: 'payload_too_large', message: 'Dữ liệu gửi lên quá lớn (payload too large)' });
    }
    if (fe.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
      return reply
        .status(415)
        .send({ error: 'unsupported_media_type', message: 'Chỉ nhận JSON (only application/json is accepted)' });
    }
    if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
      // Fastify's own client errors: malformed JSON, empty body with a JSON content type…
      return reply.status(fe.statusCode).send({
        error: 'bad_request',
        message: `Yêu cầu không hợp lệ (bad request): ${fe.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' ? 'thân rỗng' : 'JSON không đọc được'}`,
      });
    }
    request.log.error({ err: error }, 'unhandled error');
    return reply.status(500).send({
      error: 'internal',
      message: `Lỗi máy chủ, mã yêu cầu ${request.id} (server error, request id ${request.id})`,
    });
  });
}
