import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from '@playwright/test';
import { migrateToLatest, openDatabase } from '../../src/server/db';
import { buildIfStale } from '../../src/server/cli/build-if-stale';
import { reserveVersions } from '../../src/server/db/versions';
import { newId } from '../../src/shared/domain/ids';
import { ServerProcess } from '../helpers/server-process';
import { CHROMIUM_ARGS, countDeviceRows, signInThroughForm, waitFor } from './browser';
import { createSyntheticSchool } from './synthetic-school';

/**
 * Roster and signature benchmarks (issue #5), in real Chromium on the built app served by the real server:
 * - `openClassRosterMs`: open the attendance sheet of a 45-student class, from the navigation to the rows drawn and
 *   ready to tap (in-app navigation, as from the session list; the app is already running);
 * - `openSchoolRosterMs`: the same for a whole-school drill roster (2,000 students and the staff);
 * - `signatureBytes`: a realistic signature drawn with pointer events on the commitment page's pad, saved, and the
 *   stored image's size read back from the device's file queue.
 */
export interface RosterFigures {
  openClassRosterMs: { median: number; runs: number[]; people: number };
  openSchoolRosterMs: { median: number; runs: number[]; people: number };
  signatureBytes: { bytes: number; mime: string; width: number | null; height: number | null };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

export async function benchRosters({
  port,
  runs = 5,
  clientDir,
}: {
  port: number;
  runs?: number;
  /** A client already built elsewhere (`vite build --outDir …`); dist/client, rebuilt if stale, otherwise. */
  clientDir?: string;
}): Promise<RosterFigures> {
  if (!clientDir) await buildIfStale(() => undefined);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'truongan-bench-roster-'));
  const profileDir = fs.mkdtempSync(path.join(os.tmpdir(), 'truongan-bench-roster-profile-'));
  const db = openDatabase({ dataDir });
  await migrateToLatest(db);
  const school = await createSyntheticSchool(db.kysely, { students: 2000, sessions: 2 });
  const extra = await addRosterSessions(db.kysely, school.schoolId, school.departmentId);
  await db.close();
  const server = new ServerProcess({ port, dataDir, logLevel: 'warn', ...(clientDir ? { clientDir } : {}) });
  let context: BrowserContext | null = null;
  try {
    await server.start();
    context = await chromium.launchPersistentContext(profileDir, {
      executablePath: '/usr/bin/chromium',
      args: CHROMIUM_ARGS,
      baseURL: server.url,
      viewport: { width: 1280, height: 800 },
      locale: 'vi-VN',
      timezoneId: 'Asia/Ho_Chi_Minh',
    });
    const page = context.pages()[0] ?? (await context.newPage());
    const scopeRows = await scopeRowCount(server.url, school.teacherUsername, school.password);
    await signInThroughForm(page, school.teacherUsername, school.password);
    await waitFor(async () => (await countDeviceRows(page)) >= scopeRows, 180_000, 200);

    const classRuns: number[] = [];
    const schoolRuns: number[] = [];
    for (let i = 0; i < runs; i++) {
      classRuns.push(await timeOpenSheet(page, extra.classSessionId));
      schoolRuns.push(await timeOpenSheet(page, extra.drillSessionId));
    }
    const signature = await drawSignature(page, extra.trafficSessionId);
    return {
      openClassRosterMs: { median: median(classRuns), runs: classRuns, people: 45 },
      openSchoolRosterMs: { median: median(schoolRuns), runs: schoolRuns, people: extra.schoolPeople },
      signatureBytes: signature,
    };
  } finally {
    await context?.close().catch(() => undefined);
    await server.stop('SIGTERM');
    for (const d of [profileDir, dataDir]) fs.rmSync(d, { recursive: true, force: true });
  }
}

async function scopeRowCount(url: string, username: string, password: string): Promise<number> {
  const login = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  const { token } = (await login.json()) as { token: string };
  const first = await fetch(`${url}/api/sync/pull?limit=1&schemaVersion=1`, { headers: { authorization: `Bearer ${token}` } });
  const page1 = (await first.json()) as { changes: unknown[]; remaining?: number };
  return page1.changes.length + (page1.remaining ?? 0);
}

