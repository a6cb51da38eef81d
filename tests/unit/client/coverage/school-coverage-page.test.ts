import 'fake-indexeddb/auto';
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import type { ActivityType, Attendance, Person, Session } from '../../../../src/shared/domain';
import SchoolCoveragePage from '../../../../src/client/features/coverage/SchoolCoveragePage.vue';
import SessionFormPage from '../../../../src/client/features/plans/SessionFormPage.vue';
import { useMakeUpStore } from '../../../../src/client/features/coverage/make-up';
import { setLocale } from '../../../../src/client/i18n';
import { disposeDevice, type Device } from '../settings/harness';
import { makeWorld, plannedSession, plannerDevice, principalOf, type PlanWorld } from '../plans/harness';

/** 09:00 on 1 October 2025 in Hà Nội. */
const now = Date.parse('2025-10-01T02:00:00Z');
let device: Device;
let world: PlanWorld;
let legal: ActivityType;
let thirdId: string;
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

async function mountAt(path: string, component: typeof SchoolCoveragePage | typeof SessionFormPage): Promise<VueWrapper> {
  await device.router.push(path);
  await device.router.isReady();
  wrapper = mount(component, { global: { plugins: device.plugins as never[], stubs: { teleport: true } }, attachTo: document.body });
  return wrapper;
}

describe('the principal’s coverage page, from the device’s own data', () => {
  beforeEach(async () => {
    setLocale('vi');
    world = makeWorld();
    ({ device } = await plannerDevice(world, principalOf, () => now));
    device.router.addRoute({ path: '/bao-phu', name: 'coverage', component: SchoolCoveragePage });
    legal = {
      id: randomUUID(),
      ownerUnitId: world.department.id,
      code: 'legal_education',
      name: 'Tuyên truyền pháp luật',
      nameEn: 'Legal education',
      scenarios: [],
      audiences: ['staff'],
      indicators: ['staff_legal_education'],
      carriesCommitment: false,
      carriesPeriods: false,
    };
    // A third staff member, and a legal-education session held in September that only the principal attended.
    const third: Person = { ...world.staff[0]!, id: randomUUID(), fullName: 'Nguyễn Văn An', roleTags: ['homeroom'] };
    thirdId = third.id;
    const held: Session = plannedSession(world, {
      activityTypeId: legal.id,
      scenarioCode: null,
      title: 'Tuyên truyền Luật Giao thông',
      startsAt: '2025-09-20T01:00:00.000Z',
      endsAt: '2025-09-20T02:00:00.000Z',
      audience: { classIds: [], grades: [], staff: true, youthStaffOnly: false, parents: false },
      status: 'done',
    });
    const mark: Attendance = {
      id: randomUUID(),
      schoolId: world.school.id,
      sessionId: held.id,
      personId: world.staff[0]!.id,
      status: 'present',
      note: null,
      markedBy: randomUUID(),
      markedAt: '2025-09-20T01:10:00.000Z',
    };
    await device.db.entity('activityType').put(legal);
    await device.db.entity('person').put(third);
    await device.db.entity('session').put(held);
    await device.db.entity('attendance').put(mark);
  });
  afterEach(async () => {
    wrapper?.unmount();
    wrapper = null;
    await disposeDevice(device);
  });

  it('shows each indicator, who is missing by name, and plans a make-up session for exactly them offline', async () => {
    const w = await mountAt('/bao-phu', SchoolCoveragePage);
    await until(() => expect(w.find('[data-testid="rate-staffLegalEducation"]').exists()).toBe(true));
    expect(w.find('[data-testid="rate-staffLegalEducation"]').text()).toBe('33,3%');
    expect(w.find('[data-testid="indicator-staffLegalEducation"]').text()).toContain('1/3');
    // Nothing asked yet (no drill requirement on this device): "not applicable", not 0 %.
    expect(w.find('[data-testid="rate-drillsHeld"]').text()).toBe('Không áp dụng');
    // The trend is a chart for the eye and a table for screen readers.
    expect(w.find('[data-testid="coverage-chart"]').attributes('aria-hidden')).toBe('true');
    const trendTable = w.find('[data-testid="coverage-trend-table"]').text();
    expect(trendTable).toContain('09/2025');
    expect(trendTable).toContain('33,3%');
    // Months still ahead are not drawn.
    expect(trendTable).not.toContain('11/2025');

    await w.find('[data-testid="show-missing-staffLegalEducation"]').trigger('click');
    const names = w.findAll('[data-testid="missing-staffLegalEducation"] [data-testid="missing-item"]').map((li) => li.text());
    // Vietnamese order: by given name.
    expect(names).toEqual(['Nguyễn Văn An', 'Đỗ Minh Đức']);

    await w.find('[data-testid="make-up-staffLegalEducation"]').trigger('click');
    await until(() => expect(device.router.currentRoute.value.name).toBe('plan-session-new'));
    expect(device.router.currentRoute.value.query).toEqual({ bu: '1', ngay: '2025-10-02' });
    expect(useMakeUpStore(device.pinia).draft?.count).toBe(2);
    // The router forgets its place when its last app unmounts: keep the address to open the form at.
    const formPath = device.router.currentRoute.value.fullPath;
    w.unmount();
    wrapper = null;

    const form = await mountAt(formPath, SessionFormPage);
    await until(() => expect(form.find('[data-testid="plan-make-up"]').exists()).toBe(true));
    expect(form.find('[data-testid="plan-make-up"]').text()).toContain('Buổi bù cho 2 người còn thiếu');
    expect((form.find('input[name="title"]').element as HTMLInputElement).value).toBe('Buổi bù: CBGVNV được tuyên truyền pháp luật');
    await form.find('[data-testid="session-form"]').trigger('submit');
    await until(() => expect(form.find('[data-testid="plan-saved"]').exists()).toBe(true));
    const [entry] = await device.db.outbox.toArray();
    expect(entry?.name).toBe('session.create');
    const args = entry!.args as { activityTypeId: string; schoolId: string; audience: { personIds?: string[]; staff: boolean } };
    expect(args.activityTypeId).toBe(legal.id);
    expect(args.schoolId).toBe(world.school.id);
    expect(args.audience.staff).toBe(false);
    expect(args.audience.personIds).toHaveLength(2);
    expect(args.audience.personIds).toContain(world.staff[1]!.id);
    expect(args.audience.personIds).not.toContain(world.staff[0]!.id);
    expect(args.audience.personIds).toContain(thirdId);
  }, 30_000);

  it('does not offer a make-up session to a teacher, who cannot plan', async () => {
    const account = (await device.db.accounts.toArray())[0]!;
    account.user.grants = [{ role: 'teacher', unitId: world.school.id, unitName: world.school.name }];
    await device.db.accounts.put(account);
    const w = await mountAt('/bao-phu', SchoolCoveragePage);
    await until(() => expect(w.find('[data-testid="show-missing-staffLegalEducation"]').exists()).toBe(true));
    expect(w.find('[data-testid="make-up-staffLegalEducation"]').exists()).toBe(false);
  });
});
