import 'fake-indexeddb/auto';
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import { createMemoryHistory, createRouter } from 'vue-router';
import { defineComponent } from 'vue';
import type { Person } from '../../../../src/shared/domain';
import { drillRecordId } from '../../../../src/shared/drill';
import DrillPage from '../../../../src/client/features/drill/DrillPage.vue';
import { appPlugins } from '../helpers/mount';
import { disposeDevice, makeAccount, makeDevice, signInOnDevice, type Device } from '../settings/harness';
import { makeWorld, plannedSession, seedWorld, type PlanWorld } from '../plans/harness';

// The camera path needs a real canvas (covered in Chromium by tests/e2e/drill.spec.ts): here the photo is queued as is.
vi.mock('../../../../src/client/features/drill/evidence', async () => {
  const queue = await import('../../../../src/client/files/file-queue');
  return {
    queueEvidencePhoto: async (db: never, file: Blob, userId: string) =>
      queue.queueFile(db, { bytes: await file.arrayBuffer(), mime: 'image/jpeg', purpose: 'evidence', userId, name: 'x.jpg' }),
    localPhotoUrls: async () => new Map<string, string>(),
  };
});

let now = Date.parse('2025-10-15T01:00:00Z');
let device: Device;
let world: PlanWorld;
let wrapper: VueWrapper | null = null;
let sessionId: string;
let pupils: Person[];

async function until(check: () => void | Promise<void>): Promise<void> {
  await vi.waitFor(
    async () => {
      await flushPromises();
      await check();
    },
    { timeout: 5000 },
  );
}

const Blank = defineComponent({ render: () => null });

beforeEach(async () => {
  world = makeWorld();
  device = makeDevice(() => now);
  device.router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/', name: 'home', component: Blank },
      { path: '/buoi/:sessionId/diem-danh', name: 'attendance', component: Blank },
      { path: '/buoi/:sessionId/dien-tap', name: 'drill', component: DrillPage },
    ],
  });
  device.plugins = appPlugins(device.pinia, device.router);
  await seedWorld(device, world);
  // The homeroom teacher of 1A2 (the second class) is signed in: their class comes first.
  const account = makeAccount('Cô Lan');
  const teacherPerson = randomUUID();
  account.user.personId = teacherPerson;
  account.user.grants = [{ role: 'teacher', unitId: world.school.id, unitName: world.school.name }];
  world.classes[1]!.homeroomPersonId = teacherPerson;
  await device.db.entity('class').put(world.classes[1]!);
  pupils = ['An', 'Bình', 'Chi', 'Dũng'].flatMap((name, i) =>
    world.classes.slice(0, 2).map((c, k) => ({
      id: randomUUID(),
      schoolId: world.school.id,
      kind: 'student' as const,
      fullName: `Nguyễn ${name} ${k}${i}`,
      code: null,
      birthYear: 2018,
      sex: null,
      classId: c.id,
      roleTags: [],
      studentIds: [],
      status: 'active' as const,
      joinedOn: null,
      leftOn: null,
    })),
  );
  await device.db.entity('person').bulkPut(pupils);
  const session = plannedSession(world, { audience: { classIds: [], grades: [1], staff: true, youthStaffOnly: false, parents: false } });
  sessionId = session.id;
  await device.db.entity('session').put(session);
  await signInOnDevice(device, account);
});

afterEach(async () => {
  wrapper?.unmount();
  wrapper = null;
  document.body.innerHTML = '';
  await disposeDevice(device);
});

async function open(): Promise<VueWrapper> {
  await device.router.push({ name: 'drill', params: { sessionId } });
  await device.router.isReady();
  wrapper = mount(DrillPage, { global: { plugins: device.plugins as never[] }, attachTo: document.body });
  await until(() => expect(wrapper!.find('[data-testid="drill-timer"]').exists()).toBe(true));
  return wrapper;
}
const outboxNames = async () => (await device.db.outbox.orderBy('seq').toArray()).map((e) => e.name);
const record = () => device.db.entity('drillRecord').get(drillRecordId(sessionId));

