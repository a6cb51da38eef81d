import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  classCoverage,
  computeSchoolCoverage,
  periodOf,
  type CoveragePeriod,
  type IndicatorResult,
  type SchoolCoverageInput,
} from '../../../src/shared/coverage';
import type { SchoolLevel, SchoolYear } from '../../../src/shared/domain/org';
import type { ActivityType, Attendance, Class, Commitment, Person, Requirement, Session } from '../../../src/shared/domain';
import { Access } from '../../../src/server/auth/access';
import { TreeHistory } from '../../../src/server/coverage/history';
import { CoverageService } from '../../../src/server/coverage/service';
import { OrgTreeCache } from '../../../src/server/services/org-tree';
import { toSharedRows } from '../../../src/server/sync/rows';
import { generateCity, MOVE_DATE, type CityInfo } from '../../bench/city/generate';
import { testDbKinds, type TestDb } from '../../helpers/db';

/**
 * The server's SQL and the device's pure function must give the same figures and the same missing people for every
 * school, on random cities full of edge cases (`chaos`: every attendance status, planned and cancelled sessions with
 * marks, join and leave dates, people who left without a date, midnight sessions on a term boundary, late
 * commitments, kinds a level does not ask, a parent linked across schools, a commune-wide drill, a school moved
 * between communes mid-year), on SQLite and PostgreSQL.
 */

interface Loaded {
  year: SchoolYear;
  activityTypes: ActivityType[];
  requirements: Requirement[];
  classes: Class[];
  persons: Person[];
  sessions: Session[];
  attendance: Attendance[];
  commitments: Commitment[];
}

async function loadAll(db: TestDb, city: CityInfo): Promise<Loaded> {
  const k = db.kysely;
  const years = await toSharedRows(k, 'schoolYear', await k.selectFrom('school_years').selectAll().execute());
  return {
    year: years.find((y) => y.id === city.schoolYearId)!,
    activityTypes: await toSharedRows(k, 'activityType', await k.selectFrom('activity_types').selectAll().execute()),
    requirements: await toSharedRows(k, 'requirement', await k.selectFrom('requirements').selectAll().execute()),
    classes: await toSharedRows(k, 'class', await k.selectFrom('classes').selectAll().execute()),
    persons: await toSharedRows(k, 'person', await k.selectFrom('persons').selectAll().execute()),
    sessions: await toSharedRows(k, 'session', await k.selectFrom('sessions').selectAll().execute()),
    attendance: await toSharedRows(k, 'attendance', await k.selectFrom('attendance').selectAll().execute()),
    commitments: await toSharedRows(k, 'commitment', await k.selectFrom('commitments').selectAll().execute()),
  };
}

const summary = (r: IndicatorResult) => {
  const out: Record<string, unknown> = { code: r.code, numerator: r.numerator, denominator: r.denominator, percentage: r.percentage };
  if (r.periods !== undefined) out.periods = r.periods;
  return out;
};

