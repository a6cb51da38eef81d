import type { Transaction } from 'kysely';
import type { Database } from '../../src/server/db/schema';
import { newId } from '../../src/shared/domain/ids';
import type { ImportBatchView, ParsedRow } from '../../src/shared/roster-import';

/**
 * A roster import of school A waiting for confirmation, for the route catalogue. Its one row is a student the school
 * never had who has already left: applying it changes nothing on the roster, so the access matrix (which applies it
 * as several users) leaves school A as other routes expect it.
 */
export interface FixtureImports {
  previewA: string;
}

export async function createFixtureImports(
  trx: Transaction<Database>,
  f: { schoolA: string; schoolYear: string },
  principalA: string,
): Promise<FixtureImports> {
  const id = newId();
  const row: ParsedRow = {
    line: 2,
    code: 'HS-FIXTURE-GONE',
    fullName: 'Nguyễn Văn Nhập',
    className: '5A1',
    birthYear: 2015,
    sex: 'male',
    status: 'left',
    transferredIn: false,
    roleTags: [],
    problems: [],
  };
  const view: Omit<ImportBatchView, 'id' | 'schoolId' | 'schoolYearId' | 'kind' | 'status' | 'createdAt' | 'appliedAt'> = {
    sheet: 'CSV',
    droppedColumns: [],
    summary: { create: 0, update: 0, leave: 0, unchanged: 1, errors: 0, warnings: 0, total: 1 },
    rows: [{ line: 2, code: row.code, fullName: row.fullName, className: row.className, status: 'left', problems: [], action: 'unchanged' }],
    absent: [],
    classesToCreate: [],
  };
  await trx
    .insertInto('import_batches')
    .values({
      id,
      school_id: f.schoolA,
      kind: 'students',
      school_year_id: f.schoolYear,
      created_by: principalA,
      created_at: new Date().toISOString(),
      status: 'previewed',
      applied_at: null,
      applied_by: null,
      sheet: 'CSV',
      summary: JSON.stringify(view),
      rows: JSON.stringify({ has: { birthDate: true, sex: true, roles: false }, rows: [row] }),
      result: null,
    })
    .execute();
  return { previewA: id };
}
