import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { mount, type VueWrapper } from '@vue/test-utils';
import App from '../helpers/mount-app.vue';
import { disposePage, fakeDateAt } from '../helpers/mount';
import {
  globalPlugins,
  planFixture,
  planRouter,
  requirementOf,
  sessionOf,
  signedIn,
  type Harness,
  type PlanFixture,
} from '../calendar/harness';
import HomeDue from '../../../../src/client/features/due/HomeDue.vue';
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

/**
 * Four requirements of the Sở's plan and the school's sessions, chosen so that each status appears:
 * students' ATGT commitments by 30/9 (held on 8/9: done), parents' by 30/9 (nothing: overdue), one drill per term
 * (term I planned for 10/11: scheduled; term II: not scheduled), staff legal education once a year (nothing yet:
 * not scheduled). A cancelled drill counts for nothing.
 */
function plan(fixture: PlanFixture) {
  const requirements = [
    requirementOf(fixture, {
      title: 'Học sinh ký cam kết ATGT trước 30/9',
      activityTypeId: fixture.types.traffic.id,
      frequency: { kind: 'byDate', dueDate: '2025-09-30' },
      audience: { kind: 'students', grade: null },
    }),
    requirementOf(fixture, {
      title: 'Cha mẹ học sinh ký cam kết ATGT trước 30/9',
      activityTypeId: fixture.types.traffic.id,
      frequency: { kind: 'byDate', dueDate: '2025-09-30' },
      audience: { kind: 'parents', grade: null },
    }),
    requirementOf(fixture, {
      title: 'Mỗi học kỳ diễn tập PCCC ít nhất 1 lần',
      activityTypeId: fixture.types.drill.id,
      rotateScenarios: true,
      frequency: { kind: 'term', count: 1 },
      audience: { kind: 'students', grade: null },
    }),
    requirementOf(fixture, {
      title: 'Cán bộ, giáo viên dự ít nhất 1 buổi phổ biến pháp luật',
      activityTypeId: fixture.types.legal.id,
      frequency: { kind: 'year', count: 1 },
      audience: { kind: 'staff', grade: null },
    }),
  ];
  const sessions = [
    sessionOf(fixture, '2025-09-08T00:15:00.000Z', { activityTypeId: fixture.types.traffic.id, status: 'done', title: 'Tuyên truyền ATGT đầu năm' }),
    sessionOf(fixture, '2025-11-10T01:00:00.000Z', { activityTypeId: fixture.types.drill.id, title: 'Diễn tập PCCC học kỳ I' }),
    sessionOf(fixture, '2025-10-07T01:00:00.000Z', { activityTypeId: fixture.types.drill.id, status: 'cancelled', title: 'Diễn tập hoãn' }),
  ];
  return { requirements, sessions };
}

async function openDue(role: Role) {
  const fixture = planFixture();
  const rows = plan(fixture);
  harness = await signedIn(role, fixture, rows);
  const router = planRouter();
  await router.push({ name: 'due' });
  wrapper = mount(App, { global: globalPlugins(harness, router), attachTo: document.body });
  return { fixture, rows, w: wrapper };
}

const count = (w: VueWrapper, status: string) => w.find(`[data-testid="due-count-${status}"] dd`).text();

