import type { FieldProblem } from '../../shared/validation';

/** An error whose message is meant for the client. Anything else becomes a 500 with no detail. */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly fields?: FieldProblem[],
  ) {
    super(message);
  }
}

export const badRequest = (message: string, fields?: FieldProblem[]) =>
  new HttpError(400, 'bad_request', message, fields);
export const unauthorized = (message = 'Cần đăng nhập (sign-in required)') => new HttpError(401, 'unauthorized', message);
export const forbidden = (message = 'Không có quyền (forbidden)') => new HttpError(403, 'forbidden', message);
/** Also the answer for what exists but lies outside the user's scope: the user learns nothing about it. */
export const notFound = (message = 'Không tìm thấy (not found)') => new HttpError(404, 'not_found', message);
export const conflict = (message: string) => new HttpError(409, 'conflict', message);
export const tooManyRequests = (message: string) => new HttpError(429, 'too_many_requests', message);
export const upgradeRequired = (message: string) => new HttpError(426, 'upgrade_required', message);
