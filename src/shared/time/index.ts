import { z } from 'zod';

/** The plan's calendar is Hà Nội's: school-year and term boundaries and due dates are local dates there. */
export const HANOI_TZ = 'Asia/Ho_Chi_Minh';
const HANOI_OFFSET_MS = 7 * 60 * 60 * 1000; // Việt Nam has had no daylight saving time since 1975.

/** A local calendar date, YYYY-MM-DD, checked to exist (no 31 February). */
export const LocalDateSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'ngày phải có dạng YYYY-MM-DD' })
  .refine(isRealDate, { error: 'ngày không tồn tại' });
export type LocalDate = z.infer<typeof LocalDateSchema>;

/** A UTC instant as ISO-8601 with milliseconds and Z, the one form stored on both databases so that text order is time order. */
export const InstantSchema = z.iso
  .datetime({ offset: true, error: 'thời điểm phải theo ISO-8601' })
  .transform((s) => new Date(s).toISOString());
export type Instant = string;

export function isRealDate(s: string): boolean {
  const [y, m, d] = s.split('-').map(Number) as [number, number, number];
  const dt = new Date(Date.UTC(y, m - 1, d));
  return dt.getUTCFullYear() === y && dt.getUTCMonth() === m - 1 && dt.getUTCDate() === d;
}

/** The Hà Nội calendar date of an instant: a drill at 23:30 UTC on 31 May counts on 1 June. */
export function hanoiDate(instant: string | Date): LocalDate {
  const t = typeof instant === 'string' ? Date.parse(instant) : instant.getTime();
  return new Date(t + HANOI_OFFSET_MS).toISOString().slice(0, 10);
}

/** The instant at which a Hà Nội local date begins. */
export function hanoiStartOfDay(date: LocalDate): string {
  return new Date(Date.parse(`${date}T00:00:00.000Z`) - HANOI_OFFSET_MS).toISOString();
}

export function nowInstant(offsetMs = 0): string {
  return new Date(Date.now() + offsetMs).toISOString();
}
