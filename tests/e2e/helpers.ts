import AxeBuilder from '@axe-core/playwright';
import { chromium, expect, type BrowserContext, type Locator, type Page } from '@playwright/test';
import { LoginResponseSchema, type LoginResponse } from '../../src/shared/auth';
import { PullResponseSchema } from '../../src/shared/sync/wire';
import { DB_NAME } from '../../src/client/db/schema';

/** Demo accounts loaded on the first start of an empty database (src/server/demo). */
export const DEMO_TEACHER = { username: 'gv.dichvong', password: 'truongan2025' } as const;

/**
 * Signs in through the form, as a user would, and returns what the server answered: tests compare the screen
 * with the server's own account data rather than with names copied into the test.
 */
export async function signIn(page: Page, credentials: { username: string; password: string }): Promise<LoginResponse> {
  await page.getByLabel('Tên đăng nhập').fill(credentials.username);
  await page.getByLabel('Mật khẩu', { exact: true }).fill(credentials.password);
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/api/auth/login') && r.request().method() === 'POST'),
    page.getByRole('button', { name: 'Đăng nhập', exact: true }).click(),
  ]);
  expect(response.status(), await response.text()).toBe(200);
  return LoginResponseSchema.parse(await response.json());
}

/** WCAG 2.1 A and AA rules; only serious and critical findings fail, each named with where it is. */
export async function expectNoSeriousA11yViolations(page: Page): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const serious = results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  expect(serious, `accessibility violations on ${page.url()}`).toEqual([]);
}

/** The principal of the demo teacher's school (Trường Tiểu học Dịch Vọng): a second user for the shared tablet. */
export const DEMO_PRINCIPAL = { username: 'ht.dichvong', password: 'truongan2025' } as const;

/** The Chromium of this machine and the flags every browser test runs it with (playwright.config.ts). */
export const CHROMIUM_EXECUTABLE = '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'];

/**
 * An on-disk browser profile on `dir`, as a tablet keeps between days: IndexedDB, the service worker and its
 * caches outlive closing the browser, unlike the incognito contexts of Playwright's `page` fixture.
 */
export async function launchTabletProfile(dir: string, baseURL: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: CHROMIUM_EXECUTABLE,
    args: CHROMIUM_ARGS,
    baseURL,
    viewport: { width: 1280, height: 800 },
    hasTouch: true,
    locale: 'vi-VN',
    timezoneId: 'Asia/Ho_Chi_Minh',
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return { context, page };
}

/**
 * Signs in through the form while the device is offline: no request leaves the page, the password is checked
 * against the verifier kept from an earlier online sign-in on this device.
 */
export async function signInOffline(page: Page, credentials: { username: string; password: string }): Promise<void> {
  await page.getByLabel('Tên đăng nhập').fill(credentials.username);
  await page.getByLabel('Mật khẩu', { exact: true }).fill(credentials.password);
  await page.getByRole('button', { name: 'Đăng nhập', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: /^Xin chào, / })).toBeVisible();
}

/** Waits until the service worker has installed (precache filled), activated and taken this page over. */
export async function waitForServiceWorkerControl(page: Page): Promise<void> {
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
}

/**
 * Waits for the signed-in user's pull to have finished: the device holds their sync cursor (written with the last
 * page) and no sync is running. "Đồng bộ lúc" alone is not enough: the engine also syncs before anyone signs in.
 */
export async function waitForSync(page: Page, userId: string, timeout = 60_000): Promise<void> {
  const chip = page.getByTestId('sync-status');
  await expect
    .poll(
      async () => {
        const hasCursor = await page.evaluate(
          ({ name, userId }) =>
            new Promise<boolean>((resolve, reject) => {
              const open = indexedDB.open(name);
              open.onerror = () => reject(open.error);
              open.onsuccess = () => {
                const db = open.result;
                if (!db.objectStoreNames.contains('cursors')) {
                  db.close();
                  resolve(false);
                  return;
                }
                const req = db.transaction('cursors', 'readonly').objectStore('cursors').get(userId);
                req.onsuccess = () => {
                  db.close();
                  resolve(req.result !== undefined);
                };
                req.onerror = () => reject(req.error);
              };
            }),
          { name: DB_NAME, userId },
        );
        return hasCursor && (await chip.getAttribute('aria-busy')) !== 'true';
      },
      { timeout, message: 'the first pull finishes' },
    )
    .toBe(true);
  await expect(chip).toContainText(/Đồng bộ lúc/);
}

/** The "n chờ đồng bộ" count on the sync chip; 0 when the chip shows none. */
export async function chipPendingCount(page: Page): Promise<number> {
  const text = (await page.getByTestId('sync-status').textContent()) ?? '';
  const match = /(\d+)\s+chờ đồng bộ/.exec(text);
  return match ? Number(match[1]) : 0;
}

export interface DeviceOutboxEntry {
  userId: string;
  name: string;
  args: { sessionId?: string; personId?: string; status?: string; note?: string };
  state: string;
}

