import type { ActivityType, Class, Session, SessionAudience, Unit } from '../../../shared/domain';
import { toICalendar } from '../../../shared/plan/ical';
import { hanoiDate } from '../../../shared/time';

export interface MonthOfPlan {
  /** YYYY-MM of Hà Nội time. */
  month: string;
  sessions: Session[];
}

/** The sessions of a plan by Hà Nội calendar month, in time order: how a printed school plan is laid out. */
export function sessionsByMonth(sessions: readonly Session[]): MonthOfPlan[] {
  const months = new Map<string, Session[]>();
  const sorted = [...sessions].sort((a, b) => a.startsAt.localeCompare(b.startsAt));
  for (const s of sorted) {
    const month = hanoiDate(s.startsAt).slice(0, 7);
    const list = months.get(month);
    if (list) list.push(s);
    else months.set(month, [s]);
  }
  return [...months.entries()].map(([month, list]) => ({ month, sessions: list }));
}

/** Who a session is for, in the plan's words, from the message catalogue's pieces. */
export function audienceParts(
  audience: SessionAudience,
  classes: readonly Class[],
  t: (key: string, named?: Record<string, unknown>) => string,
): string[] {
  const parts: string[] = [];
  if (audience.grades.length > 0) parts.push(t('exports.audience.grades', { grades: [...audience.grades].sort((a, b) => a - b).join(', ') }));
  if (audience.classIds.length > 0) {
    const names = audience.classIds.map((id) => classes.find((c) => c.id === id)?.name).filter((n): n is string => Boolean(n));
    parts.push(
      names.length === audience.classIds.length
        ? t('exports.audience.classes', { classes: names.join(', ') })
        : t('exports.audience.classCount', { count: audience.classIds.length }),
    );
  }
  if (audience.staff) parts.push(t(audience.youthStaffOnly ? 'exports.audience.youthStaff' : 'exports.audience.staff'));
  if (audience.parents) parts.push(t('exports.audience.parents'));
  return parts;
}

/** A file name without characters that some systems refuse: "ke-hoach-2025-2026-truong-tieu-hoc-dich-vong.ics". */
export function icsFileName(yearLabel: string, scopeName: string): string {
  const slug = scopeName
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return `ke-hoach-${yearLabel}${slug ? `-${slug}` : ''}.ics`;
}

/** The plan as an iCalendar file, built on the device from its own data, so it can be saved offline. */
export function planAsICalendar(
  sessions: Session[],
  opts: { calendarName: string; activityTypes: ActivityType[]; units: Unit[]; now: Date },
): Blob {
  return new Blob([toICalendar(sessions, opts)], { type: 'text/calendar;charset=utf-8' });
}