describe.each(testDbKinds())('coverage: SQL agrees with the pure functions on $kind', ({ open }) => {
  for (const seed of [7, 20251130]) {
    describe(`random city (seed ${seed})`, () => {
      let db: TestDb;
      let city: CityInfo;
      let data: Loaded;
      let history: TreeHistory;
      let service: CoverageService;

      beforeAll(async () => {
        db = await open();
        city = await generateCity(db.kysely, { scale: 0.002, seed, chaos: true, studentsPerSchool: [6, 30], staffPerSchool: [3, 9] });
        data = await loadAll(db, city);
        history = await TreeHistory.load(db.kysely, await new OrgTreeCache(db.kysely).get());
        service = new CoverageService(db.kysely);
      }, 60_000);
      afterAll(async () => db.drop());

      const pureInput = (schoolId: string, today: string): SchoolCoverageInput => {
        const node = history.tree.get(schoolId)!;
        return {
          school: { id: schoolId, name: node.name, schoolLevel: node.schoolLevel as SchoolLevel, unitsAbove: (d) => history.unitsAbove(schoolId, d) },
          today,
          ...data,
        };
      };

      const periods = (): Array<[string, CoveragePeriod]> => [
        ['whole year', periodOf(data.year)],
        ['term I', periodOf(data.year, 1)],
        ['term II', periodOf(data.year, 2)],
        ['December to mid-February', { schoolYearId: data.year.id, from: '2025-12-01', to: '2026-02-10' }],
        ['the two days around the term boundary', { schoolYearId: data.year.id, from: '2026-01-15', to: '2026-01-16' }],
      ];

      it('generated the edge cases the rules care about', () => {
        expect(city.schoolIds.length).toBeGreaterThanOrEqual(6);
        expect(city.moved.length).toBeGreaterThan(0);
        expect(data.persons.some((p) => p.joinedOn !== null)).toBe(true);
        expect(data.persons.some((p) => p.leftOn !== null)).toBe(true);
        expect(data.persons.some((p) => p.status === 'left' && p.leftOn === null)).toBe(true);
        expect(new Set(data.attendance.map((a) => a.status)).size).toBe(4);
        expect(new Set(data.sessions.map((s) => s.status)).size).toBe(3);
      });

      for (const today of ['2026-06-15', '2026-01-01']) {
        it(`every school's figures, per period (today ${today})`, async () => {
          let partial = 0;
          for (const [, period] of periods()) {
            const figures = await service.figures(history, city.schoolIds, data.year, period, today);
            for (const schoolId of city.schoolIds) {
              const pure = computeSchoolCoverage(pureInput(schoolId, today), period);
              expect(figures.get(schoolId)!.indicators, `school ${schoolId} ${period.from}–${period.to}`).toEqual(pure.map(summary));
              partial += pure.filter((r) => r.numerator > 0 && r.numerator < r.denominator).length;
            }
          }
          // The data must exercise both sides of every rule, or agreeing would prove little.
          expect(partial).toBeGreaterThan(20);
        });

        it(`every school's missing people and drills (today ${today})`, async () => {
          for (const [, period] of periods()) {
            for (const schoolId of city.schoolIds) {
              const input = pureInput(schoolId, today);
              const sql = await service.schoolResults(history, schoolId, data.year, period, today);
              expect(sql.indicators, `school ${schoolId} ${period.from}–${period.to}`).toEqual(computeSchoolCoverage(input, period));
              for (const c of classCoverage(input, period)) {
                for (const i of c.indicators) {
                  const got = sql.byClass.get(`${i.code}:${c.classId}`) ?? { n: 0, d: 0 };
                  expect([got.n, got.d], `class ${c.name} ${i.code}`).toEqual([i.numerator, i.denominator]);
                }
              }
            }
          }
        });
      }

      it('a moved school rolls up to its old commune for term I and to the new one for term II', async () => {
        const { schoolId, from, to } = city.moved[0]!;
        const tree = history.tree;
        const officer = (unitId: string) =>
          new Access({ userId: 'u', username: 'u', displayName: 'u', personId: null, mustChangePassword: false, grants: [{ role: 'officer', unitId }] }, tree);
        const now = new Date('2026-06-15T03:00:00.000Z');
        const list = async (unitId: string, termNo: number) =>
          (await service.unitCoverage(officer(unitId), { unitId, schoolYearId: data.year.id, termNo }, now)).schools.map((s) => s.schoolId);
        expect(await list(from, 1)).toContain(schoolId);
        expect(await list(from, 2)).not.toContain(schoolId);
        expect(await list(to, 1)).not.toContain(schoolId);
        expect(await list(to, 2)).toContain(schoolId);
        // Every school listed belongs to the asked commune on the period's last day, and no other.
        for (const unitId of city.communeIds) {
          for (const termNo of [1, 2]) {
            const listed = (await list(unitId, termNo)).sort();
            const date = termNo === 1 ? '2026-01-15' : '2026-05-31';
            expect(listed).toEqual(history.schoolsUnder(unitId, date).sort());
          }
        }
        expect(MOVE_DATE).toBe('2026-01-16');
        // The commune officer is refused other communes (as not found).
        const other = city.communeIds.find((c) => c !== from)!;
        await expect(service.unitCoverage(officer(from), { unitId: other }, now)).rejects.toMatchObject({ statusCode: 404 });
      });
    });
  }
});
