import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import App from '../helpers/mount-app.vue';
import { disposePage } from '../helpers/mount';
import { attendanceOfSession } from '../../../../src/client/db/repositories/attendance';
import { setLocale } from '../../../../src/client/i18n';
import {
  globalPlugins,
  makeFixture,
  sessionAt,
  signedInTeacher,
  testRouter,
  type Harness,
  type SchoolFixture,
} from './setup';

let harness: Harness | null = null;
let wrapper: VueWrapper | null = null;

afterEach(async () => {
  await disposePage(wrapper, harness);
  wrapper = null;
  harness = null;
  setLocale('vi');
});

async function openSheet(fixture: SchoolFixture, sessionId = fixture.session.id): Promise<VueWrapper> {
  harness ??= await signedInTeacher(fixture);
  const router = testRouter();
  await router.push({ name: 'attendance', params: { sessionId } });
  await router.isReady();
  wrapper = mount(App, { global: globalPlugins(harness, router), attachTo: document.body });
  await vi.waitFor(() => expect(wrapper!.find('[data-testid="roster-row"], [role="alert"], .p-message').exists()).toBe(true));
  return wrapper;
}

const row = (w: VueWrapper, personId: string) => w.find(`[data-testid="roster-row"][data-person-id="${personId}"]`);
const total = (w: VueWrapper) => w.find('[data-testid="attendance-total"]').text();
const idOf = (fixture: SchoolFixture, fullName: string) => fixture.people.find((p) => p.fullName === fullName)!.id;

async function outbox(h: Harness) {
  return (await h.db.outbox.orderBy('seq').toArray()).map((e) => e.args as Record<string, unknown>);
}