/**
 * A 45-student class (classes are of 40 in the synthetic school) with a session of its own, a whole-school drill
 * (every grade and the staff) and an ATGT session carrying commitments for the 45-student class.
 */
async function addRosterSessions(
  kysely: Parameters<typeof createSyntheticSchool>[0],
  schoolId: string,
  departmentId: string,
): Promise<{ classSessionId: string; drillSessionId: string; trafficSessionId: string; schoolPeople: number }> {
  return kysely.transaction().execute(async (trx) => {
    const year = await trx.selectFrom('school_years').select('id').executeTakeFirstOrThrow();
    const now = new Date().toISOString();
    const classId = newId();
    await trx
      .insertInto('classes')
      .values({ id: classId, school_id: schoolId, school_year_id: year.id, grade: 9, name: '9A45', code: null, homeroom_person_id: null, status: 'active', stream: schoolId, version: await reserveVersions(trx, schoolId) })
      .execute();
    const first = await reserveVersions(trx, schoolId, 45);
    await trx
      .insertInto('persons')
      .values(
        Array.from({ length: 45 }, (_, i) => ({
          id: newId(),
          school_id: schoolId,
          kind: 'student',
          full_name: `Học Sinh Lớp Lớn ${String(i + 1).padStart(2, '0')}`,
          code: null,
          birth_year: 2011,
          sex: null,
          class_id: classId,
          role_tags: '[]',
          status: 'active',
          created_at: now,
          updated_at: now,
          stream: schoolId,
          version: first + i,
        })),
      )
      .execute();
    const trafficType = newId();
    await trx
      .insertInto('activity_types')
      .values({ id: trafficType, owner_unit_id: departmentId, code: 'traffic_safety', name: 'An toàn giao thông', name_en: 'Traffic safety', scenarios: '[]', audiences: '["students","parents"]', indicators: '["traffic_commitments"]', carries_commitment: 1, carries_periods: 0, stream: departmentId, version: await reserveVersions(trx, departmentId) })
      .execute();
    const type = await trx.selectFrom('activity_types').select('id').where('code', '=', 'legal_education').executeTakeFirstOrThrow();
    const starts = new Date(Date.now() + 86_400_000);
    const session = async (title: string, typeId: string, audience: object) => {
      const id = newId();
      await trx
        .insertInto('sessions')
        .values({ id, school_id: schoolId, scope_unit_id: schoolId, school_year_id: year.id, activity_type_id: typeId, scenario_code: null, title, starts_at: starts.toISOString(), ends_at: new Date(starts.getTime() + 3600_000).toISOString(), place: 'Sân trường', audience: JSON.stringify(audience), facilitator_person_id: null, trainer_user_id: null, material_ids: '[]', periods: null, status: 'planned', revision: 0, created_by: departmentId, created_at: now, updated_at: now, series_id: null, cancel_reason: null, stream: schoolId, version: await reserveVersions(trx, schoolId) })
        .execute();
      return id;
    };
    const classSessionId = await session('Sinh hoạt lớp 9A45', type.id, { classIds: [classId], grades: [], staff: false, youthStaffOnly: false, parents: false });
    const drillSessionId = await session('Diễn tập toàn trường', type.id, { classIds: [], grades: [6, 7, 8, 9], staff: true, youthStaffOnly: false, parents: false });
    const trafficSessionId = await session('Ký cam kết ATGT 9A45', trafficType, { classIds: [classId], grades: [], staff: false, youthStaffOnly: false, parents: false });
    const counted = await trx
      .selectFrom('persons')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('school_id', '=', schoolId)
      .where('kind', 'in', ['student', 'staff'])
      .executeTakeFirstOrThrow();
    return { classSessionId, drillSessionId, trafficSessionId, schoolPeople: Number(counted.n) };
  });
}

/**
 * In-app navigation to a session's sheet, timed in the page from the navigation until the first rows are drawn and
 * painted. The router follows a popstate to the new address, as it does for the back button: no reload, the app and
 * its database connection stay open, as when a teacher opens a session from the list.
 */
