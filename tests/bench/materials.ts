import { randomBytes } from 'node:crypto';
import { buildApp } from '../../src/server/app';
import { loadConfig } from '../../src/server/config';
import { reserveVersions } from '../../src/server/db/versions';
import { foldForSearch } from '../../src/shared/materials/library';
import { newId } from '../../src/shared/domain/ids';
import { filterLibrary, EMPTY_FILTER } from '../../src/client/features/materials/library-filter';
import type { Material } from '../../src/shared/domain/records';
import { createFixture } from '../helpers/fixtures';
import { PASSWORD } from '../helpers/fixtures';
import { openPostgres, openSqlite, type TestDb } from '../helpers/db';

export interface LibrarySearchFigures {
  materials: number;
  /** GET /api/materials?q=… as a teacher (scope filter + accent-free title match + count), through the whole app. */
  searchMs: { p50: number; p95: number };
  /** The same library filtered on the device (filterLibrary, pure), for the offline search. */
  deviceFilterMs: { p50: number; p95: number };
}

const WORDS = ['an toàn', 'giao thông', 'phòng cháy', 'chữa cháy', 'pháp luật', 'mũ bảo hiểm', 'thoát hiểm', 'sơ cứu', 'bạo lực', 'học đường', 'tập huấn', 'kỹ năng'];
const pick = (i: number, n: number) => WORDS[(i * 7 + n * 3) % WORDS.length]!;
const quantile = (sorted: number[], q: number) => Number(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!.toFixed(2));

/** A fresh migrated database: in-memory SQLite, or a new schema on the bench's PostgreSQL (dropped by `drop`). */
const open = (kind: 'sqlite' | 'postgres'): Promise<TestDb> =>
  kind === 'sqlite' ? openSqlite() : openPostgres(process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test');

/**
 * `materialSearchMs`: the library search with `count` materials spread over the Sở library, two communes' and three
 * schools' own libraries; 200 searches of two words by a teacher of school A (who sees about two thirds of them).
 */
export async function benchMaterialSearch(kind: 'sqlite' | 'postgres', count = 20_000, searches = 200): Promise<LibrarySearchFigures> {
  const db = await open(kind);
  const drop = () => db.drop();
  try {
    const f = await createFixture(db.kysely, 1);
    const libraries: [string, string | null][] = [
      [f.department, null],
      [f.communeA, null],
      [f.communeB, null],
      [f.schoolA, f.schoolA],
      [f.schoolB, f.schoolB],
      [f.schoolC, f.schoolC],
    ];
    const now = new Date().toISOString();
    const rows: Material[] = [];
    for (let start = 0; start < count; start += 1000) {
      await db.kysely.transaction().execute(async (trx) => {
        for (let i = start; i < Math.min(count, start + 1000); i++) {
          const [owner, school] = libraries[i % libraries.length]!;
          const title = `${pick(i, 0)} ${pick(i, 1)} ${pick(i, 2)} số ${i}`;
          const stream = school ?? owner;
          const m: Material = {
            id: newId(),
            ownerUnitId: owner,
            schoolId: school,
            title,
            description: null,
            activityTypeId: i % 3 === 0 ? f.activityType : null,
            schoolLevel: ['th', 'thcs', 'thpt'][i % 3]!,
            schoolYearId: f.schoolYear,
            tags: [],
            mime: 'application/pdf',
            size: 1000,
            sha256: randomBytes(32).toString('hex'),
            uploadedBy: f.users.officerDept,
            createdAt: now,
            versionNo: 1,
            status: 'active',
            updatedAt: null,
          };
          rows.push(m);
          await trx
            .insertInto('materials')
            .values({
              id: m.id,
              owner_unit_id: owner,
              school_id: school,
              title,
              description: null,
              activity_type_id: m.activityTypeId,
              school_level: m.schoolLevel,
              school_year_id: m.schoolYearId,
              tags: '[]',
              mime: m.mime,
              size: m.size,
              sha256: m.sha256,
              uploaded_by: m.uploadedBy,
              created_at: now,
              version_no: 1,
              status: 'active',
              updated_at: null,
              title_search: foldForSearch(title),
              stream,
              version: await reserveVersions(trx, stream),
            })
            .execute();
        }
      });
    }
    const app = await buildApp({ config: loadConfig({ LOG_LEVEL: 'silent' }), db, logger: false });
    await app.ready();
    try {
      const login = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'teachera', password: PASSWORD } });
      const headers = { authorization: `Bearer ${(login.json() as { token: string }).token}` };
      const server: number[] = [];
      const device: number[] = [];
      for (let i = 0; i < searches; i++) {
        const q = encodeURIComponent(foldForSearch(`${pick(i, 0)} ${pick(i, 5)}`).split(' ').slice(0, 3).join(' '));
        const t0 = performance.now();
        const res = await app.inject({ method: 'GET', url: `/api/materials?q=${q}&limit=50`, headers });
        server.push(performance.now() - t0);
        if (res.statusCode !== 200) throw new Error(`search answered ${res.statusCode}: ${res.body}`);
        const t1 = performance.now();
        filterLibrary(rows, { ...EMPTY_FILTER, q: decodeURIComponent(q) });
        device.push(performance.now() - t1);
      }
      server.sort((a, b) => a - b);
      device.sort((a, b) => a - b);
      return {
        materials: count,
        searchMs: { p50: quantile(server, 0.5), p95: quantile(server, 0.95) },
        deviceFilterMs: { p50: quantile(device, 0.5), p95: quantile(device, 0.95) },
      };
    } finally {
      await app.close();
    }
  } finally {
    await drop();
  }
}
