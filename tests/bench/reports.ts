import { Access } from '../../src/server/auth/access';
import { CoverageService } from '../../src/server/coverage/service';
import { ReportService } from '../../src/server/reports/report-service';
import { reportWorkbook } from '../../src/server/reports/xlsx';
import { OrgTreeCache } from '../../src/server/services/org-tree';
import { newId } from '../../src/shared/domain/ids';
import { openPostgres } from '../helpers/db';
import { migrateToLatest, openDatabase } from '../../src/server/db';
import { createSyntheticSchool } from './synthetic-school';

export interface ReportFigures {
  /** Saving a draft: the report's figures worked out (coverage, drills, sessions, people reached) and stored. */
  buildMs: number;
  buildRuns: number[];
  /** The XLSX workbook of that report. */
  xlsxMs: number;
  xlsxBytes: number;
  students: number;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/**
 * `reportMs`: the year-end report of one 2,000-student school with a year of attendance (34,000 marks), built by the
 * server and exported as a workbook. The principal waits for this when saving the draft.
 */
export async function benchReport(kind: 'sqlite' | 'postgres', { runs = 5 } = {}): Promise<ReportFigures> {
  const db =
    kind === 'sqlite'
      ? await (async () => {
          const d = openDatabase({ dataDir: ':memory:' });
          await migrateToLatest(d);
          return { ...d, drop: () => d.close() };
        })()
      : await openPostgres();
  try {
    const school = await createSyntheticSchool(db.kysely, { students: 2000, sessions: 17 });
    const user = await db.kysely.selectFrom('users').select('id').where('username', '=', school.teacherUsername).executeTakeFirstOrThrow();
    const year = await db.kysely.selectFrom('school_years').select('id').executeTakeFirstOrThrow();
    const tree = await new OrgTreeCache(db.kysely).get();
    const access = new Access(
      { userId: user.id, username: 'bench', displayName: 'bench', personId: null, mustChangePassword: false, grants: [{ role: 'principal', unitId: school.schoolId }] },
      tree,
    );
    const coverage = new CoverageService(db.kysely);
    const service = new ReportService(db.kysely, (a, q, now) => coverage.unitCoverage(a, q, now));
    const times: number[] = [];
    let report = null;
    for (let i = 0; i <= runs; i++) {
      const t = performance.now();
      report = (await service.saveDraft(access, newId(), { unitId: school.schoolId, schoolYearId: year.id, kind: 'year', notableResults: 'Bench' }, new Date())).report;
      if (i > 0) times.push(Math.round(performance.now() - t));
    }
    const xlsxTimes: number[] = [];
    let bytes = 0;
    for (let i = 0; i <= runs; i++) {
      const t = performance.now();
      bytes = (await reportWorkbook(report!)).length;
      if (i > 0) xlsxTimes.push(Math.round(performance.now() - t));
    }
    return { buildMs: median(times), buildRuns: times, xlsxMs: median(xlsxTimes), xlsxBytes: bytes, students: 2000 };
  } finally {
    await db.drop();
  }
}
