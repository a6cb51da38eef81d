import { hanoiStartOfDay, type LocalDate } from '../../shared/time';

/** The instant of a Hà Nội wall-clock time ("07:30") on a local date, as stored: ISO with milliseconds and Z. */
export function atHanoi(date: LocalDate, time: string): string {
  const [h, m] = time.split(':').map(Number) as [number, number];
  return new Date(Date.parse(hanoiStartOfDay(date)) + (h * 60 + m) * 60_000).toISOString();
}

export function addMinutes(instant: string, minutes: number): string {
  return new Date(Date.parse(instant) + minutes * 60_000).toISOString();
}

export function addSeconds(instant: string, seconds: number): string {
  return new Date(Date.parse(instant) + seconds * 1000).toISOString();
}

export function addDays(date: LocalDate, days: number): LocalDate {
  return new Date(Date.parse(`${date}T00:00:00.000Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** 0 = Sunday … 6 = Saturday, of a local date. */
export function weekday(date: LocalDate): number {
  return new Date(`${date}T00:00:00.000Z`).getUTCDay();
}

/** The first Monday-to-Friday on or after `date`: classes-wide sessions happen on school days. */
export function schoolDayFrom(date: LocalDate): LocalDate {
  let d = date;
  while (weekday(d) === 0 || weekday(d) === 6) d = addDays(d, 1);
  return d;
}

/** The first Saturday on or after `date`: parent meetings are held when parents are free. */
export function saturdayFrom(date: LocalDate): LocalDate {
  let d = date;
  while (weekday(d) !== 6) d = addDays(d, 1);
  return d;
}

export const WEEKDAY = { sunday: 0, monday: 1, tuesday: 2, wednesday: 3, thursday: 4, friday: 5, saturday: 6 } as const;
export type Weekday = (typeof WEEKDAY)[keyof typeof WEEKDAY];

/**
 * The nth (1-based) or the last given weekday of a month: schools fix their calendar that way ("the second Monday
 * of September"), so a plan carried to another year keeps its weekdays and its place in the month.
 */
export function nthWeekdayOf(year: number, month: number, day: Weekday, nth: 1 | 2 | 3 | 4 | 'last'): LocalDate {
  const first = `${year}-${String(month).padStart(2, '0')}-01`;
  if (nth === 'last') {
    const nextMonthFirst = new Date(Date.UTC(year, month, 1)).toISOString().slice(0, 10);
    let d = addDays(nextMonthFirst, -1);
    while (weekday(d) !== day) d = addDays(d, -1);
    return d;
  }
  let d = first;
  while (weekday(d) !== day) d = addDays(d, 1);
  return addDays(d, 7 * (nth - 1));
}

/** The later of two local dates. */
export function laterDate(a: LocalDate, b: LocalDate): LocalDate {
  return a > b ? a : b;
}
