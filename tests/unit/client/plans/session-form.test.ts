import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import DatePicker from 'primevue/datepicker';
import Select from 'primevue/select';
import SessionFormPage from '../../../../src/client/features/plans/SessionFormPage.vue';
import { MESSAGES } from '../../../../src/shared/plan/session-input';
import { setLocale } from '../../../../src/client/i18n';
import { hanoiDate } from '../../../../src/shared/time';
import { disposeDevice, type Device } from '../settings/harness';
import { makeWorld, officerOf, plannedSession, plannerDevice, principalOf, type PlanWorld } from './harness';

const now = Date.parse('2025-10-01T02:00:00Z');
let device: Device;
let world: PlanWorld;
let wrapper: VueWrapper | null = null;

async function until(check: () => void): Promise<void> {
  await vi.waitFor(async () => {
    await flushPromises();
    check();
  }, { timeout: 5000 });
}

async function open(path: string): Promise<VueWrapper> {
  await device.router.push(path);
  await device.router.isReady();
  wrapper = mount(SessionFormPage, { global: { plugins: device.plugins as never[], stubs: { teleport: true } }, attachTo: document.body });
  await until(() => expect(wrapper!.find('[data-testid="session-form"]').exists()).toBe(true));
  return wrapper;
}

/** The PrimeVue field whose input has an id ending in `suffix` (ids are made per form with useId). */
function byInput(w: VueWrapper, component: typeof DatePicker | typeof Select, suffix: string): VueWrapper {
  const found = (w.findAllComponents(component) as unknown as VueWrapper[]).find((c) =>
    String((c.props() as { inputId?: string }).inputId ?? '').endsWith(suffix),
  );
  if (!found) throw new Error(`no field ending in ${suffix}`);
  return found;
}

function time(h: number, m: number): Date {
  const d = new Date(2000, 0, 1);
  d.setHours(h, m, 0, 0);
  return d;
}

async function fillValid(w: VueWrapper): Promise<void> {
  await w.find('input[name="title"]').setValue('Diễn tập thoát nạn khi có cháy');
  byInput(w, Select, '-type').vm.$emit('update:modelValue', world.drill.id);
  await flushPromises();
  await w.find('input[id$="-audience-grade-1"]').setValue(true);
  await flushPromises();
}

const errorOf = (w: VueWrapper, field: string) => w.find(`[data-testid="error-${field}"]`);

