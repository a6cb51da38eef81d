import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import App from '../helpers/mount-app.vue';
import { disposePage, fakeDateAt } from '../helpers/mount';
import { globalPlugins, planFixture, planRouter, requirementOf, signedIn, type Harness, type PlanFixture } from '../calendar/harness';
import { ApiError, NetworkError, type ApiClient } from '../../../../src/client/api';
import { getMeta, setMeta } from '../../../../src/client/db/repositories/meta';
import { readSavedUnitDue, unitDueKey } from '../../../../src/client/features/due/unit-due';
import type { UnitDueQuery, UnitDueResponse } from '../../../../src/shared/plan/due-wire';
import type { Role } from '../../../../src/shared/auth';

let harness: Harness | null = null;
let wrapper: VueWrapper | null = null;

beforeEach(() => {
  // 10:00 on Monday 20 October 2025, Hà Nội.
  fakeDateAt('2025-10-20T03:00:00.000Z');
});

afterEach(async () => {
  await disposePage(wrapper, harness);
  wrapper = null;
  harness = null;
  vi.useRealTimers();
});

const PARENTS_ATGT = '01990000-0000-7000-8000-000000000001';
const CLUSTER_DRILL = '01990000-0000-7000-8000-000000000002';

/** The server's answer for the fixture's ward: Nghĩa Tân has an overdue item, Dịch Vọng none. */
function answerFor(fixture: PlanFixture, generatedAt = '2025-10-20T03:00:00.000Z'): UnitDueResponse {
  return {
    unitId: fixture.commune.id,
    unitName: fixture.commune.name,
    schoolYear: { id: fixture.year.id, label: fixture.year.label },
    today: '2025-10-20',
    generatedAt,
    schools: [
      {
        schoolId: fixture.otherSchool.id,
        name: fixture.otherSchool.name,
        schoolLevel: 'th',
        counts: { overdue: 2, not_scheduled: 1, scheduled: 0, done: 1 },
        overdue: [
          { requirementId: PARENTS_ATGT, title: 'Cha mẹ học sinh ký cam kết ATGT trước 30/9', periodKey: 'by-2025-09-30', periodLabel: '30/09/2025', end: '2025-09-30' },
          { requirementId: CLUSTER_DRILL, title: 'Cụm 1: diễn tập mỗi tháng', periodKey: 'month-2025-09', periodLabel: '09/2025', end: '2025-09-30' },
        ],
        lastSyncAt: null,
      },
      {
        schoolId: fixture.school.id,
        name: fixture.school.name,
        schoolLevel: 'th',
        counts: { overdue: 0, not_scheduled: 3, scheduled: 2, done: 4 },
        overdue: [],
        lastSyncAt: '2025-10-19T09:15:00.000Z',
      },
    ],
    totals: { overdue: 2, not_scheduled: 4, scheduled: 2, done: 5 },
  };
}

interface FakeDue {
  calls: { token: string; query: UnitDueQuery }[];
  respond: (query: UnitDueQuery) => Promise<UnitDueResponse>;
}

/**
 * The real runtime with the API client's `unitDue` replaced and the network on or off as the test says; `saved` is
 * an answer kept on the device before the page opens.
 */
async function open(
  role: Role,
  options: {
    online: boolean;
    respond?: (fixture: PlanFixture) => FakeDue['respond'];
    saved?: (fixture: PlanFixture) => UnitDueResponse;
  },
) {
  const fixture = planFixture();
  const requirements = [
    requirementOf(fixture, {
      title: 'Mỗi học kỳ diễn tập PCCC ít nhất 1 lần',
      activityTypeId: fixture.types.drill.id,
      frequency: { kind: 'term', count: 1 },
      audience: { kind: 'students', grade: null },
    }),
  ];
  harness = await signedIn(role, fixture, { requirements });
  const online = { value: options.online };
  const fake: FakeDue = { calls: [], respond: options.respond?.(fixture) ?? (() => Promise.resolve(answerFor(fixture))) };
  const api: ApiClient = {
    ...harness.runtime.api,
    unitDue: (token, query) => {
      fake.calls.push({ token, query });
      return fake.respond(query);
    },
  };
  harness.runtime.api = api;
  harness.runtime.isOnline = () => online.value;
  if (options.saved) {
    await setMeta(unitDueKey(harness.userId, fixture.commune.id, fixture.year.id), options.saved(fixture), harness.db);
  }
  const router = planRouter();
  await router.push({ name: 'due' });
  wrapper = mount(App, { global: globalPlugins(harness, router), attachTo: document.body });
  return { fixture, fake, online, w: wrapper };
}