describe('what is due', () => {
  it("shows each requirement × period of the school with its status and the counts, overdue first and highlighted", async () => {
    const { rows, w } = await openDue('principal');
    await vi.waitFor(() => expect(w.findAll('[data-testid="due-item"]')).toHaveLength(5));
    expect(w.find('[data-testid="due-year"]').text()).toBe('Năm học 2025-2026');
    expect(w.find('[data-testid="due-school"] h2').text()).toBe('Trường Tiểu học Dịch Vọng');
    expect([count(w, 'overdue'), count(w, 'not_scheduled'), count(w, 'scheduled'), count(w, 'done')]).toEqual(['1', '2', '1', '1']);

    const items = w.findAll('[data-testid="due-item"]').map((i) => ({
      status: i.attributes('data-status'),
      title: i.find('h3').text(),
      period: i.attributes('data-period'),
    }));
    expect(items).toEqual([
      { status: 'overdue', title: 'Cha mẹ học sinh ký cam kết ATGT trước 30/9', period: 'by-2025-09-30' },
      // Both due on 31/05/2026: the year's period is under way, term II has not begun.
      { status: 'not_scheduled', title: 'Cán bộ, giáo viên dự ít nhất 1 buổi phổ biến pháp luật', period: 'year' },
      { status: 'not_scheduled', title: 'Mỗi học kỳ diễn tập PCCC ít nhất 1 lần', period: 'term-2' },
      { status: 'scheduled', title: 'Mỗi học kỳ diễn tập PCCC ít nhất 1 lần', period: 'term-1' },
      { status: 'done', title: 'Học sinh ký cam kết ATGT trước 30/9', period: 'by-2025-09-30' },
    ]);

    const overdue = w.find('[data-testid="due-item"][data-status="overdue"]');
    expect(overdue.classes()).toContain('due-item--overdue');
    expect(overdue.find('.due-item__status').text()).toBe('Quá hạn');
    expect(overdue.text()).toContain('Hạn 30/09/2025');
    expect(w.find('[data-testid="due-count-overdue"]').classes()).toContain('due-page__count--overdue');

    // The scheduled drill lists the session that counts; the cancelled one does not count.
    const scheduled = w.find('[data-testid="due-item"][data-status="scheduled"]');
    expect(scheduled.text()).toContain('Học kỳ I · hạn 17/01/2026');
    expect(scheduled.text()).toContain('Cần 1 buổi · đã có 1 buổi');
    expect(scheduled.text()).toContain('10/11 — Diễn tập PCCC học kỳ I');
    expect(scheduled.text()).not.toContain('Diễn tập hoãn');

    // The principal plans a session for what is missing, on the planning page, for that requirement and period.
    const drill = rows.requirements[2]!;
    const link = w.find(`[data-testid="due-item"][data-requirement-id="${drill.id}"][data-period="term-2"] [data-testid="due-plan"]`);
    expect(link.attributes('href')).toBe(`/ke-hoach/buoi-moi?requirementId=${drill.id}&period=term-2`);
    expect(w.find('[data-testid="due-item"][data-status="done"] [data-testid="due-plan"]').exists()).toBe(false);
  });

  it('shows a teacher the same statuses without offering to plan', async () => {
    const { w } = await openDue('teacher');
    await vi.waitFor(() => expect(w.findAll('[data-testid="due-item"]')).toHaveLength(5));
    expect(count(w, 'overdue')).toBe('1');
    expect(w.findAll('[data-testid="due-plan"]')).toHaveLength(0);
  });

  it("shows an officer the unit's schools from the server and, below, the requirements that apply to the unit", async () => {
    const { w } = await openDue('officer');
    await vi.waitFor(() => expect(w.findAll('[data-testid="due-requirement"]')).toHaveLength(4));
    expect(w.findAll('[data-testid="due-item"]')).toHaveLength(0);
    expect(w.find('[data-testid="due-unit"] h2').text()).toBe('Việc cần làm của các trường — Phường Cầu Giấy');
    // The harness is offline with nothing kept on the device: the school table says how to get its figures.
    await vi.waitFor(() => expect(w.find('[data-testid="unit-due-problem"]').exists()).toBe(true));
    expect(w.find('[data-testid="due-unit"] [data-testid="unit-due"]').exists()).toBe(true);
    expect(w.find('[data-testid="due-unit"] details summary').text()).toBe('Các yêu cầu của kế hoạch áp dụng cho đơn vị (4)');
    const drill = w.findAll('[data-testid="due-requirement"]').find((r) => r.text().includes('diễn tập PCCC'))!;
    expect(drill.text()).toContain('1 lần mỗi học kỳ');
    expect(drill.text()).toContain('Học kỳ I · hạn 17/01/2026; Học kỳ II · hạn 31/05/2026');
    expect(drill.text()).toContain('Tất cả các trường');
  });

  it("puts the overdue and unplanned items of the current period on the home page, drills first", async () => {
    const fixture = planFixture();
    harness = await signedIn('principal', fixture, plan(fixture));
    wrapper = mount(HomeDue, {
      props: { now: new Date() },
      global: globalPlugins(harness, planRouter()),
      attachTo: document.body,
    });
    await vi.waitFor(() => expect(wrapper!.find('[data-testid="home-due"]').exists()).toBe(true));
    await vi.waitFor(() => expect(wrapper!.findAll('[data-testid="due-item"]').length).toBeGreaterThan(0));
    expect(wrapper.find('[data-testid="home-due-overdue"]').text()).toBe('Quá hạn: 1');
    // Term II of the drill requirement has not begun: it is not "due now". The year's legal education is.
    const shown = wrapper.findAll('[data-testid="due-item"]').map((i) => `${i.attributes('data-status')} ${i.attributes('data-period')}`);
    expect(shown).toEqual(['overdue by-2025-09-30', 'not_scheduled year']);
  });
});
