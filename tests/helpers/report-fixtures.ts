import type { Transaction } from 'kysely';
import type { Database } from '../../src/server/db/schema';
import { newId } from '../../src/shared/domain/ids';
import type { ReportFigures } from '../../src/shared/reports/wire';

/** Reports of school A for the route catalogue: a draft its principal may submit, one submitted for the level above. */
export interface FixtureReports {
  draftA: string;
  submittedA: string;
}

export async function createFixtureReports(
  trx: Transaction<Database>,
  f: { schoolA: string; schoolYear: string },
  principalA: string,
): Promise<FixtureReports> {
  const reports = { draftA: newId(), submittedA: newId() };
  const now = new Date().toISOString();
  const figures: ReportFigures = {
    unitName: 'Trường Tiểu học A',
    unitKind: 'school',
    schoolYearLabel: '2025-2026',
    from: '2025-09-05',
    to: '2026-01-15',
    generatedAt: now,
    indicators: [],
    schools: [],
    drills: [],
    sessions: [],
    sessionsHeld: 0,
    peopleReached: { staff: 0, students: 0, parents: 0 },
  };
  for (const [id, submitted] of [
    [reports.draftA, false],
    [reports.submittedA, true],
  ] as const) {
    await trx
      .insertInto('reports')
      .values({
        id,
        unit_id: f.schoolA,
        school_year_id: f.schoolYear,
        kind: 'term1',
        status: submitted ? 'submitted' : 'draft',
        notable_results: '',
        figures: JSON.stringify(figures),
        created_by: principalA,
        created_at: now,
        updated_at: now,
        submitted_by: submitted ? principalA : null,
        submitted_at: submitted ? now : null,
        acknowledged_by: null,
        acknowledged_at: null,
      })
      .execute();
  }
  return reports;
}