const names = (w: VueWrapper) => w.findAll('[data-testid="unit-due-school"] .unit-due__school-name').map((n) => n.text());
const asOf = (w: VueWrapper) => w.find('[data-testid="unit-due-as-of"]').text();

describe("an officer's what-is-due list per unit", () => {
  it("asks the server for the ward's schools, ranks them as answered, highlights overdue and keeps the answer", async () => {
    const { fixture, fake, w } = await open('officer', { online: true });
    await vi.waitFor(() => expect(names(w)).toHaveLength(2));
    expect(fake.calls).toHaveLength(1);
    expect(fake.calls[0]!.query).toEqual({ unitId: fixture.commune.id, schoolYearId: fixture.year.id });
    expect(fake.calls[0]!.token.length).toBeGreaterThan(10);

    expect(w.find('[data-testid="due-unit"] h2').text()).toBe('Việc cần làm của các trường — Phường Cầu Giấy');
    expect(names(w)).toEqual(['Trường Tiểu học Nghĩa Tân', 'Trường Tiểu học Dịch Vọng']);
    const counts = (status: string) => w.findAll(`[data-testid="unit-due-count-${status}"]`).map((c) => c.text());
    expect(counts('overdue')).toEqual(['2', '0']);
    expect(counts('not_scheduled')).toEqual(['1', '3']);
    const overdue = w.findAll('[data-testid="unit-due-count-overdue"]');
    expect(overdue[0]!.classes()).toContain('unit-due__count--overdue');
    expect(overdue[1]!.classes()).not.toContain('unit-due__count--overdue');
    expect(w.find('[data-testid="unit-due-total-overdue"]').text()).toBe('2');
    expect(w.find('[data-testid="unit-due-total-done"]').text()).toBe('5');
    expect(asOf(w)).toBe('Số liệu lúc 10:00');
    expect(w.text()).toContain('đồng bộ lần cuối 19/10 16:15');
    expect(w.text()).toContain('chưa đồng bộ lần nào');
    expect(w.find('[data-testid="unit-due-problem"]').exists()).toBe(false);

    // Kept on the device, under this user, unit and year, for reading offline.
    const saved = await readSavedUnitDue(harness!.db, harness!.userId, fixture.commune.id, fixture.year.id);
    expect(saved).toEqual(answerFor(fixture));
  });

  it('sorts by a column, filters by name without tone marks, and opens a school to show its overdue items', async () => {
    const { w } = await open('officer', { online: true });
    await vi.waitFor(() => expect(names(w)).toHaveLength(2));

    const header = w.findAll('th').find((th) => th.text().includes('Đã hoàn thành'))!;
    await header.trigger('click');
    expect(names(w)).toEqual(['Trường Tiểu học Nghĩa Tân', 'Trường Tiểu học Dịch Vọng']);
    await header.trigger('click');
    expect(names(w)).toEqual(['Trường Tiểu học Dịch Vọng', 'Trường Tiểu học Nghĩa Tân']);

    await w.find('[data-testid="unit-due-filter"]').setValue('nghia tan');
    expect(names(w)).toEqual(['Trường Tiểu học Nghĩa Tân']);
    expect(w.text()).toContain('Hiển thị 1/2 trường');
    await w.find('[data-testid="unit-due-filter"]').setValue('hoan kiem');
    expect(names(w)).toEqual([]);
    expect(w.find('[data-testid="unit-due-no-match"]').text()).toBe('Không có trường nào có tên khớp với “hoan kiem”.');
    await w.find('[data-testid="unit-due-filter"]').setValue('');

    const school = w.findAll('[data-testid="unit-due-school"]').find((b) => b.text().includes('Nghĩa Tân'))!;
    expect(school.attributes('aria-expanded')).toBe('false');
    expect(w.find('[data-testid="unit-due-expansion"]').exists()).toBe(false);
    await school.trigger('click');
    expect(school.attributes('aria-expanded')).toBe('true');
    const items = w.findAll('[data-testid="unit-due-overdue-item"]').map((i) => i.text().replace(/\s+/g, ' '));
    expect(items).toEqual([
      'Cha mẹ học sinh ký cam kết ATGT trước 30/9 Hạn 30/09/2025',
      'Cụm 1: diễn tập mỗi tháng 09/2025 · hạn 30/09/2025',
    ]);
    expect(w.find('[data-testid="unit-due-expansion"]').attributes('id')).toBe(school.attributes('aria-controls'));
    await school.trigger('click');
    expect(w.find('[data-testid="unit-due-expansion"]').exists()).toBe(false);
  });

  it('shows the answer kept on the device when offline, says when it is from, and refreshes on request once online', async () => {
    const { fake, online, w } = await open('officer', { online: false });
    // Nothing saved yet: the page says so plainly.
    await vi.waitFor(() => expect(w.find('[data-testid="unit-due-problem"]').exists()).toBe(true));
    expect(w.find('[data-testid="unit-due-problem"]').text()).toBe(
      'Không có mạng và máy này chưa lưu số liệu của đơn vị. Hãy kết nối mạng rồi bấm “Cập nhật”.',
    );
    expect(w.find('[data-testid="unit-due-school"]').exists()).toBe(false);
    expect(fake.calls).toHaveLength(0);

    online.value = true;
    await w.find('[data-testid="unit-due-refresh"]').trigger('click');
    await vi.waitFor(() => expect(names(w)).toHaveLength(2));
    expect(asOf(w)).toBe('Số liệu lúc 10:00');
    expect(w.find('[data-testid="unit-due-problem"]').exists()).toBe(false);
  });

  it('reads the saved answer back offline with "(ngoại tuyến)" and the time it was worked out', async () => {
    const { fake, w } = await open('officer', { online: false, saved: (f) => answerFor(f, '2025-10-18T02:30:00.000Z') });
    await vi.waitFor(() => expect(names(w)).toHaveLength(2));
    expect(asOf(w)).toBe('Số liệu lúc 18/10 09:30 (ngoại tuyến)');
    const problem = w.find('[data-testid="unit-due-problem"]');
    expect(problem.attributes('role')).toBe('status');
    expect(problem.text()).toBe('Không có mạng. Đang hiển thị số liệu đã lưu trên máy; khi có mạng, bấm “Cập nhật”.');
    expect(fake.calls).toHaveLength(0);
  });

  it.each([
    [new ApiError(500, 'internal', 'Lỗi máy chủ'), 'Máy chủ đang gặp sự cố nên chưa cập nhật được. Hãy thử lại sau ít phút.', 'alert'],
    [new ApiError(404, 'not_found', 'Không tìm thấy'), 'Tài khoản của bạn không xem được đơn vị này, hoặc đơn vị không còn trong danh sách.', 'alert'],
    [new ApiError(401, 'unauthorized', 'Cần đăng nhập'), 'Phiên đăng nhập đã hết hạn. Hãy đăng nhập lại để cập nhật số liệu.', 'alert'],
    [new NetworkError(), 'Không có mạng. Đang hiển thị số liệu đã lưu trên máy; khi có mạng, bấm “Cập nhật”.', 'status'],
  ])('keeps showing the saved answer when the server answers %s, and says why in plain words', async (error, message, role) => {
    const { fake, w } = await open('officer', {
      online: true,
      saved: (f) => answerFor(f, '2025-10-18T02:30:00.000Z'),
      respond: () => () => Promise.reject(error),
    });
    await vi.waitFor(() => expect(w.find('[data-testid="unit-due-problem"]').exists()).toBe(true));
    expect(fake.calls).toHaveLength(1);
    expect(w.find('[data-testid="unit-due-problem"]').text()).toBe(message);
    expect(w.find('[data-testid="unit-due-problem"]').attributes('role')).toBe(role);
    expect(names(w)).toHaveLength(2);
    expect(asOf(w)).toMatch(/^Số liệu lúc 18\/10 09:30 \((ngoại tuyến|đã lưu trên máy)\)$/);
  });

  it("keeps the principal's per-school list and never asks for a unit", async () => {
    const { fake, w } = await open('principal', { online: true });
    await vi.waitFor(() => expect(w.find('[data-testid="due-school"]').exists()).toBe(true));
    await flushPromises();
    expect(w.find('[data-testid="unit-due"]').exists()).toBe(false);
    expect(fake.calls).toHaveLength(0);
  });
});

describe('the answer kept on the device', () => {
  it("is kept per user: another user of a shared tablet does not read it, and a damaged value is ignored", async () => {
    const fixture = planFixture();
    harness = await signedIn('officer', fixture);
    const db = harness.db;
    const answer = answerFor(fixture);
    await setMeta(unitDueKey(harness.userId, fixture.commune.id, fixture.year.id), answer, db);
    expect(await readSavedUnitDue(db, harness.userId, fixture.commune.id, fixture.year.id)).toEqual(answer);
    expect(await readSavedUnitDue(db, crypto.randomUUID(), fixture.commune.id, fixture.year.id)).toBeNull();
    expect(await readSavedUnitDue(db, harness.userId, fixture.commune.id, crypto.randomUUID())).toBeNull();

    const key = unitDueKey(harness.userId, fixture.commune.id, fixture.year.id);
    await setMeta(key, { ...answer, totals: { overdue: -1 } }, db);
    expect(await getMeta(key, db)).toBeDefined();
    expect(await readSavedUnitDue(db, harness.userId, fixture.commune.id, fixture.year.id)).toBeNull();
  });
});
