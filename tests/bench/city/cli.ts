/**
 * `npm run gen:city -- --scale=1 [--database-url=postgres://…] [--data-dir=./data-city] [--seed=N]`: builds a
 * synthetic city (tests/bench/city/generate.ts) in a database, migrated first. Without --database-url, the SQLite
 * file of --data-dir (default ./data-city, so that the demo database in ./data is never touched). Prints what it
 * wrote and the ids of the Sở and the school year, for trying the dashboards.
 */
import { migrateToLatest, openDatabase } from '../../../src/server/db';
import { generateCity } from './generate';

function arg(name: string): string | undefined {
  const prefix = `--${name}=`;
  return process.argv.slice(2).find((a) => a.startsWith(prefix))?.slice(prefix.length);
}

const scale = Number(arg('scale') ?? '0.01');
if (!Number.isFinite(scale) || scale <= 0 || scale > 2) {
  console.error('--scale must be a number in (0, 2], e.g. --scale=0.01 or --scale=1');
  process.exit(2);
}
const databaseUrl = arg('database-url') ?? process.env.DATABASE_URL;
const dataDir = arg('data-dir') ?? './data-city';
const seed = arg('seed') === undefined ? undefined : Number(arg('seed'));

const db = openDatabase({ databaseUrl, dataDir });
try {
  await migrateToLatest(db);
  const existing = await db.kysely.selectFrom('units').select('id').limit(1).execute();
  if (existing.length > 0) {
    console.error('The database already has units: generate into an empty database (another --data-dir or --database-url).');
    process.exitCode = 1;
  } else {
    const started = Date.now();
    const city = await generateCity(db.kysely, { scale, verbose: true, kind: db.kind, ...(seed === undefined ? {} : { seed }) });
    console.log(
      JSON.stringify(
        {
          seconds: Math.round((Date.now() - started) / 100) / 10,
          departmentId: city.departmentId,
          schoolYearId: city.schoolYearId,
          schools: city.schoolIds.length,
          rows: city.rows,
        },
        null,
        2,
      ),
    );
  }
} finally {
  await db.close();
}
