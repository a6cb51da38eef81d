import { describe, expect, it } from 'vitest';
import { expandRecurrence } from '../../../../src/shared/plan/recurrence';
import { escapeText, fold, toICalendar } from '../../../../src/shared/plan/ical';
import { hanoiDate } from '../../../../src/shared/time';
import { dept, drillType, schoolTH, session, units } from './plan-fixtures';

describe('expandRecurrence', () => {
  // 07:30–09:00 Hà Nội on Monday 8 September 2025.
  const first = { startsAt: '2025-09-08T00:30:00.000Z', endsAt: '2025-09-08T02:00:00.000Z' };

  it('weekly: every 7 days up to and including `until`, the first included', () => {
    const out = expandRecurrence(first, { freq: 'weekly', until: '2025-09-29' });
    expect(out.map((o) => o.startsAt)).toEqual([
      '2025-09-08T00:30:00.000Z',
      '2025-09-15T00:30:00.000Z',
      '2025-09-22T00:30:00.000Z',
      '2025-09-29T00:30:00.000Z',
    ]);
    expect(out.every((o) => Date.parse(o.endsAt) - Date.parse(o.startsAt) === 90 * 60_000)).toBe(true);
  });

  it('weekly: `until` is a Hà Nội date (an evening session at 23:30 Hà Nội is on that day)', () => {
    const late = { startsAt: '2025-09-08T16:30:00.000Z', endsAt: '2025-09-08T17:00:00.000Z' }; // 23:30 Hà Nội, Monday
    expect(expandRecurrence(late, { freq: 'weekly', until: '2025-09-15' })).toHaveLength(2);
    expect(expandRecurrence(late, { freq: 'weekly', until: '2025-09-14' })).toHaveLength(1);
  });

  it('monthly: the same day of the month, months without it skipped', () => {
    const on31 = { startsAt: '2025-10-31T01:00:00.000Z', endsAt: '2025-10-31T02:00:00.000Z' };
    const out = expandRecurrence(on31, { freq: 'monthly', until: '2026-05-31' });
    expect(out.map((o) => hanoiDate(o.startsAt))).toEqual(['2025-10-31', '2025-12-31', '2026-01-31', '2026-03-31', '2026-05-31']);
    expect(out.every((o) => o.startsAt.endsWith('T01:00:00.000Z'))).toBe(true);
  });

  it('monthly: a Hà Nội morning that is the previous UTC day keeps its Hà Nội day', () => {
    // 06:00 Hà Nội on 1 October = 23:00 UTC on 30 September.
    const early = { startsAt: '2025-09-30T23:00:00.000Z', endsAt: '2025-10-01T00:00:00.000Z' };
    const out = expandRecurrence(early, { freq: 'monthly', until: '2025-12-31' });
    expect(out.map((o) => hanoiDate(o.startsAt))).toEqual(['2025-10-01', '2025-11-01', '2025-12-01']);
  });

  it('stops at max, and gives nothing when the first occurrence is already after `until`', () => {
    expect(expandRecurrence(first, { freq: 'weekly', until: '2026-12-31' }, 5)).toHaveLength(5);
    expect(expandRecurrence(first, { freq: 'weekly', until: '2030-12-31' })).toHaveLength(60);
    expect(expandRecurrence(first, { freq: 'monthly', until: '2025-09-01' })).toEqual([]);
  });
});

describe('toICalendar', () => {
  const now = new Date('2025-09-01T03:04:05.678Z');
  const planned = session({
    title: 'Diễn tập PCCC; học kỳ I, toàn trường',
    activityTypeId: drillType.id,
    scenarioCode: 'earthquake',
    place: 'Sân trường',
    startsAt: '2025-10-14T01:00:00.000Z',
    endsAt: '2025-10-14T02:30:00.000Z',
    revision: 2,
  });
  const cancelled = session({ status: 'cancelled', schoolId: null, scopeUnitId: dept, startsAt: '2025-09-20T01:00:00.000Z', endsAt: '2025-09-20T02:00:00.000Z' });
  const ics = toICalendar([planned, cancelled], { calendarName: 'Kế hoạch, trường A', activityTypes: [drillType], units, now });
  const unfolded = ics.replace(/\r\n /g, '');

  it('is CRLF-terminated lines, none over 75 octets, opening and closing the calendar', () => {
    expect(ics.endsWith('\r\n')).toBe(true);
    expect(ics.replace(/\r\n/g, '').includes('\n')).toBe(false);
    for (const line of ics.split('\r\n')) expect(new TextEncoder().encode(line).length).toBeLessThanOrEqual(75);
    expect(ics.startsWith('BEGIN:VCALENDAR\r\nVERSION:2.0\r\n')).toBe(true);
    expect(ics.trimEnd().endsWith('END:VCALENDAR')).toBe(true);
    expect(unfolded).toContain('X-WR-CALNAME:Kế hoạch\\, trường A\r\n');
  });

  it('writes each session as an event in time order: UID, DTSTAMP, UTC times, SEQUENCE, escaped text, status', () => {
    const events = unfolded.split('BEGIN:VEVENT').slice(1);
    expect(events).toHaveLength(2);
    expect(events[0]).toContain(`UID:${cancelled.id}@truongan\r\n`);
    expect(events[0]).toContain('STATUS:CANCELLED\r\n');
    expect(events[1]).toContain(`UID:${planned.id}@truongan\r\n`);
    expect(events[1]).toContain('DTSTAMP:20250901T030405Z\r\n');
    expect(events[1]).toContain('DTSTART:20251014T010000Z\r\n');
    expect(events[1]).toContain('DTEND:20251014T023000Z\r\n');
    expect(events[1]).toContain('SEQUENCE:2\r\n');
    expect(events[1]).toContain('SUMMARY:Diễn tập PCCC\\; học kỳ I\\, toàn trường\r\n');
    expect(events[1]).toContain('LOCATION:Sân trường\\, unit school\r\n');
    expect(events[1]).toContain('DESCRIPTION:Diễn tập PCCC và CNCH\\nĐộng đất\r\n');
    expect(events[1]).toContain('STATUS:CONFIRMED\r\n');
    expect(schoolTH).toBe(planned.schoolId);
  });

  it('folds by octets and never splits a Vietnamese letter', () => {
    const long = 'SUMMARY:' + 'Tuyên truyền pháp luật về an toàn giao thông đường bộ '.repeat(4);
    const folded = fold(long);
    const lines = folded.split('\r\n');
    expect(lines.length).toBeGreaterThan(2);
    expect(lines.slice(1).every((l) => l.startsWith(' '))).toBe(true);
    for (const l of lines) expect(new TextEncoder().encode(l).length).toBeLessThanOrEqual(75);
    expect(folded.replace(/\r\n /g, '')).toBe(long);
    expect(fold('SUMMARY:ngắn')).toBe('SUMMARY:ngắn');
  });

  it('escapes backslashes, semicolons, commas and newlines', () => {
    expect(escapeText('a\\b;c,d\ne')).toBe('a\\\\b\\;c\\,d\\ne');
  });
});
