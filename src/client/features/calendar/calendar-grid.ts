import type { Session } from '../../../shared/domain';
import { HANOI_TZ, hanoiDate, hanoiStartOfDay, isRealDate, type LocalDate } from '../../../shared/time';
import type { FormatLocale } from '../../components/format/datetime';

/**
 * Calendar arithmetic on Hà Nội local dates (YYYY-MM-DD). Dates are handled as UTC midnights so that the device's
 * own zone never shifts a day: a school's calendar is Hà Nội's wherever the tablet thinks it is.
 */

export const CALENDAR_VIEWS = ['month', 'week', 'agenda'] as const;
export type CalendarView = (typeof CALENDAR_VIEWS)[number];

export function isCalendarView(value: unknown): value is CalendarView {
  return typeof value === 'string' && (CALENDAR_VIEWS as readonly string[]).includes(value);
}

export function isLocalDate(value: unknown): value is LocalDate {
  return typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) && isRealDate(value);
}

const DAY_MS = 86_400_000;
const utc = (date: LocalDate): number => Date.parse(`${date}T00:00:00.000Z`);
const fromUtc = (ms: number): LocalDate => new Date(ms).toISOString().slice(0, 10);

export function addDays(date: LocalDate, days: number): LocalDate {
  return fromUtc(utc(date) + days * DAY_MS);
}

/** The same day of another month, or that month's last day when it has no such day (31 → 30 November). */
export function addMonths(date: LocalDate, months: number): LocalDate {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const index = y * 12 + (m - 1) + months;
  const year = Math.floor(index / 12);
  const month = index - year * 12;
  const last = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return fromUtc(Date.UTC(year, month, Math.min(d, last)));
}

/** 0 = Monday … 6 = Sunday: Vietnamese schools count the week from Monday (Thứ Hai). */
export function weekdayIndex(date: LocalDate): number {
  return (new Date(utc(date)).getUTCDay() + 6) % 7;
}

export function startOfWeek(date: LocalDate): LocalDate {
  return addDays(date, -weekdayIndex(date));
}

export function startOfMonth(date: LocalDate): LocalDate {
  return `${date.slice(0, 7)}-01`;
}

export function endOfMonth(date: LocalDate): LocalDate {
  return addDays(addMonths(startOfMonth(date), 1), -1);
}

/** The seven days of the week that contains `date`, Monday first. */
export function weekDays(date: LocalDate): LocalDate[] {
  const monday = startOfWeek(date);
  return Array.from({ length: 7 }, (_, i) => addDays(monday, i));
}

/** The weeks (Monday to Sunday) that show a month: 4 to 6 rows, with the neighbouring months' days at the edges. */
export function monthWeeks(date: LocalDate): LocalDate[][] {
  const first = startOfMonth(date);
  const last = endOfMonth(date);
  const weeks: LocalDate[][] = [];
  for (let monday = startOfWeek(first); monday <= last; monday = addDays(monday, 7)) weeks.push(weekDays(monday));
  return weeks;
}

/** The dates a view shows, inclusive, and where the previous and next buttons go. */
export function viewRange(view: CalendarView, anchor: LocalDate): { from: LocalDate; to: LocalDate } {
  if (view === 'week') {
    const days = weekDays(anchor);
    return { from: days[0]!, to: days[6]! };
  }
  if (view === 'month') {
    const weeks = monthWeeks(anchor);
    return { from: weeks[0]![0]!, to: weeks.at(-1)![6]! };
  }
  return { from: startOfMonth(anchor), to: endOfMonth(anchor) };
}

export function stepAnchor(view: CalendarView, anchor: LocalDate, step: -1 | 1): LocalDate {
  return view === 'week' ? addDays(anchor, 7 * step) : addMonths(anchor, step);
}

/** The Hà Nội dates a session spans (a 3-day camp shows on each of its days); at least its start date. */
export function sessionDays(session: Pick<Session, 'startsAt' | 'endsAt'>): LocalDate[] {
  const first = hanoiDate(session.startsAt);
  // A session ending exactly at midnight does not reach into the next day.
  const last = hanoiDate(new Date(Math.max(Date.parse(session.startsAt), Date.parse(session.endsAt) - 1)));
  const days: LocalDate[] = [];
  for (let d = first; d <= last && days.length < 31; d = addDays(d, 1)) days.push(d);
  return days;
}

/** Items grouped by each Hà Nội date they cover, each day's list in start order. */
export function byDay<T extends { session: Pick<Session, 'startsAt' | 'endsAt'> }>(items: readonly T[]): Map<LocalDate, T[]> {
  const out = new Map<LocalDate, T[]>();
  for (const item of items) {
    for (const day of sessionDays(item.session)) {
      const list = out.get(day);
      if (list) list.push(item);
      else out.set(day, [item]);
    }
  }
  for (const list of out.values()) list.sort((a, b) => a.session.startsAt.localeCompare(b.session.startsAt));
  return out;
}

