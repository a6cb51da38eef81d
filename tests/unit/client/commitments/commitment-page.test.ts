import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import { createMemoryHistory, createRouter } from 'vue-router';
import { randomUUID, createHash } from 'node:crypto';
import App from '../helpers/mount-app.vue';
import { disposePage } from '../helpers/mount';
import type { ActivityType, Person } from '../../../../src/shared/domain';
import { ALREADY_SIGNED_REASON } from '../../../../src/shared/domain/commitments';
import AttendancePage from '../../../../src/client/features/attendance/AttendancePage.vue';
import MinutesPage from '../../../../src/client/features/attendance/MinutesPage.vue';
import CommitmentPage from '../../../../src/client/features/commitments/CommitmentPage.vue';
import HomeCommitments from '../../../../src/client/features/commitments/HomeCommitments.vue';
import { mutate } from '../../../../src/client/sync/mutate';
import type * as SignatureStrokes from '../../../../src/client/features/commitments/signature-strokes';
import { globalPlugins, makeFixture, signedInTeacher, type Harness, type SchoolFixture } from '../attendance/setup';

// The page's pad encodes through a canvas, which happy-dom does not draw: the encoder answers fixed PNG bytes.
const PNG = new Uint8Array([137, 80, 78, 71, 13, 10, 26, 10, 1, 2, 3]);
vi.mock('../../../../src/client/features/commitments/signature-strokes', async (original) => ({
  ...(await original<typeof SignatureStrokes>()),
  encodeSignature: vi.fn(() => Promise.resolve({ bytes: PNG.slice().buffer, mime: 'image/png', width: 600, height: 220 })),
}));

let harness: Harness | null = null;
let wrapper: VueWrapper | null = null;
afterEach(async () => {
  await disposePage(wrapper, harness);
  wrapper = null;
  harness = null;
});

function trafficType(ownerUnitId: string): ActivityType {
  return {
    id: randomUUID(),
    ownerUnitId,
    code: 'traffic_safety',
    name: 'An toàn giao thông',
    nameEn: 'Traffic safety',
    scenarios: [],
    audiences: ['students'],
    indicators: ['traffic_commitments'],
    carriesCommitment: true,
    carriesPeriods: false,
  };
}

function router() {
  return createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/', name: 'home', component: { template: '<div />' }, meta: { titleKey: 'home.title' } },
      { path: '/buoi', name: 'sessions', component: { template: '<div />' }, meta: { titleKey: 'attendance.sessions.title' } },
      { path: '/buoi/:sessionId/diem-danh', name: 'attendance', component: AttendancePage, meta: { titleKey: 'attendance.sheet.title' } },
      { path: '/buoi/:sessionId/cam-ket', name: 'commitments', component: CommitmentPage, meta: { titleKey: 'commitments.title' } },
      { path: '/buoi/:sessionId/bien-ban', name: 'session-minutes', component: MinutesPage, meta: { titleKey: 'commitments.minutes.title' } },
      { path: '/nha', name: 'home-commitments', component: HomeCommitments, meta: { titleKey: 'home.title' } },
      { path: '/ke-hoach/buoi/:id/sua', name: 'plan-session-edit', component: { template: '<div />' }, meta: { titleKey: 'home.title' } },
    ],
  });
}

/** A THCS school (setup's fixture) with an ATGT session for class 6A1 and, optionally, a parent of its first pupil. */
async function open(page: 'commitments' | 'attendance' | 'session-minutes' | 'home-commitments', extra: { parents?: Person[] } = {}) {
  const fixture: SchoolFixture = makeFixture();
  const type = trafficType(fixture.department.id);
  fixture.session = { ...fixture.session, activityTypeId: type.id, audience: { classIds: [fixture.classes[0]!.id], grades: [], staff: false, youthStaffOnly: false, parents: false } };
  harness = await signedInTeacher(fixture);
  await harness.db.entity('activityType').put(type);
  if (extra.parents) await harness.db.entity('person').bulkPut(extra.parents);
  const r = router();
  await r.push({ name: page, params: { sessionId: fixture.session.id } });
  await r.isReady();
  wrapper = mount(App, { global: globalPlugins(harness, r), attachTo: document.body });
  if (page !== 'home-commitments') await vi.waitFor(() => expect(wrapper!.find('h1').exists()).toBe(true));
  return { w: wrapper, fixture, r };
}

const outbox = async (h: Harness) => (await h.db.outbox.orderBy('seq').toArray()).map((e) => ({ name: e.name, args: e.args as Record<string, unknown> }));

