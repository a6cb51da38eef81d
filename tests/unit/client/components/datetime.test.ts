import { describe, expect, it } from 'vitest';
import { formatDayMonth, formatInstant, hanoiWeek } from '../../../../src/client/components/format/datetime';

describe('formatInstant', () => {
  const now = new Date('2026-11-30T03:00:00Z'); // 10:00 Monday 30/11 in Hà Nội

  it('gives only the Hà Nội clock time for today', () => {
    expect(formatInstant('2026-11-30T02:05:00.000Z', 'vi', now)).toBe('09:05');
  });

  it('adds the day for an earlier day, judged by the Hà Nội calendar rather than UTC', () => {
    // 23:30 UTC on 29/11 is already 06:30 on 30/11 in Hà Nội: today.
    expect(formatInstant('2026-11-29T23:30:00.000Z', 'vi', now)).toBe('06:30');
    // 16:30 UTC on 29/11 is 23:30 on 29/11 in Hà Nội: yesterday.
    expect(formatInstant('2026-11-29T16:30:00.000Z', 'en', now)).toBe('29/11 23:30');
  });

  it('leaves an unreadable value as it is rather than printing "Invalid Date"', () => {
    expect(formatInstant('not a time', 'vi', now)).toBe('not a time');
  });
});

describe('hanoiWeek', () => {
  it('runs Monday to Sunday', () => {
    expect(hanoiWeek(new Date('2026-11-30T03:00:00Z'))).toEqual({ from: '2026-11-30', to: '2026-12-06' });
    expect(hanoiWeek(new Date('2026-12-06T10:00:00Z'))).toEqual({ from: '2026-11-30', to: '2026-12-06' });
  });

  it('turns over at midnight in Hà Nội, not at midnight UTC', () => {
    // 17:30 UTC on Sunday 6/12 is 00:30 on Monday 7/12 in Hà Nội.
    expect(hanoiWeek(new Date('2026-12-06T17:30:00Z'))).toEqual({ from: '2026-12-07', to: '2026-12-13' });
  });

  it('crosses month and year ends', () => {
    expect(hanoiWeek(new Date('2026-12-31T05:00:00Z'))).toEqual({ from: '2026-12-28', to: '2027-01-03' });
  });
});

describe('formatDayMonth', () => {
  it('writes day/month as schools do', () => {
    expect(formatDayMonth('2026-09-05')).toBe('05/09');
  });
});