/** Minutes after Hà Nội midnight of `day` at which a session starts and ends on that day, clamped to the day. */
export function minutesOnDay(session: Pick<Session, 'startsAt' | 'endsAt'>, day: LocalDate): { start: number; end: number } {
  const midnight = Date.parse(hanoiStartOfDay(day));
  const clamp = (ms: number) => Math.min(24 * 60, Math.max(0, Math.round((ms - midnight) / 60_000)));
  return { start: clamp(Date.parse(session.startsAt)), end: clamp(Date.parse(session.endsAt)) };
}

export interface PlacedItem<T> {
  item: T;
  start: number;
  end: number;
  /** Side-by-side position among the sessions that overlap it, and how many share that time. */
  lane: number;
  lanes: number;
}

/**
 * Where each session of one day goes in the week view's time column: overlapping sessions are put side by side
 * (the first free lane), and every session of an overlapping cluster gets the cluster's lane count as its width.
 */
export function layoutDay<T extends { session: Pick<Session, 'startsAt' | 'endsAt'> }>(
  items: readonly T[],
  day: LocalDate,
): PlacedItem<T>[] {
  const placed = items
    .map((item) => {
      const { start, end } = minutesOnDay(item.session, day);
      // A session of a few minutes still needs room for a readable, tappable label.
      return { item, start, end: Math.max(end, start + 15), lane: 0, lanes: 1 };
    })
    .sort((a, b) => a.start - b.start || b.end - a.end);
  let cluster: typeof placed = [];
  let clusterEnd = -1;
  const closeCluster = (): void => {
    const lanes = Math.max(1, ...cluster.map((p) => p.lane + 1));
    for (const p of cluster) p.lanes = lanes;
    cluster = [];
  };
  for (const p of placed) {
    if (p.start >= clusterEnd) {
      closeCluster();
      clusterEnd = -1;
    }
    const busy = new Set(cluster.filter((q) => q.end > p.start).map((q) => q.lane));
    let lane = 0;
    while (busy.has(lane)) lane += 1;
    p.lane = lane;
    cluster.push(p);
    clusterEnd = Math.max(clusterEnd, p.end);
  }
  closeCluster();
  return placed;
}

/** The hours the week view draws: school hours, widened to take in any session of the week that falls outside. */
export function visibleHours(placed: readonly { start: number; end: number }[]): { from: number; to: number } {
  let from = 7;
  let to = 18;
  for (const p of placed) {
    from = Math.min(from, Math.floor(p.start / 60));
    to = Math.max(to, Math.ceil(p.end / 60));
  }
  return { from: Math.max(0, from), to: Math.min(24, to) };
}

const LANGUAGE_TAG = { vi: 'vi-VN', en: 'en-GB' } as const;

function dateFormat(locale: FormatLocale, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  return new Intl.DateTimeFormat(LANGUAGE_TAG[locale], { ...options, timeZone: 'UTC' });
}

const capitalise = (text: string, locale: FormatLocale) =>
  text.charAt(0).toLocaleUpperCase(LANGUAGE_TAG[locale]) + text.slice(1);

/** "Tháng 12 năm 2026" / "December 2026". */
export function monthTitle(date: LocalDate, locale: FormatLocale): string {
  return capitalise(dateFormat(locale, { month: 'long', year: 'numeric' }).format(new Date(utc(date))), locale);
}

/** "Thứ Hai" … "Chủ Nhật" / "Monday" … "Sunday". */
export function weekdayName(date: LocalDate, locale: FormatLocale, width: 'long' | 'short' = 'long'): string {
  return capitalise(dateFormat(locale, { weekday: width }).format(new Date(utc(date))), locale);
}

/** "Thứ Ba, 1 tháng 12" / "Tuesday 1 December" (with the year when asked). */
export function longDate(date: LocalDate, locale: FormatLocale, withYear = false): string {
  const options: Intl.DateTimeFormatOptions = { weekday: 'long', day: 'numeric', month: 'long' };
  if (withYear) options.year = 'numeric';
  return capitalise(dateFormat(locale, options).format(new Date(utc(date))), locale);
}

/** A session's clock times in Hà Nội, e.g. "07:30–09:00". */
export function clockRange(session: Pick<Session, 'startsAt' | 'endsAt'>, locale: FormatLocale): string {
  const clock = new Intl.DateTimeFormat(LANGUAGE_TAG[locale], {
    timeZone: HANOI_TZ,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
  return `${clock.format(new Date(session.startsAt))}–${clock.format(new Date(session.endsAt))}`;
}
