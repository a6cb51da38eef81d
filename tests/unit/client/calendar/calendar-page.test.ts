import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { mount, type VueWrapper } from '@vue/test-utils';
import App from '../helpers/mount-app.vue';
import { disposePage } from '../helpers/mount';
import { globalPlugins, planFixture, planRouter, sessionOf, signedIn, type Harness } from './harness';
import { mutate } from '../../../../src/client/sync/mutate';

let harness: Harness | null = null;
let wrapper: VueWrapper | null = null;

afterEach(async () => {
  await disposePage(wrapper, harness);
  wrapper = null;
  harness = null;
});

async function open(h: Harness, query: Record<string, string>) {
  const router = planRouter();
  await router.push({ name: 'calendar', query });
  wrapper = mount(App, { global: globalPlugins(h, router), attachTo: document.body });
  return { router, wrapper };
}

const chipsOn = (w: VueWrapper, day: string) =>
  w.findAll(`[data-testid="calendar-day-${day}"] [data-testid="calendar-chip"]`).map((c) => c.attributes('data-session-id'));

describe('calendar, month view', () => {
  it('places each session on its Hà Nội day: 23:30 UTC on 14 October is the morning of the 15th', async () => {
    const fixture = planFixture();
    const early = sessionOf(fixture, '2025-10-14T23:30:00.000Z', { title: 'Chào cờ: tuyên truyền ATGT' });
    const morning = sessionOf(fixture, '2025-10-14T01:00:00.000Z', { title: 'Diễn tập PCCC', activityTypeId: fixture.types.drill.id });
    const elsewhere = sessionOf(fixture, '2025-10-14T02:00:00.000Z', {
      schoolId: fixture.otherSchool.id,
      scopeUnitId: fixture.otherSchool.id,
      title: 'Buổi của trường khác',
    });
    const wardWide = sessionOf(fixture, '2025-10-20T01:00:00.000Z', {
      schoolId: null,
      scopeUnitId: fixture.commune.id,
      title: 'Tuyên truyền chung của phường',
    });
    harness = await signedIn('teacher', fixture, { sessions: [early, morning, elsewhere, wardWide] });
    const { wrapper: w } = await open(harness, { xem: 'month', ngay: '2025-10-15' });

    await vi.waitFor(() => expect(chipsOn(w, '2025-10-15')).toEqual([early.id]));
    expect(chipsOn(w, '2025-10-14')).toEqual([morning.id]);
    // A ward-wide session is held at the school too; another school's session is not.
    expect(chipsOn(w, '2025-10-20')).toEqual([wardWide.id]);
    expect(w.find(`[data-session-id="${elsewhere.id}"]`).exists()).toBe(false);

    expect(w.find('[data-testid="calendar-range"]').text()).toBe('Tháng 10 năm 2025');
    // Monday first, Vietnamese day names; October 2025 starts on a Wednesday, so the grid opens on 29 September.
    expect(w.findAll('thead th').map((th) => th.text())).toEqual(['Thứ 2', 'Thứ 3', 'Thứ 4', 'Thứ 5', 'Thứ 6', 'Thứ 7', 'CN']);
    expect(w.find('tbody tr td button').attributes('data-day')).toBe('2025-09-29');
    const cell = w.find('[data-testid="calendar-day-2025-10-15"]');
    expect(cell.attributes('aria-label')).toBe('Thứ Tư, 15 tháng 10, 1 buổi');
    expect(cell.attributes('aria-pressed')).toBe('true');

    // The selected day's sessions are listed below the grid, each opening its attendance sheet.
    const panel = w.find('[data-testid="calendar-day-panel"]');
    expect(panel.text()).toContain('Chào cờ: tuyên truyền ATGT');
    expect(panel.text()).toContain('06:30–08:00');
    expect(panel.find('a').attributes('href')).toBe(`/buoi/${early.id}/diem-danh`);
  });

  it('moves between days with the arrow keys and between months with Page Down, keeping one tab stop', async () => {
    const fixture = planFixture();
    harness = await signedIn('teacher', fixture, { sessions: [sessionOf(fixture, '2025-10-31T01:00:00.000Z')] });
    const { router, wrapper: w } = await open(harness, { xem: 'month', ngay: '2025-10-30' });
    await vi.waitFor(() => expect(w.find('[data-testid="calendar-day-2025-10-30"]').exists()).toBe(true));
    expect(w.findAll('.cal-month__day[tabindex="0"]')).toHaveLength(1);

    await w.find('[data-testid="calendar-day-2025-10-30"]').trigger('keydown', { key: 'ArrowRight' });
    await vi.waitFor(() => expect(router.currentRoute.value.query.ngay).toBe('2025-10-31'));
    await vi.waitFor(() => expect(document.activeElement?.getAttribute('data-day')).toBe('2025-10-31'));
    expect(w.find('[data-testid="calendar-day-panel"]').text()).toContain('Tuyên truyền pháp luật');

    await w.find('[data-testid="calendar-day-2025-10-31"]').trigger('keydown', { key: 'PageDown' });
    // 31 October + one month is the last day of November.
    await vi.waitFor(() => expect(router.currentRoute.value.query.ngay).toBe('2025-11-30'));
    await vi.waitFor(() => expect(w.find('[data-testid="calendar-range"]').text()).toBe('Tháng 11 năm 2025'));

    await w.find('button[aria-label="Tháng trước"]').trigger('click');
    await vi.waitFor(() => expect(router.currentRoute.value.query.ngay).toBe('2025-10-30'));
  });
});

