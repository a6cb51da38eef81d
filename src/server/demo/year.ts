import { hanoiDate, type LocalDate } from '../../shared/time';
import { addDays, nthWeekdayOf, schoolDayFrom, WEEKDAY, type Weekday } from './calendar';

/**
 * The school year the demo shows: the Hà Nội year that contains the day it is loaded, so that past sessions are
 * behind, upcoming ones ahead and the plan's deadlines where a school would find them on that day. Dates follow
 * the pattern of the Sở's yearly calendar (DOMAIN.md, "School year"); for 2025-2026 they give the dates the demo
 * has always had: 5 September 2025 to 31 May 2026, HK II from 19 January 2026.
 */
export interface DemoTerm {
  no: 1 | 2;
  name: string;
  startDate: LocalDate;
  endDate: LocalDate;
}

export interface DemoSchoolYear {
  /** Y of "Y-(Y+1)". */
  startYear: number;
  label: string;
  startDate: LocalDate;
  endDate: LocalDate;
  terms: readonly [DemoTerm, DemoTerm];
  /** September is the peak traffic-safety month: the ATGT commitments of the year are due by its last day. */
  commitmentDueDate: LocalDate;
}

/**
 * Y of the year to show on a Hà Nội date: September to December belong to the year that began that September,
 * January to May to the one that began the September before, and in the summer holidays (June to August) schools
 * are preparing the year that starts in the coming September.
 */
export function demoSchoolYearStart(today: LocalDate): number {
  const year = Number(today.slice(0, 4));
  const month = Number(today.slice(5, 7));
  return month >= 6 ? year : year - 1;
}

/**
 * The school year Y-(Y+1): it opens on 5 September (the day of the opening ceremony) or the first weekday after it,
 * HK I runs to the Saturday before HK II, which starts on the third Monday of January (MOET asks HK I to end by
 * mid-January), and the year ends on 31 May.
 */
export function schoolYearOf(startYear: number): DemoSchoolYear {
  const startDate = schoolDayFrom(`${startYear}-09-05`);
  const endDate = `${startYear + 1}-05-31`;
  const secondTermStart = nthWeekdayOf(startYear + 1, 1, WEEKDAY.monday, 3);
  return {
    startYear,
    label: `${startYear}-${startYear + 1}`,
    startDate,
    endDate,
    terms: [
      { no: 1, name: 'Học kỳ I', startDate, endDate: addDays(secondTermStart, -2) },
      { no: 2, name: 'Học kỳ II', startDate: secondTermStart, endDate },
    ],
    commitmentDueDate: `${startYear}-09-30`,
  };
}

/** "The second Monday of September": a day of the school plan, found again in any year. */
export interface PlanDay {
  /** 9–12 fall in the first calendar year of the school year, 1–5 in the second. */
  month: number;
  weekday: Weekday;
  nth: 1 | 2 | 3 | 4 | 'last';
}

export function planDate(year: DemoSchoolYear, day: PlanDay): LocalDate {
  const calendarYear = day.month >= 9 ? year.startYear : year.startYear + 1;
  return nthWeekdayOf(calendarYear, day.month, day.weekday, day.nth);
}

/** A date as Vietnamese documents write it: 30/9/2025. */
export function vietnameseDate(date: LocalDate): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return `${d}/${m}/${y}`;
}

/** The demo's idea of time: the moment it is loaded, the school year it shows, and when its setup happened. */
export interface DemoClock {
  now: Date;
  nowIso: string;
  /** The Hà Nội date of `now`: sessions before it were held, sessions on or after it are still planned. */
  today: LocalDate;
  year: DemoSchoolYear;
  unitsCreatedAt: string;
  /** Rosters are dated as if imported from the sector database just before the year opened. */
  rosterImportedAt: string;
  accountsCreatedAt: string;
}

/** The org units were set up with the two-level local government (see MEMBERSHIP_VALID_FROM). */
const UNITS_CREATED_AT = '2025-07-01T01:00:00.000Z';

/**
 * Setup happens before the year opens, and never after `now`: a demo loaded in the summer for the coming year was
 * set up a few days before it was loaded, in the order units, rosters, accounts.
 */
function notAfter(instant: string, now: Date, daysBefore: number): string {
  const limit = new Date(now.getTime() - daysBefore * 86_400_000).toISOString();
  return instant < limit ? instant : limit;
}

export function demoClock(now: Date): DemoClock {
  const nowIso = now.toISOString();
  const today = hanoiDate(now);
  const year = schoolYearOf(demoSchoolYearStart(today));
  return {
    now,
    nowIso,
    today,
    year,
    unitsCreatedAt: notAfter(UNITS_CREATED_AT, now, 7),
    rosterImportedAt: notAfter(`${year.startYear}-08-25T02:00:00.000Z`, now, 5),
    accountsCreatedAt: notAfter(`${year.startYear}-08-28T03:00:00.000Z`, now, 4),
  };
}