async function timeOpenSheet(page: Page, sessionId: string): Promise<number> {
  // Leave to a page without a roster first, so that each run opens the sheet from nothing.
  await page.evaluate(() => {
    history.pushState(null, '', '/cai-dat');
    dispatchEvent(new PopStateEvent('popstate', { state: null }));
  });
  await page.waitForURL('**/cai-dat');
  await page.waitForTimeout(300);
  // No named function inside: tsx would wrap it in a helper (__name) that does not exist in the page.
  return page.evaluate(async (id) => {
    const started = performance.now();
    history.pushState(null, '', `/buoi/${id}/diem-danh`);
    dispatchEvent(new PopStateEvent('popstate', { state: null }));
    const deadline = started + 30_000;
    while (!document.querySelector('[data-testid="roster-row"] .roster-row__toggle')) {
      if (performance.now() > deadline) throw new Error('the sheet did not open within 30 s');
      await new Promise((resolve) => requestAnimationFrame(resolve));
    }
    // The frame that shows the rows is painted by the next animation frame.
    await new Promise((resolve) => requestAnimationFrame(resolve));
    return Number((performance.now() - started).toFixed(1));
  }, sessionId);
}

/**
 * Draws a handwritten-looking signature (a name in joined loops, a second word and an underline stroke, about 500
 * pointer moves) on the commitment page's pad with the mouse's pointer events, saves it, and reads the stored bytes.
 */
async function drawSignature(page: Page, sessionId: string): Promise<RosterFigures['signatureBytes']> {
  await page.goto(`/buoi/${sessionId}/cam-ket`);
  await page.getByTestId('commitment-class').first().click();
  const canvas = page.getByTestId('signature-canvas');
  await canvas.waitFor();
  const box = (await canvas.boundingBox())!;
  const strokes: [number, number][][] = [];
  // First word: loops moving right, like cursive letters.
  strokes.push(
    Array.from({ length: 220 }, (_, i) => {
      const t = i / 219;
      const x = 0.08 + 0.45 * t + 0.025 * Math.sin(t * 40);
      const y = 0.5 - 0.18 * Math.sin(t * 20) * (0.6 + 0.4 * Math.cos(t * 7));
      return [x, y];
    }),
  );
  // Second word, smaller and slanted.
  strokes.push(
    Array.from({ length: 160 }, (_, i) => {
      const t = i / 159;
      return [0.58 + 0.3 * t + 0.02 * Math.sin(t * 30), 0.55 - 0.12 * Math.sin(t * 16) - 0.08 * t];
    }),
  );
  // A flourish underneath.
  strokes.push(Array.from({ length: 80 }, (_, i) => [0.1 + 0.8 * (i / 79), 0.78 + 0.04 * Math.sin((i / 79) * 6)]));
  // A dot over a letter.
  strokes.push([
    [0.3, 0.22],
    [0.305, 0.225],
  ]);
  for (const stroke of strokes) {
    const [x0, y0] = stroke[0]!;
    await page.mouse.move(box.x + x0 * box.width, box.y + y0 * box.height);
    await page.mouse.down();
    for (const [x, y] of stroke.slice(1)) await page.mouse.move(box.x + x * box.width, box.y + y * box.height);
    await page.mouse.up();
  }
  await page.getByTestId('signature-save').click();
  await page.getByTestId('commitment-locked').first().waitFor({ timeout: 20_000 });
  return page.evaluate(
    () =>
      new Promise<RosterFigures['signatureBytes']>((resolve, reject) => {
        const open = indexedDB.open('truong-an');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const req = open.result.transaction('files', 'readonly').objectStore('files').getAll();
          req.onsuccess = () => {
            const rows = req.result as { purpose: string; mime: string; bytes?: ArrayBuffer; size?: number }[];
            const row = rows.find((r) => r.purpose === 'signature');
            open.result.close();
            if (!row) return reject(new Error('no signature in the file queue'));
            resolve({ bytes: row.bytes?.byteLength ?? row.size ?? -1, mime: row.mime, width: null, height: null });
          };
          req.onerror = () => reject(req.error);
        };
      }),
  );
}
