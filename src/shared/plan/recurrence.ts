import { z } from 'zod';
import { LocalDateSchema, hanoiDate, type LocalDate } from '../time';

export const RecurrenceSchema = z.object({
  freq: z.enum(['weekly', 'monthly']),
  until: LocalDateSchema,
});
/** Repeat a session every week, or every month on the same day of the month, up to and including `until` (Hà Nội date). */
export type Recurrence = z.infer<typeof RecurrenceSchema>;

/** A series longer than this is a mistake in the form (a weekly session for ten years), not a plan. */
export const MAX_OCCURRENCES = 60;

const HANOI_OFFSET_MS = 7 * 60 * 60 * 1000;
const DAY_MS = 86_400_000;

/**
 * The occurrences of a recurring session, the first one included, each at the same Hà Nội wall-clock time and
 * with the same duration. Việt Nam has no daylight saving time, so a local time is a fixed UTC offset and whole
 * days can be added to instants. Monthly repeats fall on the same day of the month; a month without that day
 * (the 31st in November) is skipped rather than moved, so every occurrence stays on the day people expect.
 */
export function expandRecurrence(
  first: { startsAt: string; endsAt: string },
  rule: Recurrence,
  max = MAX_OCCURRENCES,
): { startsAt: string; endsAt: string }[] {
  const start = Date.parse(first.startsAt);
  const duration = Date.parse(first.endsAt) - start;
  const out: { startsAt: string; endsAt: string }[] = [];
  const push = (t: number): void => {
    out.push({ startsAt: new Date(t).toISOString(), endsAt: new Date(t + duration).toISOString() });
  };
  const within = (t: number): boolean => hanoiDate(new Date(t)) <= rule.until;
  if (!within(start)) return out;

  if (rule.freq === 'weekly') {
    for (let t = start; within(t) && out.length < max; t += 7 * DAY_MS) push(t);
    return out;
  }

  // Monthly: work on the Hà Nội wall clock (a UTC-shifted Date), then shift back.
  const local = new Date(start + HANOI_OFFSET_MS);
  const day = local.getUTCDate();
  const timeOfDay = start + HANOI_OFFSET_MS - Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), day);
  for (let i = 0; out.length < max; i++) {
    const y = local.getUTCFullYear();
    const m = local.getUTCMonth() + i;
    const candidate = new Date(Date.UTC(y, m, day));
    // Date.UTC rolls 31 November over to 1 December: that month has no such day.
    if (candidate.getUTCDate() !== day) {
      if (new Date(Date.UTC(y, m, 1)).toISOString().slice(0, 10) > rule.until) break;
      continue;
    }
    const t = candidate.getTime() + timeOfDay - HANOI_OFFSET_MS;
    if (!within(t)) break;
    push(t);
  }
  return out;
}

/** The Hà Nội dates of a series, for a summary next to the form ("12 buổi, đến 20/12/2025"). */
export function occurrenceDates(occurrences: { startsAt: string }[]): LocalDate[] {
  return occurrences.map((o) => hanoiDate(o.startsAt));
}