describe('commitment page', () => {
  it('shows progress per class and walks a class person by person; paper forms lock each commitment', async () => {
    const { w, fixture } = await open('commitments');
    await vi.waitFor(() => expect(w.findAll('[data-testid="commitment-class"]')).toHaveLength(1));
    // THCS: each of the three pupils owes the parent's helmet commitment and their own.
    expect(w.find('[data-testid="commitment-class"]').text()).toContain('0/6');
    await w.find('[data-testid="commitment-class"]').trigger('click');
    await vi.waitFor(() => expect(w.find('[data-testid="commitment-person"]').exists()).toBe(true));
    const first = w.find('[data-testid="commitment-person-name"]').text();
    expect(first).toBe('Nguyễn Văn An');
    expect(w.find('[data-testid="commitment-text"]').text()).toContain('mũ bảo hiểm');
    expect(w.find('[data-testid="signature-canvas"]').exists()).toBe(true);

    await w.find('[data-testid="commitment-paper"]').trigger('click');
    await vi.waitFor(() => expect(w.findAll('[data-testid="commitment-locked"]')).toHaveLength(1));
    // The pupil's own commitment: no signature consent recorded, so only the paper form is offered.
    expect(w.find('[data-testid="commitment-no-consent"]').exists()).toBe(true);
    expect(w.find('[data-testid="signature-canvas"]').exists()).toBe(false);
    // A parent may sign it for the child on the pad instead; back to the pupil, the paper form is recorded.
    await w.find('[data-testid="commitment-signer-parent"]').setValue(true);
    await vi.waitFor(() => expect(w.find('[data-testid="signature-canvas"]').exists()).toBe(true));
    expect(w.find('[data-testid="commitment-no-consent"]').exists()).toBe(false);
    await w.find('[data-testid="commitment-signer-self"]').setValue(true);
    await vi.waitFor(() => expect(w.find('[data-testid="signature-canvas"]').exists()).toBe(false));
    await w.find('[data-testid="commitment-paper"]').trigger('click');
    await vi.waitFor(() => expect(w.find('[data-testid="commitment-person-done"]').exists()).toBe(true));
    expect(w.findAll('[data-testid="commitment-locked"]')).toHaveLength(2);
    expect(w.find('[data-testid="commitment-paper"]').exists()).toBe(false);

    const entries = await outbox(harness!);
    const an = fixture.people.find((p) => p.fullName === first)!;
    expect(entries.map((e) => [e.name, e.args.personId, e.args.kind, e.args.method, e.args.signedBy])).toEqual([
      ['commitment.sign', an.id, 'parent_helmet', 'paper', 'parent'],
      ['commitment.sign', an.id, 'student_traffic', 'paper', 'self'],
    ]);
    expect(entries[0]!.args.schoolYearId).toBe(fixture.schoolYearId);
    expect(typeof entries[0]!.args.deviceId).toBe('string');

    // The device refuses to sign it again (the server would too), and queues nothing.
    await expect(
      mutate('commitment.sign', {
        id: randomUUID(),
        personId: an.id,
        kind: 'parent_helmet',
        schoolYearId: fixture.schoolYearId,
        signedBy: 'parent',
        method: 'paper',
        signedAt: new Date().toISOString(),
        deviceId: 'device-x',
      }),
    ).rejects.toThrow(ALREADY_SIGNED_REASON);
    expect(await outbox(harness!)).toHaveLength(2);

    await w.find('[data-testid="commitment-next-unsigned"]').trigger('click');
    await vi.waitFor(() => expect(w.find('[data-testid="commitment-person-name"]').text()).not.toBe(first));
  });

  it('a parent signs on the pad: the image is queued for upload and the commitment names its sha256', async () => {
    const { w, fixture } = await open('commitments');
    await vi.waitFor(() => expect(w.find('[data-testid="commitment-class"]').exists()).toBe(true));
    await w.find('[data-testid="commitment-class"]').trigger('click');
    await vi.waitFor(() => expect(w.find('[data-testid="signature-canvas"]').exists()).toBe(true));
    const canvas = w.find('[data-testid="signature-canvas"]').element;
    const ev = (type: string, x: number, y: number) =>
      new PointerEvent(type, { bubbles: true, cancelable: true, clientX: x, clientY: y, pointerId: 3, pointerType: 'touch' });
    canvas.dispatchEvent(ev('pointerdown', 20, 100));
    canvas.dispatchEvent(ev('pointermove', 120, 60));
    canvas.dispatchEvent(ev('pointerup', 220, 120));
    await flushPromises();
    await w.find('[data-testid="signature-save"]').trigger('click');
    await vi.waitFor(async () => expect(await outbox(harness!)).toHaveLength(1));
    const [entry] = await outbox(harness!);
    const hash = createHash('sha256').update(PNG).digest('hex');
    expect(entry!.args).toMatchObject({ method: 'signature', signatureHash: hash, signedBy: 'parent', kind: 'parent_helmet' });
    const file = (await harness!.db.table('files').get(hash)) as { purpose: string; mime: string; state: string } | undefined;
    expect(file).toMatchObject({ purpose: 'signature', mime: 'image/png', state: 'pending' });
    await vi.waitFor(() => expect(w.findAll('[data-testid="commitment-locked"]')).toHaveLength(1));
    expect(fixture.session.id).toBeTruthy();
  });

  it('offers the pad for a pupil\'s own commitment once the child and a parent consented', async () => {
    const { w, fixture } = await open('commitments');
    const an = fixture.people.find((p) => p.fullName === 'Nguyễn Văn An')!;
    await harness!.db.entity('consent').put({
      id: randomUUID(),
      personId: an.id,
      schoolId: fixture.school.id,
      kind: 'signature',
      childConsent: true,
      parentConsent: true,
      recordedAt: new Date().toISOString(),
      recordedBy: harness!.userId,
      note: null,
    });
    await harness!.db.entity('commitment').put({
      id: randomUUID(),
      schoolId: fixture.school.id,
      schoolYearId: fixture.schoolYearId,
      personId: an.id,
      kind: 'parent_helmet',
      signedBy: 'parent',
      signerPersonId: null,
      method: 'paper',
      signatureHash: null,
      signedAt: new Date().toISOString(),
      deviceId: 'device-other',
    });
    await vi.waitFor(() => expect(w.find('[data-testid="commitment-class"]').text()).toContain('1/6'));
    await w.find('[data-testid="commitment-class"]').trigger('click');
    await vi.waitFor(() => expect(w.find('[data-testid="commitment-person-name"]').text()).toBe('Nguyễn Văn An'));
    expect(w.find('[data-testid="commitment-locked"]').text()).toContain('device-other');
    expect(w.find('[data-testid="commitment-no-consent"]').exists()).toBe(false);
    expect(w.find('[data-testid="signature-canvas"]').exists()).toBe(true);
  });
});

