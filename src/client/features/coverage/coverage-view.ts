import type { EChartsCoreOption } from 'echarts/core';
import type { Class } from '../../../shared/domain';
import type { IndicatorCode, MissingItem, TrendPoint } from '../../../shared/coverage/types';
import type { SchoolCoverageRow } from '../../../shared/coverage/wire';
import { compareVietnameseNames } from '../../../shared/domain/roster';
import { nameMatches, searchKey } from '../attendance/search';

/** The period the page shows, as it rides in the address (`?ky=`): the whole year or one term. */
export type PeriodChoice = 'year' | `term${number}`;

export function termNoOf(choice: PeriodChoice): number | undefined {
  return choice === 'year' ? undefined : Number(choice.slice(4)) || undefined;
}

export function parsePeriodChoice(value: unknown): PeriodChoice {
  return typeof value === 'string' && /^term[1-4]$/.test(value) ? (value as PeriodChoice) : 'year';
}

export interface MissingGroup {
  /** A class id, or '' for people without a class (staff, parents) and for drills. */
  key: string;
  className: string | null;
  items: MissingItem[];
}

/** The missing list as a homeroom teacher reads it: by class (grade, then name), people by given name; staff last. */
export function groupMissing(missing: readonly MissingItem[], classes: readonly Pick<Class, 'id' | 'name' | 'grade'>[]): MissingGroup[] {
  const collator = new Intl.Collator('vi');
  const byId = new Map(classes.map((c) => [c.id, c]));
  const groups = new Map<string, MissingGroup>();
  for (const m of missing) {
    const key = m.classId && byId.has(m.classId) ? m.classId : '';
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { key, className: key ? byId.get(key)!.name : null, items: [] }));
    g.items.push(m);
  }
  for (const g of groups.values()) {
    if (g.items.every((m) => m.kind === 'person')) g.items.sort((a, b) => compareVietnameseNames(collator, a.name, b.name));
  }
  return [...groups.values()].sort((a, b) => {
    if (a.key === '' || b.key === '') return a.key === '' ? 1 : -1;
    const ca = byId.get(a.key)!;
    const cb = byId.get(b.key)!;
    return ca.grade - cb.grade || collator.compare(ca.name, cb.name);
  });
}

/** `95,2%` in Vietnamese, `95.2%` in English; null when nothing is asked. */
export function percentText(value: number | null, locale: 'vi' | 'en'): string | null {
  return value === null ? null : `${value.toLocaleString(locale === 'en' ? 'en-GB' : 'vi-VN')}%`;
}

/** The monthly trend as a line from 0 to 100 %. */
export function trendOption(points: readonly TrendPoint[], monthLabel: (month: string) => string): EChartsCoreOption {
  return {
    animation: false,
    grid: { left: 40, right: 16, top: 16, bottom: 32 },
    tooltip: { trigger: 'axis', valueFormatter: (v: unknown) => (typeof v === 'number' ? `${v}%` : '—') },
    xAxis: { type: 'category', data: points.map((p) => monthLabel(p.month)) },
    yAxis: { type: 'value', min: 0, max: 100, axisLabel: { formatter: '{value}%' } },
    series: [{ type: 'line', data: points.map((p) => p.percentage), connectNulls: false, symbolSize: 8, lineStyle: { width: 3 } }],
  };
}

/** Schools as bars by one indicator, lowest first (who needs help stands out), with the 100 % target marked. */
export function schoolsBarOption(rows: readonly SchoolCoverageRow[], code: IndicatorCode): EChartsCoreOption {
  const values = rows
    .map((r) => ({ name: r.name, value: r.indicators.find((i) => i.code === code)?.percentage ?? null }))
    .filter((r): r is { name: string; value: number } => r.value !== null)
    .sort((a, b) => a.value - b.value)
    .slice(0, 60);
  return {
    animation: false,
    grid: { left: 8, right: 24, top: 8, bottom: 8, containLabel: true },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, valueFormatter: (v: unknown) => `${String(v)}%` },
    xAxis: { type: 'value', min: 0, max: 100, axisLabel: { formatter: '{value}%' } },
    yAxis: { type: 'category', data: values.map((v) => v.name), axisLabel: { width: 180, overflow: 'truncate' } },
    series: [{ type: 'bar', data: values.map((v) => v.value), markLine: { silent: true, symbol: 'none', data: [{ xAxis: 100 }] } }],
  };
}

export interface SchoolFilter {
  query: string;
  level: string | null;
  /** Schools whose devices have not synced for more than this many days (or never). */
  staleDays: number | null;
  overdueOnly: boolean;
}

/** Days since the school's last sync, or null when it never synced. */
export function daysSince(instant: string | null, now: number): number | null {
  return instant === null ? null : Math.floor((now - Date.parse(instant)) / 86_400_000);
}

export function filterSchoolRows(rows: readonly SchoolCoverageRow[], f: SchoolFilter, now: number): SchoolCoverageRow[] {
  return rows.filter((r) => {
    if (searchKey(f.query) !== '' && !nameMatches(searchKey(r.name), f.query)) return false;
    if (f.level && r.schoolLevel !== f.level) return false;
    if (f.overdueOnly && r.overdueDrills.length === 0) return false;
    if (f.staleDays !== null) {
      const days = daysSince(r.lastSyncAt, now);
      if (days !== null && days <= f.staleDays) return false;
    }
    return true;
  });
}

/** A school's percentage for one indicator, for sorting (nothing asked sorts last). */
export function percentageOf(row: Pick<SchoolCoverageRow, 'indicators'>, code: IndicatorCode): number | null {
  return row.indicators.find((i) => i.code === code)?.percentage ?? null;
}