describe('calendar, week view', () => {
  it('lays the week out Monday to Sunday at Hà Nội times, overlapping sessions side by side', async () => {
    const fixture = planFixture();
    // 07:30–09:00 and 08:00–09:30 on Wednesday 15 October (Hà Nội) overlap; Friday's stands alone.
    const first = sessionOf(fixture, '2025-10-15T00:30:00.000Z', { title: 'Tuyên truyền phòng, chống bạo lực học đường' });
    const second = sessionOf(fixture, '2025-10-15T01:00:00.000Z', {
      title: 'Diễn tập động đất',
      activityTypeId: fixture.types.drill.id,
      scenarioCode: 'earthquake',
      seriesId: '01890a5d-ac96-774b-bcce-b302099a8057',
    });
    const friday = sessionOf(fixture, '2025-10-17T07:00:00.000Z', { title: 'Sinh hoạt chuyên đề' });
    harness = await signedIn('teacher', fixture, { sessions: [first, second, friday] });
    const { wrapper: w } = await open(harness, { xem: 'week', ngay: '2025-10-16' });

    await vi.waitFor(() => expect(w.find('[data-testid="calendar-week"]').exists()).toBe(true));
    await vi.waitFor(() => expect(w.findAll('[data-testid="calendar-session"]')).toHaveLength(3));
    expect(w.find('[data-testid="calendar-range"]').text()).toBe('Tuần 13/10 – 19/10/2025');
    const headings = w.findAll('.cal-week__heading').map((h) => h.find('.cal-week__weekday').text());
    expect(headings).toEqual(['Thứ Hai', 'Thứ Ba', 'Thứ Tư', 'Thứ Năm', 'Thứ Sáu', 'Thứ Bảy', 'Chủ Nhật']);

    const wednesday = w.find('[data-testid="calendar-week-day-2025-10-15"]');
    const ids = wednesday.findAll('[data-testid="calendar-session"]').map((s) => s.attributes('data-session-id'));
    expect(ids).toEqual([first.id, second.id]);
    const slots = wednesday.findAll('.cal-week__slot');
    // Hours run from 07:00 at 64px each: 07:30 is 32px down, 08:00 is 64px; two lanes of half the width.
    expect(slots[0]!.attributes('style')).toContain('top: 32px');
    expect(slots[1]!.attributes('style')).toContain('top: 64px');
    expect(slots[0]!.attributes('style')).toContain('width: calc(50% - 4px)');
    expect(slots[1]!.attributes('style')).toContain('left: calc(50% + 2px)');
    expect(wednesday.find(`[data-session-id="${second.id}"] [data-testid="calendar-recurring"]`).text()).toBe('Định kỳ');
    expect(w.find('[data-testid="calendar-week-day-2025-10-17"]').text()).toContain('14:00–15:30');
    expect(w.find('[data-testid="calendar-week-day-2025-10-18"]').text()).toContain('Không có buổi nào');
  });
});

describe('calendar, agenda view', () => {
  it("lists the month's days with sessions in order, cancelled ones marked, and shows a session planned offline at once", async () => {
    const fixture = planFixture();
    const cancelled = sessionOf(fixture, '2025-10-07T07:00:00.000Z', { title: 'Ngoại khóa phòng, chống đuối nước', status: 'cancelled' });
    const held = sessionOf(fixture, '2025-10-02T00:30:00.000Z', { title: 'Tuyên truyền ATGT', status: 'done' });
    const november = sessionOf(fixture, '2025-11-03T00:30:00.000Z', { title: 'Buổi tháng 11' });
    harness = await signedIn('principal', fixture, { sessions: [cancelled, held, november] });
    const { wrapper: w } = await open(harness, { xem: 'agenda', ngay: '2025-10-20' });

    await vi.waitFor(() => expect(w.findAll('.cal-agenda__day')).toHaveLength(2));
    expect(w.findAll('.cal-agenda__date').map((d) => d.text())).toEqual(['Thứ Năm, 2 tháng 10', 'Thứ Ba, 7 tháng 10']);
    const cancelledItem = w.find(`[data-session-id="${cancelled.id}"]`);
    expect(cancelledItem.attributes('data-status')).toBe('cancelled');
    expect(cancelledItem.text()).toContain('Đã hủy');
    expect(w.find(`[data-session-id="${held.id}"]`).text()).toContain('Đã tổ chức');
    expect(w.text()).not.toContain('Buổi tháng 11');

    // Planned on this tablet, offline: the calendar reads the device database live.
    await mutate('session.create', {
      id: '01990a5d-ac96-774b-bcce-b302099a8057',
      schoolId: fixture.school.id,
      scopeUnitId: fixture.school.id,
      schoolYearId: fixture.year.id,
      seriesId: null,
      title: 'Họp cha mẹ học sinh giữa học kỳ',
      activityTypeId: fixture.types.legal.id,
      scenarioCode: null,
      startsAt: '2025-10-25T01:00:00.000Z',
      endsAt: '2025-10-25T02:30:00.000Z',
      place: null,
      audience: { classIds: [], grades: [], staff: false, youthStaffOnly: false, parents: true },
      facilitatorPersonId: null,
      trainerUserId: null,
      materialIds: [],
      periods: null,
    });
    await vi.waitFor(() => expect(w.findAll('.cal-agenda__day')).toHaveLength(3));
    expect(w.find('[data-testid="calendar-agenda-day-2025-10-25"]').text()).toContain('Họp cha mẹ học sinh giữa học kỳ');
  });
});