describe('home section', () => {
  it('lists the school\'s commitment sessions with their progress, linking to the commitment page', async () => {
    const { w, fixture } = await open('home-commitments');
    await vi.waitFor(() => expect(w.find('[data-testid="home-commitments"]').exists()).toBe(true));
    expect(w.find('[data-testid="home-commitments"]').text()).toContain('0/6');
    await harness!.db.entity('commitment').put({
      id: randomUUID(),
      schoolId: fixture.school.id,
      schoolYearId: fixture.schoolYearId,
      personId: fixture.people[0]!.id,
      kind: 'student_traffic',
      signedBy: 'self',
      signerPersonId: null,
      method: 'paper',
      signatureHash: null,
      signedAt: new Date().toISOString(),
      deviceId: null,
    });
    await vi.waitFor(() => expect(w.find('[data-testid="home-commitments"]').text()).toContain('1/6'));
    expect(w.find('[data-testid="home-commitments"] a').attributes('href')).toBe(`/buoi/${fixture.session.id}/cam-ket`);
  });
});

describe('closing a session and its minutes', () => {
  it('closes the session from the attendance sheet: done on the device and a session.complete queued', async () => {
    const { w, fixture } = await open('attendance');
    await vi.waitFor(() => expect(w.find('[data-testid="close-session"]').exists()).toBe(true));
    expect(w.find('[data-testid="open-commitments"]').exists()).toBe(true);
    await w.find('[data-testid="close-session"]').trigger('click');
    await vi.waitFor(() => expect(document.querySelector('[data-testid="close-session-confirm"]')).not.toBeNull());
    (document.querySelector('[data-testid="close-session-confirm"]') as HTMLButtonElement).click();
    await vi.waitFor(async () => expect((await harness!.db.entity('session').get(fixture.session.id))?.status).toBe('done'));
    const entries = await outbox(harness!);
    expect(entries.map((e) => [e.name, e.args.id])).toEqual([['session.complete', fixture.session.id]]);
    await vi.waitFor(() => expect(w.find('[data-testid="session-closed"]').exists()).toBe(true));
    expect(w.find('[data-testid="close-session"]').exists()).toBe(false);
  });

  it('prints the attendance sheet with every person of the roster, their marks and the counts', async () => {
    const { w, fixture } = await open('session-minutes');
    const an = fixture.people.find((p) => p.fullName === 'Nguyễn Văn An')!;
    await harness!.db.entity('attendance').put({
      id: randomUUID(),
      schoolId: fixture.school.id,
      sessionId: fixture.session.id,
      personId: an.id,
      status: 'late',
      note: 'Kẹt xe',
      markedBy: harness!.userId,
      markedAt: new Date().toISOString(),
    });
    await vi.waitFor(() => expect(w.findAll('[data-testid="minutes-table"] tbody tr')).toHaveLength(3));
    await vi.waitFor(() => expect(w.find('[data-testid="minutes-table"]').text()).toContain('Kẹt xe'));
    const first = w.findAll('[data-testid="minutes-table"] tbody tr')[0]!.text();
    expect(first).toContain('Nguyễn Văn An');
    expect(first).toContain('Đi muộn');
    expect(w.find('[data-testid="minutes-summary"]').text()).toContain('Đi muộn: 1');
    expect(w.find('[data-testid="minutes-summary"]').text()).toContain('Chưa điểm danh: 2');
    expect(w.find('[data-testid="minutes-heading"]').text()).toBe('BIÊN BẢN');
  });
});
