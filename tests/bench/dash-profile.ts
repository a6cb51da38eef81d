/**
 * Profiling aid (not part of `npm run bench`): the cold Sở dashboard figures on an already generated city
 * (`npm run gen:city`), with every SQL statement's time, so a slow indicator query shows by itself.
 * `npx tsx tests/bench/dash-profile.ts <data-dir | postgres://…> [runs] [schoolYearId]`. Empties `coverage_counts`
 * before each run (cold): use it on a generated city only.
 */
import SQLite from 'better-sqlite3';
import pg from 'pg';
import path from 'node:path';
import { Kysely, PostgresDialect, SqliteDialect, type LogEvent } from 'kysely';
import type { Database } from '../../src/server/db/schema';
import { CoverageService } from '../../src/server/coverage/service';
import { TreeHistory } from '../../src/server/coverage/history';
import { OrgTreeCache } from '../../src/server/services/org-tree';
import { periodOf } from '../../src/shared/coverage';
import { toSharedRows } from '../../src/server/sync/rows';

const target = process.argv[2] ?? './data-city';
const logged: Array<{ ms: number; sql: string }> = [];
const log = (e: LogEvent) => {
  logged.push({ ms: e.queryDurationMillis, sql: e.query.sql.replace(/\$\d+|\?/g, '?').replace(/(\?, )+\?/g, '…').slice(0, 260) });
};
pg.types.setTypeParser(20, (v) => Number(v));
pg.types.setTypeParser(1700, (v) => Number(v));
const db = new Kysely<Database>({
  dialect: target.startsWith('postgres')
    ? new PostgresDialect({ pool: new pg.Pool({ connectionString: target, max: 10 }) })
    : new SqliteDialect({ database: new SQLite(path.join(target, 'truong-an.sqlite')) }),
  log,
});
const tree = await new OrgTreeCache(db).get();
const dept = [...tree.nodes.values()].find((n) => n.kind === 'department')!;
const years = await toSharedRows(db, 'schoolYear', await db.selectFrom('school_years').selectAll().execute());
const year = years.find((y) => y.id === process.argv[4]) ?? years.sort((a, b) => b.startDate.localeCompare(a.startDate))[0]!;
const period = periodOf(year);
const history = await TreeHistory.load(db, tree);
const schoolIds = history.schoolsUnder(dept.id, period.to);
logged.length = 0;
const runs = Number(process.argv[3] ?? 1);
for (let i = 0; i < runs; i++) {
  const service = new CoverageService(db);
  // Cold: nothing persisted either (this tool's database only).
  await db.deleteFrom('coverage_counts').execute();
  const t = performance.now();
  await service.figures(history, schoolIds, year, period, '2026-06-15');
  console.log(`figures: ${Math.round(performance.now() - t)} ms for ${schoolIds.length} schools`);
}
const bySql = new Map<string, { ms: number; n: number }>();
for (const l of logged) {
  const e = bySql.get(l.sql) ?? { ms: 0, n: 0 };
  e.ms += l.ms;
  e.n += 1;
  bySql.set(l.sql, e);
}
for (const [s, e] of [...bySql].sort((a, b) => b[1].ms - a[1].ms).slice(0, 15)) console.log(`${Math.round(e.ms)} ms ×${e.n}  ${s}`);
await db.destroy();
