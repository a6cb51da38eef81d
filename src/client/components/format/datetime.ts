import { HANOI_TZ, hanoiDate, type LocalDate } from '../../../shared/time';

const LANGUAGE_TAG = { vi: 'vi-VN', en: 'en-GB' } as const;
export type FormatLocale = keyof typeof LANGUAGE_TAG;

/**
 * When something happened, in Hà Nội time whatever the device's zone: the clock only for today, the day
 * and month too for earlier days, so that "14:05" never silently means yesterday.
 */
const timeFormats = new Map<FormatLocale, Intl.DateTimeFormat>();

/** Building an Intl formatter costs far more than using one, and the sync chip formats on every local change. */
function timeFormat(locale: FormatLocale): Intl.DateTimeFormat {
  let format = timeFormats.get(locale);
  if (!format) {
    format = new Intl.DateTimeFormat(LANGUAGE_TAG[locale], { timeZone: HANOI_TZ, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    timeFormats.set(locale, format);
  }
  return format;
}

export function formatInstant(instant: string, locale: FormatLocale, now: Date = new Date()): string {
  const when = new Date(instant);
  if (Number.isNaN(when.getTime())) return instant;
  const time = timeFormat(locale).format(when);
  const day = hanoiDate(when);
  // Built by hand: ICU writes "22-11" or "22/11" for vi-VN depending on its version; schools write 22/11.
  return day === hanoiDate(now) ? time : `${formatDayMonth(day)} ${time}`;
}

/** A Hà Nội calendar date as day/month, e.g. "24/11". */
export function formatDayMonth(date: LocalDate): string {
  const [, month, day] = date.split('-');
  return `${day}/${month}`;
}

/** Monday to Sunday of the Hà Nội week that contains `now`: the school week the home page speaks of. */
export function hanoiWeek(now: Date = new Date()): { from: LocalDate; to: LocalDate } {
  const today = hanoiDate(now);
  const midnight = Date.parse(`${today}T00:00:00.000Z`);
  const weekday = (new Date(midnight).getUTCDay() + 6) % 7; // Monday = 0
  const day = 86_400_000;
  return {
    from: new Date(midnight - weekday * day).toISOString().slice(0, 10),
    to: new Date(midnight + (6 - weekday) * day).toISOString().slice(0, 10),
  };
}