describe('attendance sheet', () => {
  it('shows the roster by class, then staff, with live counts, and one tap toggles present and absent', async () => {
    const fixture = makeFixture();
    const w = await openSheet(fixture);

    expect(w.findAll('[data-testid="roster-group"] h2').map((h) => h.text())).toEqual([
      '6A1',
      '6A2',
      'Cán bộ, giáo viên, nhân viên',
    ]);
    expect(total(w)).toBe('0/8');
    const an = idOf(fixture, 'Nguyễn Văn An');
    expect(row(w, an).attributes()).toMatchObject({ 'data-status': 'none', 'data-pending': 'false' });

    const toggle = row(w, an).find('button');
    expect(toggle.text()).toContain('Nguyễn Văn An');
    await toggle.trigger('click');
    await vi.waitFor(() => expect(row(w, an).attributes('data-status')).toBe('present'));
    expect(total(w)).toBe('1/8');
    await vi.waitFor(async () => expect((await attendanceOfSession(fixture.session.id, harness!.db)).get(an)?.status).toBe('present'));

    await row(w, an).find('button').trigger('click');
    await vi.waitFor(() => expect(row(w, an).attributes('data-status')).toBe('absent'));
    expect(total(w)).toBe('0/8');
    await vi.waitFor(async () => expect(await outbox(harness!)).toHaveLength(2));
    expect((await outbox(harness!)).map((a) => [a.personId, a.status])).toEqual([
      [an, 'present'],
      [an, 'absent'],
    ]);
    expect(performance.getEntriesByName('attendance.mark', 'measure').length).toBeGreaterThanOrEqual(2);
  });

  it('"Tất cả có mặt" marks only the unmarked people of its group, in one go', async () => {
    const fixture = makeFixture();
    const w = await openSheet(fixture);
    const an = idOf(fixture, 'Nguyễn Văn An');
    const binh = idOf(fixture, 'Trần Thị Bình');

    await row(w, an).find('button').trigger('click');
    await row(w, an).find('button').trigger('click');
    await vi.waitFor(() => expect(row(w, an).attributes('data-status')).toBe('absent'));
    await vi.waitFor(async () => expect(await outbox(harness!)).toHaveLength(2));

    const [firstGroup] = w.findAll('[data-testid="mark-all-present"]');
    expect(firstGroup!.attributes('aria-label')).toContain('Tất cả có mặt');
    await firstGroup!.trigger('click');
    await vi.waitFor(() => expect(row(w, binh).attributes('data-status')).toBe('present'));
    await flushPromises();

    expect(row(w, an).attributes('data-status')).toBe('absent');
    expect(row(w, idOf(fixture, 'Lê Văn Cường')).attributes('data-status')).toBe('present');
    // The other class and the staff are untouched.
    expect(row(w, idOf(fixture, 'Hoàng Văn Đức')).attributes('data-status')).toBe('none');
    const entries = await outbox(harness!);
    expect(entries).toHaveLength(4);
    expect(entries.slice(2).map((a) => a.status)).toEqual(['present', 'present']);
    expect(new Set(entries.slice(2).map((a) => a.personId))).toEqual(new Set([binh, idOf(fixture, 'Lê Văn Cường')]));
    expect(total(w)).toBe('2/8');
    await vi.waitFor(() => expect(w.findAll('[data-testid="mark-all-present"]')[0]!.attributes('disabled')).toBeDefined());
  });

  it('never shows a group as saved before its one transaction commits, and clears it if the write fails', async () => {
    const fixture = makeFixture();
    const w = await openSheet(fixture);
    const binh = idOf(fixture, 'Trần Thị Bình');
    const db = harness!.db;
    // Hold the commit: the write waits until the test lets it go, then fails as a full disk would.
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    const failLater = async (): Promise<never> => {
      await held;
      throw new Error('QuotaExceededError');
    };
    const bulkAdd = vi.spyOn(db.outbox, 'bulkAdd').mockImplementationOnce(failLater as never);

    await w.findAll('[data-testid="mark-all-present"]')[0]!.trigger('click');
    // Shown at once, but as being saved: not "chờ đồng bộ", which means saved on this device.
    await vi.waitFor(() => expect(row(w, binh).attributes('data-saving')).toBe('true'));
    expect(row(w, binh).attributes('data-status')).toBe('present');
    expect(row(w, binh).attributes('data-pending')).toBe('false');
    expect(row(w, binh).find('[data-testid="saving-marker"]').text()).toBe('Đang lưu…');

    release();
    await vi.waitFor(() => expect(row(w, binh).attributes('data-status')).toBe('none'));
    expect(row(w, binh).attributes('data-saving')).toBe('false');
    expect(w.text()).toContain('QuotaExceededError');
    expect(await db.outbox.count()).toBe(0);
    expect(await db.entity('attendance').where('sessionId').equals(fixture.session.id).count()).toBe(0);

    // The same press again commits the whole group at once, then shows it as waiting to sync.
    bulkAdd.mockRestore();
    await w.findAll('[data-testid="mark-all-present"]')[0]!.trigger('click');
    await vi.waitFor(() => expect(row(w, binh).attributes('data-pending')).toBe('true'));
    expect(row(w, binh).attributes('data-saving')).toBe('false');
    expect(await db.outbox.count()).toBe(3);
  });

  it('marks someone late with a reason from the secondary action', async () => {
    const fixture = makeFixture();
    const w = await openSheet(fixture);
    const le = idOf(fixture, 'Vũ Thị Lê');

    const more = row(w, le).findAll('button')[1]!;
    expect(more.attributes('aria-label')).toBe('Đi muộn, vắng có phép…');
    // Whose row it is comes from the name, by reference, so only the toggle is named after the person.
    expect(document.getElementById(more.attributes('aria-describedby')!)?.textContent).toBe('Vũ Thị Lê');
    await more.trigger('click');
    await vi.waitFor(() => expect(document.querySelector('[data-testid="attendance-note"]')).not.toBeNull());
    const late = document.querySelector<HTMLInputElement>('input[type="radio"][value="late"]')!;
    expect(late.checked).toBe(true);
    const note = document.querySelector<HTMLTextAreaElement>('[data-testid="attendance-note"]')!;
    note.value = '  Kẹt xe trên đường Cầu Giấy ';
    note.dispatchEvent(new Event('input'));
    document.querySelector<HTMLFormElement>('.attendance-detail')!.dispatchEvent(new Event('submit'));

    await vi.waitFor(() => expect(row(w, le).attributes('data-status')).toBe('late'));
    await vi.waitFor(() => expect(row(w, le).text()).toContain('Kẹt xe trên đường Cầu Giấy'));
    const stored = (await attendanceOfSession(fixture.session.id, harness!.db)).get(le);
    expect(stored).toMatchObject({ status: 'late', note: 'Kẹt xe trên đường Cầu Giấy' });
    expect(await outbox(harness!)).toEqual([
      { sessionId: fixture.session.id, personId: le, status: 'late', note: 'Kẹt xe trên đường Cầu Giấy' },
    ]);
    // Late people are at the session.
    expect(total(w)).toBe('1/8');
  });

  it('finds people by name with or without diacritics', async () => {
    const fixture = makeFixture();
    const w = await openSheet(fixture);
    const names = () => w.findAll('[data-testid="roster-row"]').map((r) => r.find('.roster-row__name').text());
    const search = w.find('[data-testid="roster-search"]');

    await search.setValue('nguyen');
    expect(names().sort()).toEqual(['Nguyễn Thị Lệ', 'Nguyễn Văn An']);
    await search.setValue('Nguyễn');
    expect(names().sort()).toEqual(['Nguyễn Thị Lệ', 'Nguyễn Văn An']);
    await search.setValue('duc');
    expect(names().sort()).toEqual(['Hoàng Văn Đức', 'Đỗ Minh Đức']);
    await search.setValue('an nguy');
    expect(names()).toEqual(['Nguyễn Văn An']);
    // Groups without a match are hidden; the counts stay those of the whole roster.
    expect(w.findAll('[data-testid="roster-group"] h2').map((h) => h.text())).toEqual(['6A1']);
    expect(total(w)).toBe('0/8');
    await search.setValue('xyz');
    expect(names()).toEqual([]);
    expect(w.text()).toContain('Không có ai tên “xyz” trong danh sách.');
    await search.setValue('');
    expect(names()).toHaveLength(8);
  });

  it('shows "chờ đồng bộ" on a row until the server has its mark', async () => {
    const fixture = makeFixture();
    const w = await openSheet(fixture);
    const an = idOf(fixture, 'Nguyễn Văn An');

    await row(w, an).find('button').trigger('click');
    await vi.waitFor(() => expect(row(w, an).attributes('data-pending')).toBe('true'));
    expect(row(w, an).find('[data-testid="pending-marker"]').text()).toBe('Chờ đồng bộ');
    expect(row(w, idOf(fixture, 'Trần Thị Bình')).attributes('data-pending')).toBe('false');

    harness!.online.value = true;
    await harness!.runtime.engine.syncNow();
    expect(harness!.server.appliedIds.size).toBe(1);
    expect(await harness!.db.outbox.count()).toBe(0);
    await vi.waitFor(() => expect(row(w, an).attributes('data-pending')).toBe('false'));
    expect(row(w, an).find('[data-testid="pending-marker"]').exists()).toBe(false);
    expect(row(w, an).attributes('data-status')).toBe('present');
  });

  it('keeps a cancelled session read-only, with a notice', async () => {
    const fixture = makeFixture();
    fixture.session = sessionAt(fixture, { status: 'cancelled', title: 'Ngoại khóa (hoãn do mưa bão)' });
    const w = await openSheet(fixture);

    expect(w.find('[data-testid="attendance-read-only"]').text()).toContain('Buổi này đã bị hủy');
    expect(w.find('[data-testid="mark-all-present"]').exists()).toBe(false);
    const toggle = row(w, idOf(fixture, 'Nguyễn Văn An')).find('button');
    expect(toggle.attributes('disabled')).toBeDefined();
    await toggle.trigger('click');
    await flushPromises();
    expect(await harness!.db.outbox.count()).toBe(0);
  });

  it('windows a roster of 2,000: far fewer rows in the page, and the rows in view as it scrolls', async () => {
    const classes = Array.from({ length: 50 }, (_, c) =>
      Array.from({ length: 40 }, (_, i) => `Học sinh ${String(c * 40 + i + 1).padStart(4, '0')} Lớp${c + 1}`),
    );
    const fixture = makeFixture(classes);
    const w = await openSheet(fixture);

    expect(total(w)).toBe('0/2002');
    const rendered = w.findAll('[data-testid="roster-row"]').length;
    expect(rendered).toBeGreaterThan(5);
    expect(rendered).toBeLessThan(60);

    // Scroll the page so that the list's top is 1,000 rows (of 64px) above the screen.
    const list = w.find('[role="list"]').element as HTMLElement;
    list.getBoundingClientRect = () => ({ top: -64_000, bottom: 0, left: 0, right: 0, width: 0, height: 0, x: 0, y: -64_000, toJSON: () => ({}) });
    window.dispatchEvent(new Event('scroll'));
    await vi.waitFor(() => {
      const positions = w.findAll('[role="listitem"]').map((li) => Number(li.attributes('aria-posinset')));
      expect(Math.min(...positions)).toBeGreaterThan(980);
      expect(Math.max(...positions)).toBeLessThan(1040);
    });
    expect(w.findAll('[data-testid="roster-row"]').length).toBeLessThan(60);
  });

  it('lists a unit-wide session at the school, with the roster of this school', async () => {
    const fixture = makeFixture();
    const communeWide = sessionAt(fixture, {
      schoolId: null,
      scopeUnitId: fixture.commune.id,
      title: 'Hội nghị tuyên truyền pháp luật của phường',
      audience: { classIds: [], grades: [], staff: true, youthStaffOnly: false, parents: false },
    });
    harness = await signedInTeacher(fixture, { sessions: [communeWide] });
    const w = await openSheet(fixture, communeWide.id);
    expect(w.find('h1').text()).toBe('Hội nghị tuyên truyền pháp luật của phường');
    expect(w.findAll('[data-testid="roster-row"]').map((r) => r.find('.roster-row__name').text())).toEqual([
      'Đỗ Minh Đức',
      'Phạm Thị Hoa',
    ]);
  });
});
