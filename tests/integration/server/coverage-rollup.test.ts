import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/server/config';
import { startServer, type RunningServer } from '../../../src/server/server';

/**
 * The real server keeps the coverage roll-up current by itself (`keepCoverageCurrent`): started on an empty data
 * directory (the demo data, in the school year under way), it counts every school for the year and each term in the
 * background, without any dashboard being asked; closing waits for a refresh in flight.
 */
describe('coverage roll-up kept by the running server', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'truong-an-rollup-'));
  let running: RunningServer | null = null;
  afterAll(async () => {
    await running?.app.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('fills coverage_counts at start for every school of the demo', async () => {
    running = await startServer(
      loadConfig({ DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', DATABASE_URL: '' }),
      dataDir,
    );
    const db = running.app.ctx.db.kysely;
    const schools = await db.selectFrom('units').select('id').where('kind', '=', 'school').execute();
    const terms = await db.selectFrom('terms').select(['id', 'school_year_id']).execute();
    expect(schools.length).toBeGreaterThan(0);
    const deadline = Date.now() + 60_000;
    let stored = 0;
    while (Date.now() < deadline) {
      stored = (await db.selectFrom('coverage_counts').select('school_id').execute()).length;
      if (stored > 0) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    // Let the refresh finish: every school, the whole year and each term of the year under way.
    const termsOfYear = (await db.selectFrom('coverage_counts').select('school_year_id').executeTakeFirstOrThrow()).school_year_id;
    const expected = schools.length * (1 + terms.filter((t) => t.school_year_id === termsOfYear).length);
    while (Date.now() < deadline && stored < expected) {
      await new Promise((r) => setTimeout(r, 200));
      stored = (await db.selectFrom('coverage_counts').select('school_id').execute()).length;
    }
    expect(stored).toBe(expected);
  }, 90_000);
});
