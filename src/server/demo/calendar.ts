import { hanoiDate, hanoiStartOfDay, type LocalDate } from '../../shared/time';

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

export function todayInHanoi(now: Date): LocalDate {
  return hanoiDate(now);
}
