import type { Class, Person, Session } from '../../../shared/domain';
import { compareVietnameseNames, sessionRoster } from '../../../shared/domain/roster';
import { HANOI_TZ, hanoiDate } from '../../../shared/time';
import { formatDayMonth, hanoiWeek } from '../../components/format/datetime';

export const SESSION_TABS = ['week', 'upcoming', 'past'] as const;
export type SessionTab = (typeof SESSION_TABS)[number];

export function isSessionTab(value: unknown): value is SessionTab {
  return typeof value === 'string' && (SESSION_TABS as readonly string[]).includes(value);
}

/**
 * The sessions of one tab: this Hà Nội week (Monday to Sunday) in time order; upcoming (not yet over, so a
 * session under way is still there) soonest first; past ones latest first, as a teacher looks back.
 */
export function sessionsOfTab<T extends { session: Session }>(entries: readonly T[], tab: SessionTab, now: Date): T[] {
  const nowIso = now.toISOString();
  const ascending = (a: T, b: T) => a.session.startsAt.localeCompare(b.session.startsAt);
  switch (tab) {
    case 'week': {
      const { from, to } = hanoiWeek(now);
      return entries
        .filter((e) => {
          const day = hanoiDate(e.session.startsAt);
          return day >= from && day <= to;
        })
        .sort(ascending);
    }
    case 'upcoming':
      return entries.filter((e) => e.session.endsAt >= nowIso).sort(ascending);
    case 'past':
      return entries.filter((e) => e.session.endsAt < nowIso).sort((a, b) => ascending(b, a));
  }
}

/**
 * A school's people in class-list order. sessionRoster sorts each group; handing it people already in that order
 * makes each of those sorts a single linear pass, which matters when a list of sessions counts rosters of 2,000.
 */
export function inClassListOrder(persons: readonly Person[]): Person[] {
  const collator = new Intl.Collator('vi');
  return [...persons].sort((a, b) => compareVietnameseNames(collator, a.fullName, b.fullName));
}

/** The ids of everyone a session expects at a school (the denominator of its progress). */
export function rosterIdsOf(session: Session, schoolId: string, classes: readonly Class[], persons: Person[]): Set<string> {
  const ofYear = classes.filter((c) => c.schoolYearId === session.schoolYearId);
  const ids = new Set<string>();
  for (const group of sessionRoster(session.audience, schoolId, ofYear, persons)) {
    for (const p of group.people) ids.add(p.id);
  }
  return ids;
}

const LANGUAGE_TAG = { vi: 'vi-VN', en: 'en-GB' } as const;

/**
 * When a session takes place, in Hà Nội time whatever the tablet's zone: weekday, day/month (and the year when it
 * is not this year's), then the hours, e.g. "Thứ Ba, 07/10 · 14:00–16:00".
 */
export function sessionWhen(session: Pick<Session, 'startsAt' | 'endsAt'>, locale: 'vi' | 'en', now: Date): string {
  const tag = LANGUAGE_TAG[locale];
  const start = new Date(session.startsAt);
  const end = new Date(session.endsAt);
  const weekday = new Intl.DateTimeFormat(tag, { timeZone: HANOI_TZ, weekday: 'long' }).format(start);
  const clock = new Intl.DateTimeFormat(tag, { timeZone: HANOI_TZ, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  const day = hanoiDate(start);
  const dayText = day.slice(0, 4) === hanoiDate(now).slice(0, 4) ? formatDayMonth(day) : `${formatDayMonth(day)}/${day.slice(0, 4)}`;
  const endDay = hanoiDate(end);
  const endText = endDay === day ? clock.format(end) : `${formatDayMonth(endDay)} ${clock.format(end)}`;
  const capitalised = weekday.charAt(0).toLocaleUpperCase(tag) + weekday.slice(1);
  return `${capitalised}, ${dayText} · ${clock.format(start)}–${endText}`;
}
