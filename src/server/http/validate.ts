import type { z } from 'zod';
import { describeIssues } from '../../shared/validation';
import { badRequest } from './errors';

/** Checks a body, query or params against its shared schema; a bad input becomes a 400 naming every bad field. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, what = 'dữ liệu gửi lên'): z.infer<S> {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw badRequest(`${what} không hợp lệ (invalid input)`, describeIssues(result.error));
  }
  return result.data;
}