describe('session form', () => {
  beforeEach(async () => {
    setLocale('vi');
    world = makeWorld();
    ({ device } = await plannerDevice(world, principalOf, () => now));
  });
  afterEach(async () => {
    wrapper?.unmount();
    wrapper = null;
    await disposeDevice(device);
  });

  it('shows each rule’s message next to its field, in the words the server uses', async () => {
    const w = await open('/ke-hoach/buoi-moi?ngay=2025-10-20');
    await w.find('[data-testid="session-form"]').trigger('submit');
    await until(() => expect(errorOf(w, 'audience').exists()).toBe(true));
    expect(errorOf(w, 'title').text()).toBe('hãy nhập tên buổi');
    expect(errorOf(w, 'activityTypeId').text()).toBe('hãy chọn loại hoạt động');
    expect(errorOf(w, 'audience').text()).toBe(MESSAGES.audienceEmpty);
    // Each message is tied to its field for screen readers.
    const title = w.find('input[name="title"]');
    expect(title.attributes('aria-describedby')).toBe(errorOf(w, 'title').attributes('id'));

    await fillValid(w);
    byInput(w, DatePicker, '-end').vm.$emit('update:modelValue', time(7, 0));
    await w.find('[data-testid="session-form"]').trigger('submit');
    await until(() => expect(errorOf(w, 'endTime').text()).toBe(MESSAGES.endBeforeStart));
    expect(errorOf(w, 'title').exists()).toBe(false);
    expect(errorOf(w, 'audience').exists()).toBe(false);

    byInput(w, DatePicker, '-end').vm.$emit('update:modelValue', time(9, 0));
    byInput(w, DatePicker, '-date').vm.$emit('update:modelValue', new Date(2026, 6, 1));
    await w.find('[data-testid="session-form"]').trigger('submit');
    await until(() => expect(errorOf(w, 'date').text()).toBe(MESSAGES.outsideSchoolYear('2025-2026')));
    expect(errorOf(w, 'endTime').exists()).toBe(false);
    expect(await device.db.outbox.count()).toBe(0);
  });

  it('saves one session.create for the school, offline, with the Hà Nội time chosen', async () => {
    const w = await open('/ke-hoach/buoi-moi?ngay=2025-10-20');
    await fillValid(w);
    await w.find('[data-testid="session-form"]').trigger('submit');
    await until(() => expect(w.find('[data-testid="plan-saved"]').exists()).toBe(true));
    const [entry] = await device.db.outbox.toArray();
    expect(entry).toMatchObject({ name: 'session.create', state: 'pending' });
    const args = entry!.args as Record<string, unknown>;
    expect(args).toMatchObject({
      schoolId: world.school.id,
      scopeUnitId: world.school.id,
      schoolYearId: world.year.id,
      seriesId: null,
      startsAt: '2025-10-20T00:30:00.000Z', // 07:30 in Hà Nội
      endsAt: '2025-10-20T02:00:00.000Z',
      audience: { classIds: [], grades: [1], staff: false, youthStaffOnly: false, parents: false },
    });
    expect(await device.db.entity('session').get(String(args.id))).toMatchObject({ status: 'planned', revision: 0 });
  });

  it('a weekly series creates one session.create per week, all sharing one series id', async () => {
    const w = await open('/ke-hoach/buoi-moi?ngay=2025-10-20');
    await fillValid(w);
    await w.find('input[id$="-repeat"]').setValue(true);
    await flushPromises();
    byInput(w, DatePicker, '-until').vm.$emit('update:modelValue', new Date(2025, 10, 10));
    await until(() => expect(w.find('[data-testid="plan-series"]').text()).toContain('4 buổi'));
    await w.find('[data-testid="session-form"]').trigger('submit');
    await until(() => expect(w.find('[data-testid="plan-saved"]').exists()).toBe(true));
    const entries = await device.db.outbox.orderBy('seq').toArray();
    expect(entries.map((e) => e.name)).toEqual(Array(4).fill('session.create'));
    const args = entries.map((e) => e.args as { seriesId: string; startsAt: string; id: string });
    expect(new Set(args.map((a) => a.seriesId)).size).toBe(1);
    expect(args[0]!.seriesId).toMatch(/^[0-9a-f-]{36}$/);
    expect(new Set(args.map((a) => a.id)).size).toBe(4);
    expect(args.map((a) => hanoiDate(a.startsAt))).toEqual(['2025-10-20', '2025-10-27', '2025-11-03', '2025-11-10']);
  });

  it('a series reaching past the school year is refused next to its end date', async () => {
    const w = await open('/ke-hoach/buoi-moi?ngay=2026-05-11');
    await fillValid(w);
    await w.find('input[id$="-repeat"]').setValue(true);
    await flushPromises();
    byInput(w, DatePicker, '-until').vm.$emit('update:modelValue', new Date(2026, 5, 30));
    await w.find('[data-testid="session-form"]').trigger('submit');
    await until(() => expect(errorOf(w, 'repeatUntil').text()).toBe(MESSAGES.outsideSchoolYear('2025-2026')));
    expect(await device.db.outbox.count()).toBe(0);
  });

  it('edits (reschedules) a session on the revision it was opened at', async () => {
    const session = plannedSession(world, { revision: 3 });
    await device.db.entity('session').put(session);
    const w = await open(`/ke-hoach/buoi/${session.id}/sua`);
    expect((w.find('input[name="title"]').element as HTMLInputElement).value).toBe(session.title);
    await w.find('input[name="title"]').setValue('Diễn tập PCCC (dời lịch)');
    byInput(w, DatePicker, '-date').vm.$emit('update:modelValue', new Date(2025, 9, 22));
    await w.find('[data-testid="session-form"]').trigger('submit');
    await until(() => expect(w.find('[data-testid="plan-saved"]').exists()).toBe(true));
    const [update] = await device.db.outbox.toArray();
    expect(update).toMatchObject({ name: 'session.update', args: { id: session.id, baseRevision: 3 } });
    expect((update!.args as { fields: { startsAt: string; title: string } }).fields).toMatchObject({
      title: 'Diễn tập PCCC (dời lịch)',
      startsAt: '2025-10-22T00:30:00.000Z',
    });
    expect(await device.db.entity('session').get(session.id)).toMatchObject({ revision: 4 });
  });

  it('cancels a session from its edit page', async () => {
    const session = plannedSession(world, { revision: 1 });
    await device.db.entity('session').put(session);
    const w = await open(`/ke-hoach/buoi/${session.id}/sua`);
    await w.find('[data-testid="plan-cancel-session"]').trigger('click');
    await until(() => expect(w.find('[data-testid="plan-cancel-confirm"]').exists()).toBe(true));
    await w.find('textarea').setValue('Trùng lịch kiểm tra');
    await w.find('[data-testid="plan-cancel-confirm"]').trigger('click');
    await until(() => expect(w.find('[data-testid="plan-saved"]').exists()).toBe(true));
    const [cancel] = await device.db.outbox.toArray();
    expect(cancel).toMatchObject({ name: 'session.cancel', args: { id: session.id, baseRevision: 1, reason: 'Trùng lịch kiểm tra' } });
    expect(await device.db.entity('session').get(session.id)).toMatchObject({ status: 'cancelled', revision: 2 });
  });
});

describe('session form for an officer', () => {
  beforeEach(async () => {
    setLocale('vi');
    world = makeWorld();
    ({ device } = await plannerDevice(world, officerOf, () => now));
  });
  afterEach(async () => {
    wrapper?.unmount();
    wrapper = null;
    await disposeDevice(device);
  });

  it('plans a ward-wide session: no school, the ward as scope, whole grades as audience', async () => {
    const w = await open('/ke-hoach/buoi-moi?ngay=2025-10-20');
    byInput(w, Select, '-target').vm.$emit('update:modelValue', world.commune.id);
    await flushPromises();
    await w.find('input[name="title"]').setValue('Ngày hội diễn tập toàn phường');
    byInput(w, Select, '-type').vm.$emit('update:modelValue', world.drill.id);
    await flushPromises();
    await until(() => expect(w.find('input[id$="-audience-grade-5"]').exists()).toBe(true));
    await w.find('input[id$="-audience-grade-5"]').setValue(true);
    await w.find('input[id$="-audience-staff"]').setValue(true);
    await flushPromises();
    await w.find('[data-testid="session-form"]').trigger('submit');
    await until(() => expect(w.find('[data-testid="plan-saved"]').exists()).toBe(true));
    const [entry] = await device.db.outbox.toArray();
    expect(entry!.args).toMatchObject({
      schoolId: null,
      scopeUnitId: world.commune.id,
      audience: { grades: [5], staff: true, classIds: [] },
    });
  });
});
