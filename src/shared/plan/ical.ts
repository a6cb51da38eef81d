import type { ActivityType, Session } from '../domain/activities';
import type { Unit } from '../domain/org';
import { HANOI_TZ } from '../time';

/**
 * The plan as an iCalendar feed (RFC 5545) that phone and desktop calendars subscribe to. Times are written in
 * UTC, which every client converts to the reader's zone, so no VTIMEZONE block is needed. Each session keeps its
 * UID across edits (its id), with SEQUENCE = its revision, so an edited or cancelled session replaces the copy
 * in the subscriber's calendar instead of adding a second one.
 */
export function toICalendar(
  sessions: Session[],
  opts: { calendarName: string; activityTypes: ActivityType[]; units: Unit[]; now: Date },
): string {
  const types = new Map(opts.activityTypes.map((t) => [t.id, t]));
  const units = new Map(opts.units.map((u) => [u.id, u]));
  const stamp = utc(opts.now.toISOString());
  const lines: string[] = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//So GDDT Ha Noi//Truong An//VI',
    'CALSCALE:GREGORIAN',
    'METHOD:PUBLISH',
    `X-WR-CALNAME:${escapeText(opts.calendarName)}`,
    `X-WR-TIMEZONE:${HANOI_TZ}`,
  ];
  const ordered = [...sessions].sort((a, b) => (a.startsAt < b.startsAt ? -1 : a.startsAt > b.startsAt ? 1 : a.id < b.id ? -1 : 1));
  for (const s of ordered) {
    const type = types.get(s.activityTypeId);
    const scenario = type?.scenarios.find((sc) => sc.code === s.scenarioCode);
    const where = units.get(s.schoolId ?? s.scopeUnitId)?.name;
    const location = [s.place, where].filter((x): x is string => Boolean(x)).join(', ');
    const description = [type?.name, scenario?.name, s.schoolId === null && where ? where : null]
      .filter((x): x is string => Boolean(x))
      .join('\n');
    lines.push(
      'BEGIN:VEVENT',
      `UID:${s.id}@truongan`,
      `DTSTAMP:${stamp}`,
      `DTSTART:${utc(s.startsAt)}`,
      `DTEND:${utc(s.endsAt)}`,
      `SEQUENCE:${s.revision}`,
      `SUMMARY:${escapeText(s.title)}`,
    );
    if (location) lines.push(`LOCATION:${escapeText(location)}`);
    if (description) lines.push(`DESCRIPTION:${escapeText(description)}`);
    if (type) lines.push(`CATEGORIES:${escapeText(type.name)}`);
    lines.push(`STATUS:${s.status === 'cancelled' ? 'CANCELLED' : 'CONFIRMED'}`, 'END:VEVENT');
  }
  lines.push('END:VCALENDAR');
  return lines.map(fold).join('\r\n') + '\r\n';
}

/** 2025-09-08T00:30:00.000Z → 20250908T003000Z (the form DATE-TIME takes in UTC). */
function utc(instant: string): string {
  return new Date(instant).toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '');
}

/** TEXT values escape backslash, semicolon, comma and newlines (RFC 5545 §3.3.11). */
export function escapeText(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/;/g, '\\;').replace(/,/g, '\\,').replace(/\r?\n|\r/g, '\\n');
}

const encoder = new TextEncoder();

/**
 * Lines longer than 75 octets are folded: CRLF then one space (§3.1). Octets, not characters: Vietnamese letters
 * take 2–3 bytes in UTF-8, and a fold must never split one.
 */
export function fold(line: string): string {
  if (encoder.encode(line).length <= 75) return line;
  const parts: string[] = [];
  let current = '';
  let size = 0;
  let limit = 75;
  for (const ch of line) {
    const bytes = encoder.encode(ch).length;
    if (size + bytes > limit) {
      parts.push(current);
      current = '';
      size = 0;
      // Continuation lines start with a space, which counts toward their 75 octets.
      limit = 74;
    }
    current += ch;
    size += bytes;
  }
  parts.push(current);
  return parts.join('\r\n ');
}