/** The device's outbox in the order the changes were made, read with plain IndexedDB (the browser's own record). */
export function deviceOutbox(page: Page): Promise<DeviceOutboxEntry[]> {
  return page.evaluate(
    (name) =>
      new Promise<DeviceOutboxEntry[]>((resolve, reject) => {
        const open = indexedDB.open(name);
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const req = db.transaction('outbox', 'readonly').objectStore('outbox').getAll();
          req.onsuccess = () => {
            db.close();
            resolve(
              (req.result as DeviceOutboxEntry[]).map((e) => ({ userId: e.userId, name: e.name, args: e.args, state: e.state })),
            );
          };
          req.onerror = () => reject(req.error);
        };
      }),
    DB_NAME,
  );
}

/**
 * What the outbox will leave on the server once pushed: the last change per (session, person), in the order made.
 * Keyed `${sessionId}:${personId}`.
 */
export function expectedMarks(outbox: DeviceOutboxEntry[]): Map<string, { status: string; note: string | null; userId: string }> {
  const marks = new Map<string, { status: string; note: string | null; userId: string }>();
  for (const entry of outbox) {
    if (entry.name !== 'attendance.mark') continue;
    const { sessionId, personId, status, note } = entry.args;
    marks.set(`${sessionId}:${personId}`, { status: status ?? '', note: note ?? null, userId: entry.userId });
  }
  return marks;
}

/** Signs in through the API (not the page) and returns the bearer token and the user. */
export async function apiSignIn(
  baseURL: string,
  credentials: { username: string; password: string },
): Promise<{ token: string; user: LoginResponse['user'] }> {
  const response = await fetch(new URL('/api/auth/login', baseURL), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(credentials),
  });
  expect(response.status).toBe(200);
  const login = LoginResponseSchema.parse(await response.json());
  return { token: login.token, user: login.user };
}

export interface ServerSession {
  id: string;
  schoolId: string | null;
  title: string;
  status: string;
  startsAt: string;
  endsAt: string;
  audience: { personIds?: string[] };
}

export interface ServerAttendance {
  id: string;
  sessionId: string;
  personId: string;
  status: string;
  note: string | null;
  markedBy: string;
}

export interface ServerScope {
  sessions: ServerSession[];
  /** Attendance rows keyed `${sessionId}:${personId}`; a key seen twice in the pull is recorded in `duplicates`. */
  attendance: Map<string, ServerAttendance>;
  duplicates: string[];
}

/**
 * Everything the server lets this user pull, paged with the cursor until hasMore is false: the server's own answer
 * on what reached it, independent of what the page shows.
 */
export async function pullScope(baseURL: string, token: string): Promise<ServerScope> {
  const scope: ServerScope = { sessions: [], attendance: new Map(), duplicates: [] };
  let cursor: string | undefined;
  for (;;) {
    const url = new URL('/api/sync/pull', baseURL);
    url.searchParams.set('limit', '5000');
    if (cursor) url.searchParams.set('cursor', cursor);
    const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
    if (response.status !== 200) throw new Error(`pull answered ${response.status}: ${await response.text()}`);
    const page = PullResponseSchema.parse(await response.json());
    for (const change of page.changes) {
      if (change.op !== 'put') continue;
      if (change.entity === 'session') scope.sessions.push(change.row as unknown as ServerSession);
      if (change.entity === 'attendance') {
        const row = change.row as unknown as ServerAttendance;
        const key = `${row.sessionId}:${row.personId}`;
        if (scope.attendance.has(key)) scope.duplicates.push(key);
        scope.attendance.set(key, row);
      }
    }
    cursor = page.cursor;
    if (!page.hasMore) return scope;
  }
}

/**
 * Checks on the server that every expected mark arrived once, with its status, its note and the user who made it.
 */
export async function expectMarksOnServer(
  baseURL: string,
  token: string,
  expected: Map<string, { status: string; note: string | null; userId: string }>,
): Promise<void> {
  const scope = await pullScope(baseURL, token);
  expect(scope.duplicates, 'each (session, person) once').toEqual([]);
  const wrong: string[] = [];
  for (const [key, mark] of expected) {
    const row = scope.attendance.get(key);
    if (!row) wrong.push(`${key}: missing`);
    else if (row.status !== mark.status || (row.note ?? null) !== mark.note || row.markedBy !== mark.userId) {
      wrong.push(`${key}: ${row.status}/${row.note}/${row.markedBy}, expected ${mark.status}/${mark.note}/${mark.userId}`);
    }
  }
  expect(wrong, 'marks on the server').toEqual([]);
}

/** The attendance sheet's rows now drawn (the list is windowed: only rows near the viewport exist). */
export function rosterRows(page: Page): Locator {
  return page.getByTestId('roster-row');
}

/** Opens a session's sheet from the sessions list (tab "Sắp tới"), as a teacher would, online or offline. */
export async function openSheetFromList(page: Page, sessionId: string): Promise<void> {
  await page.goto('/buoi?xem=upcoming');
  await page.locator(`[data-testid="session-card"][data-session-id="${sessionId}"]`).click();
  await expect(page).toHaveURL(new RegExp(`/buoi/${sessionId}/diem-danh`));
  await expect(rosterRows(page).first()).toBeVisible();
}