describe('drill page', () => {
  it('runs a drill: start, class reports with a named missing pupil found later, observations, photo, all clear', async () => {
    const w = await open();
    expect(w.find('[data-testid="drill-timer"]').text()).toBe('00:00');
    // The session's own scenario is preselected; grade 1 has two classes, the teacher's own first.
    expect((w.find('[data-testid="drill-scenario-select"]').element as HTMLSelectElement).value).toBe('fire_evacuation');
    await until(() => expect(w.findAll('[data-testid="drill-class"]')).toHaveLength(2));
    const cards = () => w.findAll('[data-testid="drill-class"]');
    expect(cards()[0]!.attributes('data-class-id')).toBe(world.classes[1]!.id);
    expect(cards()[0]!.text()).toContain('Lớp chủ nhiệm');

    await w.find('[data-testid="drill-start"]').trigger('click');
    await until(async () => expect(await record()).toMatchObject({ alarmAt: '2025-10-15T01:00:00.000Z', scenarioCode: 'fire_evacuation' }));
    now += 75_000;
    await until(() => expect(w.find('[data-testid="drill-timer"]').text()).toBe('01:15'));

    // The teacher's class: one missing, named.
    const mine = cards()[0]!;
    expect(mine.find('[data-testid="drill-presentCount"]').text()).toBe('4');
    await mine.find('[data-field="missingCount"] button[aria-label^="Thêm 1"]').trigger('click');
    await mine.find('.drill-class__who').trigger('click');
    const chosen = mine.findAll('[data-testid="drill-pupil"]')[1]!;
    const name = chosen.text();
    await chosen.trigger('click');
    expect(mine.find('[data-testid="drill-presentCount"]').text()).toBe('3');
    expect(mine.find('[data-testid="drill-missingCount"]').text()).toBe('1');
    await mine.find('[data-testid="drill-report"]').trigger('click');
    await until(() => expect(w.find('[data-testid="drill-missing"]').text()).toContain(name));
    expect(w.find('[data-testid="drill-total-missing"]').text()).toBe('1');
    expect(cards()[0]!.find('[data-testid="drill-class-pending"]').exists()).toBe(true);

    // The other class, over its size: refused on the card before anything is saved.
    const other = cards()[1]!;
    await other.find('[data-field="presentCount"] button[aria-label^="Thêm 1"]').trigger('click');
    expect(other.find('[role="alert"]').text()).toContain('lớn hơn sĩ số lớp (4)');
    expect(other.find('[data-testid="drill-report"]').attributes('disabled')).toBeDefined();
    await other.find('[data-field="presentCount"] button[aria-label^="Bớt 1"]').trigger('click');
    await other.find('[data-testid="drill-report"]').trigger('click');
    await until(() => expect(w.find('[data-testid="drill-total-present"]').text()).toBe('7'));

    await w.find('[data-testid="drill-found"]').trigger('click');
    await until(() => expect(w.find('[data-testid="drill-missing"]').exists()).toBe(false));
    expect(w.find('[data-testid="drill-total-present"]').text()).toBe('8');

    await w.find('[data-testid="drill-obs-exit_blocked"]').setValue(true);
    await w.find('[data-testid="drill-notes"]').setValue('Cầu thang B bị chắn');
    await w.find('[data-testid="drill-observe"]').trigger('click');
    await until(async () => expect(await record()).toMatchObject({ observations: ['exit_blocked'], notes: 'Cầu thang B bị chắn' }));

    const input = w.find('[data-testid="drill-camera"]');
    expect(input.attributes()).toMatchObject({ accept: 'image/*', capture: 'environment', type: 'file' });
    const photo = new File([new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3])], 'a.jpg', { type: 'image/jpeg' });
    Object.defineProperty(input.element, 'files', { value: [photo], configurable: true });
    await input.trigger('change');
    await until(() => expect(w.find('[data-testid="drill-photo-count"]').text()).toBe('1 ảnh'));
    const queued = await device.db.table('files').toArray();
    expect(queued).toHaveLength(1);
    expect((await record())?.photoHashes).toEqual([queued[0].sha256]);
    // Adding the photo kept the observations.
    expect((await record())?.observations).toEqual(['exit_blocked']);

    now += 45_000;
    await w.find('[data-testid="drill-all-clear"]').trigger('click');
    await until(() => expect(document.body.querySelector('[data-testid="drill-all-clear-confirm"]')).not.toBeNull());
    (document.body.querySelector('[data-testid="drill-all-clear-confirm"]') as HTMLButtonElement).click();
    await until(() => expect(w.find('[data-testid="drill-summary"]').exists()).toBe(true));
    expect(w.find('[data-testid="drill-evacuation"]').text()).toBe('02:00');
    expect(await record()).toMatchObject({ evacuationSeconds: 120, expectedCount: 8, accountedCount: 8, missingCount: 0 });
    expect(await outboxNames()).toEqual([
      'drill.start',
      'drill.headcount',
      'drill.headcount',
      'drill.headcount',
      'drill.observe',
      'drill.observe',
      'drill.allClear',
    ]);
    // After the all clear, the steppers are locked.
    expect(cards()[0]!.find('[data-testid="drill-report"]').attributes('disabled')).toBeDefined();
  }, 30_000);

  it('says so for a session that is not a drill', async () => {
    const s = plannedSession(world, { activityTypeId: world.traffic.id, scenarioCode: null });
    sessionId = s.id;
    await device.db.entity('session').put(s);
    await device.router.push({ name: 'drill', params: { sessionId } });
    await device.router.isReady();
    wrapper = mount(DrillPage, { global: { plugins: device.plugins as never[] }, attachTo: document.body });
    await until(() => expect(wrapper!.text()).toContain('không phải buổi diễn tập'));
    expect(wrapper.find('[data-testid="drill-start"]').exists()).toBe(false);
  });
});
