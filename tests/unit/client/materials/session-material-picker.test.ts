import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import Select from 'primevue/select';
import MultiSelect from 'primevue/multiselect';
import SessionFormPage from '../../../../src/client/features/plans/SessionFormPage.vue';
import { setLocale } from '../../../../src/client/i18n';
import type { Material } from '../../../../src/shared/domain/records';
import { newId } from '../../../../src/shared/domain/ids';
import { disposeDevice, type Device } from '../settings/harness';
import { makeWorld, plannedSession, plannerDevice, principalOf, type PlanWorld } from '../plans/harness';

const now = Date.parse('2025-10-01T02:00:00Z');
let device: Device;
let world: PlanWorld;
let wrapper: VueWrapper | null = null;

async function until(check: () => void): Promise<void> {
  await vi.waitFor(
    async () => {
      await flushPromises();
      check();
    },
    { timeout: 5000 },
  );
}

const material = (title: string, schoolId: string | null, over: Partial<Material> = {}): Material => ({
  id: newId(),
  ownerUnitId: schoolId ?? world.department.id,
  schoolId,
  title,
  description: null,
  activityTypeId: null,
  schoolLevel: null,
  schoolYearId: null,
  tags: [],
  mime: 'application/pdf',
  size: 1000,
  sha256: 'a'.repeat(64),
  uploadedBy: newId(),
  createdAt: '2025-09-01T00:00:00.000Z',
  versionNo: 1,
  status: 'active',
  updatedAt: null,
  ...over,
});

async function open(path: string): Promise<VueWrapper> {
  await device.router.push(path);
  await device.router.isReady();
  wrapper = mount(SessionFormPage, { global: { plugins: device.plugins as never[], stubs: { teleport: true } }, attachTo: document.body });
  await until(() => expect(wrapper!.find('[data-testid="session-form"]').exists()).toBe(true));
  return wrapper;
}

const picker = (w: VueWrapper) => w.findComponent(MultiSelect) as unknown as VueWrapper;
const propsOf = (c: VueWrapper) => c.props() as Record<string, unknown>;
const offered = (w: VueWrapper) => (propsOf(picker(w)).options as { title: string }[]).map((o) => o.title);

describe('attaching materials in the session form', () => {
  let so: Material;
  let own: Material;
  let other: Material;
  let archived: Material;

  beforeEach(async () => {
    setLocale('vi');
    world = makeWorld();
    ({ device } = await plannerDevice(world, principalOf, () => now));
    so = material('Sổ tay ATGT của Sở', null);
    own = material('Phương án PCCC của trường', world.school.id);
    other = material('Tài liệu của trường khác', newId());
    archived = material('Tài liệu cũ', null, { status: 'archived' });
    await device.db.entity('material').bulkPut([so, own, other, archived]);
  });
  afterEach(async () => {
    wrapper?.unmount();
    wrapper = null;
    await disposeDevice(device);
  });

  it("offers the unit libraries and the school's own materials, and saves the chosen ones with session.create", async () => {
    const w = await open('/ke-hoach/buoi-moi?ngay=2025-10-20');
    await until(() => expect(offered(w).sort()).toEqual([own.title, so.title].sort()));
    await w.find('input[name="title"]').setValue('Tuyên truyền ATGT');
    (w.findAllComponents(Select) as unknown as VueWrapper[])
      .find((c) => String(propsOf(c).inputId ?? '').endsWith('-type'))!
      .vm.$emit('update:modelValue', world.drill.id);
    await flushPromises();
    await w.find('input[id$="-audience-grade-1"]').setValue(true);
    picker(w).vm.$emit('update:modelValue', [so.id, own.id]);
    await flushPromises();
    await w.find('[data-testid="session-form"]').trigger('submit');
    await until(() => expect(w.find('[data-testid="plan-saved"]').exists()).toBe(true));
    const [entry] = await device.db.outbox.toArray();
    expect(entry).toMatchObject({ name: 'session.create', args: { materialIds: [so.id, own.id] } });
  });

  it("starts an edit from the session's materials, keeps an archived one offered while attached, and can remove it", async () => {
    const session = { ...plannedSession(world), materialIds: [archived.id, so.id] };
    await device.db.entity('session').put(session);
    const w = await open(`/ke-hoach/buoi/${session.id}/sua`);
    await until(() => expect(propsOf(picker(w)).modelValue).toEqual([archived.id, so.id]));
    await until(() => expect(offered(w)).toContain(archived.title));
    picker(w).vm.$emit('update:modelValue', [so.id]);
    await flushPromises();
    await w.find('[data-testid="session-form"]').trigger('submit');
    await until(() => expect(w.find('[data-testid="plan-saved"]').exists()).toBe(true));
    const [entry] = await device.db.outbox.toArray();
    expect(entry).toMatchObject({ name: 'session.update', args: { id: session.id, fields: { materialIds: [so.id] } } });
  });
});