/** The school's sessions still to come (planned, not over), soonest first, as the server has them. */
export function upcomingSessionsOf(scope: ServerScope, schoolId: string, now = new Date()): ServerSession[] {
  // Sessions of classes or groups: a make-up session for a few named people (planned by the coverage suite) has too
  // short a roster for the marking flows.
  return scope.sessions
    .filter((s) => s.schoolId === schoolId && s.status === 'planned' && s.endsAt >= now.toISOString())
    .filter((s) => !(s.audience.personIds?.length ?? 0))
    .sort((a, b) => a.startsAt.localeCompare(b.startsAt));
}

export interface MarkingPlan {
  /** Rows (by position among the rows drawn) tapped one after another; a row listed twice is tapped twice. */
  taps: number[];
  /** "Tất cả có mặt" on the first group, after the taps. */
  markAllFirstGroup?: boolean;
  /** People of the first group already marked before this plan (by another user): "Tất cả có mặt" skips them. */
  markedBefore?: number;
  /** A row marked late with a reason through the detail dialog, last. */
  late?: { row: number; note: string };
}

export interface MarkingResult {
  /** The final status (and note) of every row the plan touched by position, keyed by person id. */
  rows: Map<string, { status: string; note: string | null }>;
  /** How many attendance.mark changes the plan queued. */
  mutations: number;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Marks on the open attendance sheet the way a teacher does: taps on names, "Tất cả có mặt" on a class, a late
 * arrival with its reason. Each change is checked on its row at once (status and "Chờ đồng bộ").
 */
export async function markOnSheet(page: Page, plan: MarkingPlan): Promise<MarkingResult> {
  const rows = new Map<string, { status: string; note: string | null }>();
  let mutations = 0;
  const rowAt = (index: number) => rosterRows(page).nth(index);
  const personAt = async (index: number) => {
    const row = rowAt(index);
    const id = await row.getAttribute('data-person-id');
    const name = (await row.locator('.roster-row__name').textContent())?.trim() ?? '';
    expect(id).toBeTruthy();
    return { row: page.locator(`[data-testid="roster-row"][data-person-id="${id}"]`).first(), id: id!, name };
  };

  for (const index of plan.taps) {
    const { row, id, name } = await personAt(index);
    const before = (await row.getAttribute('data-status')) ?? 'none';
    const after = before === 'present' || before === 'late' ? 'absent' : 'present';
    await row.getByRole('button', { name: new RegExp(`^${escapeRegExp(name)}`) }).click();
    await expect(row).toHaveAttribute('data-status', after);
    await expect(row).toHaveAttribute('data-pending', 'true');
    rows.set(id, { status: after, note: null });
    mutations++;
  }

  if (plan.markAllFirstGroup) {
    const group = page.getByTestId('roster-group').first();
    const counts = /(\d+)\/(\d+)/.exec((await group.textContent()) ?? '');
    expect(counts, 'the group shows its count').not.toBeNull();
    const total = Number(counts![2]);
    const unmarked = total - rows.size - (plan.markedBefore ?? 0);
    await group.getByTestId('mark-all-present').click();
    await expect(group.getByTestId('mark-all-present')).toBeDisabled();
    // The screen-reader announcement says how many it marked.
    await expect(page.getByRole('status').filter({ hasText: 'Đã đánh dấu' })).toHaveText(
      `Đã đánh dấu ${unmarked} người có mặt.`,
    );
    mutations += unmarked;
  }

  if (plan.late) {
    const { row, id } = await personAt(plan.late.row);
    await row.getByRole('button', { name: 'Đi muộn, vắng có phép…' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('radio', { name: 'Đi muộn' }).check();
    await dialog.getByLabel('Lý do, ghi chú (không bắt buộc)').fill(plan.late.note);
    await dialog.getByRole('button', { name: 'Lưu' }).click();
    await expect(dialog).toBeHidden();
    await expect(row).toHaveAttribute('data-status', 'late');
    await expect(row).toHaveAttribute('data-pending', 'true');
    await expect(row).toContainText(plan.late.note);
    rows.set(id, { status: 'late', note: plan.late.note });
    mutations++;
  }
  return { rows, mutations };
}

/** Every row the plan touched shows its status, and whether it still waits to be synced. */
export async function expectRowsShow(
  page: Page,
  rows: Map<string, { status: string; note: string | null }>,
  pending: boolean,
): Promise<void> {
  for (const [personId, mark] of rows) {
    const row = page.locator(`[data-testid="roster-row"][data-person-id="${personId}"]`).first();
    await expect(row).toHaveAttribute('data-status', mark.status);
    await expect(row).toHaveAttribute('data-pending', pending ? 'true' : 'false');
    if (mark.note) await expect(row).toContainText(mark.note);
  }
}
