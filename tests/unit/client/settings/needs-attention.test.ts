import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import NeedsAttentionList from '../../../../src/client/features/sync/NeedsAttentionList.vue';
import {
  describeSubject,
  fixedAttendanceArgs,
  resolveAttentionItems,
} from '../../../../src/client/features/sync/needs-attention';
import type { OutboxEntry } from '../../../../src/client/db/schema';
import { i18n, setLocale } from '../../../../src/client/i18n';
import { useSyncStore } from '../../../../src/client/stores/sync';
import { makeSchool, type School } from '../sync/harness';
import { disposeDevice, makeAccount, makeDevice, markOnDevice, signInOnDevice, type Device } from './harness';

const REASON = 'Buổi này đã khoá điểm danh (attendance is locked)';
const at = Date.parse('2025-11-24T02:05:00Z'); // 09:05 in Hà Nội

let device: Device;
let school: School;
let wrapper: VueWrapper | null = null;
const lan = makeAccount('Nguyễn Thị Lan');

async function mountList(): Promise<VueWrapper> {
  // Dialogs are teleported to <body> in the app; here they render in place so the test can reach them.
  wrapper = mount(NeedsAttentionList, { global: { plugins: device.plugins as never[], stubs: { teleport: true } } });
  await vi.waitFor(async () => {
    await flushPromises();
    expect(wrapper!.find('[data-testid="attention-list"], [data-testid="attention-empty"]').exists()).toBe(true);
  });
  return wrapper;
}

async function until(check: () => void): Promise<void> {
  await vi.waitFor(async () => {
    await flushPromises();
    check();
  });
}

describe('NeedsAttentionList', () => {
  beforeEach(async () => {
    setLocale('vi');
    vi.useFakeTimers({ now: new Date('2025-11-24T03:00:00Z'), toFake: ['Date'] });
    device = makeDevice();
    school = makeSchool(2);
    await device.db.entity('session').put(school.session);
    await device.db.entity('person').bulkPut(school.people);
    await signInOnDevice(device, lan);
  });

  afterEach(async () => {
    wrapper?.unmount();
    wrapper = null;
    await disposeDevice(device);
    vi.useRealTimers();
  });

  it('lists a refused attendance mark with who, which session, the status, the reason and when', async () => {
    await markOnDevice(
      device,
      lan.userId,
      { sessionId: school.session.id, personId: school.people[0]!.id, status: 'present' },
      { at, rejectedWith: REASON },
    );
    const list = await mountList();
    await until(() => expect(list.findAll('[data-testid="attention-item"]')).toHaveLength(1));
    const item = list.get('[data-testid="attention-item"]');
    expect(item.get('h2').text()).toBe('Điểm danh: Học sinh 1 — Diễn tập PCCC học kỳ I, có mặt');
    expect(item.text()).toContain(`Lý do máy chủ từ chối: ${REASON}`);
    expect(item.text()).toContain('Thực hiện lúc 09:05');
    expect(item.text()).toContain('Người thực hiện: Nguyễn Thị Lan');
  });

  it('says there is nothing to do when no change was refused', async () => {
    const list = await mountList();
    expect(list.get('[data-testid="attention-empty"]').text()).toBe('Không có thay đổi nào cần xử lý.');
  });

  it('"Sửa và gửi lại": another status and a note go to retryRejected, and the change is queued again', async () => {
    const id = await markOnDevice(
      device,
      lan.userId,
      { sessionId: school.session.id, personId: school.people[1]!.id, status: 'present' },
      { at, rejectedWith: REASON },
    );
    const list = await mountList();
    const sync = useSyncStore(device.pinia);
    const retry = vi.spyOn(sync, 'retryRejected');
    await until(() => expect(list.find('[data-testid="attention-fix"]').exists()).toBe(true));

    await list.get('[data-testid="attention-fix"]').trigger('click');
    const dialog = list.get('[data-testid="attention-fix-dialog"]');
    expect((dialog.get('input[value="present"]').element as HTMLInputElement).checked).toBe(true);
    await dialog.get('input[value="late"]').setValue(true);
    await dialog.get('#attention-note').setValue('  Đến lúc 7 giờ 20  ');
    await dialog.get('form').trigger('submit');

    await until(() => expect(retry).toHaveBeenCalledTimes(1));
    expect(retry).toHaveBeenCalledWith(id, {
      sessionId: school.session.id,
      personId: school.people[1]!.id,
      status: 'late',
      note: 'Đến lúc 7 giờ 20',
    });
    await until(() => expect(list.get('[data-testid="attention-feedback"]').text()).toBe('Đã đưa thay đổi vào hàng chờ đồng bộ.'));
    // The real effect on the device: the refused entry is gone, a new pending one carries the fix, the row shows it.
    const outbox = await device.db.outbox.toArray();
    expect(outbox).toHaveLength(1);
    expect(outbox[0]).toMatchObject({ state: 'pending', args: { status: 'late', note: 'Đến lúc 7 giờ 20' } });
    expect(outbox[0]!.id).not.toBe(id);
    expect(await device.db.entity('attendance').get([school.session.id, school.people[1]!.id])).toMatchObject({
      status: 'late',
      note: 'Đến lúc 7 giờ 20',
    });
    await until(() => expect(list.find('[data-testid="attention-empty"]').exists()).toBe(true));
  });

  it('keeps a failed fix in the dialog with the reason', async () => {
    await markOnDevice(
      device,
      lan.userId,
      { sessionId: school.session.id, personId: school.people[0]!.id, status: 'absent' },
      { at, rejectedWith: REASON },
    );
    const list = await mountList();
    const sync = useSyncStore(device.pinia);
    vi.spyOn(sync, 'retryRejected').mockRejectedValue(new Error('Không ghi được dữ liệu trên máy'));
    await until(() => expect(list.find('[data-testid="attention-fix"]').exists()).toBe(true));
    await list.get('[data-testid="attention-fix"]').trigger('click');
    await list.get('form').trigger('submit');
    await until(() => expect(list.get('[data-testid="attention-fix-dialog"] [role="alert"]').text()).toBe(
      'Không thực hiện được: Không ghi được dữ liệu trên máy',
    ));
    expect(await device.db.outbox.where('state').equals('rejected').count()).toBe(1);
  });

  it('"Bỏ thay đổi này" asks first; "Giữ lại" keeps it, confirming discards and restores the server data', async () => {
    const personId = school.people[0]!.id;
    await markOnDevice(
      device,
      lan.userId,
      { sessionId: school.session.id, personId, status: 'present' },
      { at, rejectedWith: REASON },
    );
    expect(await device.db.entity('attendance').get([school.session.id, personId])).toBeDefined();
    const list = await mountList();
    const sync = useSyncStore(device.pinia);
    const discard = vi.spyOn(sync, 'discardRejected');
    await until(() => expect(list.find('[data-testid="attention-discard"]').exists()).toBe(true));

    await list.get('[data-testid="attention-discard"]').trigger('click');
    let dialog = list.get('[data-testid="attention-discard-dialog"]');
    expect(dialog.text()).toContain('Thay đổi trên máy sẽ bị thay bằng dữ liệu hiện có trên máy chủ.');
    expect(dialog.attributes('role')).toBe('alertdialog');
    await dialog.findAll('button').find((b) => b.text() === 'Giữ lại')!.trigger('click');
    await flushPromises();
    expect(discard).not.toHaveBeenCalled();
    expect(list.find('[data-testid="attention-discard-dialog"]').exists()).toBe(false);
    expect(await device.db.outbox.count()).toBe(1);

    await list.get('[data-testid="attention-discard"]').trigger('click');
    dialog = list.get('[data-testid="attention-discard-dialog"]');
    await dialog.get('[data-testid="attention-discard-confirm"]').trigger('click');
    await until(() => expect(discard).toHaveBeenCalledTimes(1));
    await until(() =>
      expect(list.get('[data-testid="attention-feedback"]').text()).toBe(
        'Đã bỏ thay đổi; dữ liệu trên máy trở lại như trên máy chủ.',
      ),
    );
    expect(await device.db.outbox.count()).toBe(0);
    // The server never had a mark for this person: the local one is gone again.
    expect(await device.db.entity('attendance').get([school.session.id, personId])).toBeUndefined();
  });
});

describe('needs-attention helpers', () => {
  beforeEach(() => {
    setLocale('vi');
    school = makeSchool(2);
  });

  const t = (key: string, params?: Record<string, unknown>): string =>
    params ? i18n.global.t(key, params) : i18n.global.t(key);
  const entry = (changes: Partial<OutboxEntry>): OutboxEntry => ({
    id: '0190a6c4-0000-7000-8000-000000000001',
    userId: lan.userId,
    name: 'attendance.mark',
    args: {},
    clientTime: '2025-11-24T02:05:00.000Z',
    state: 'rejected',
    error: REASON,
    attempts: 1,
    targets: [],
    ...changes,
  });
  const none = { person: async () => null, session: async () => null, authorName: async () => null };

  it('names people and sessions missing from the device instead of hiding the change', async () => {
    const [item] = await resolveAttentionItems(
      [entry({ args: { sessionId: school.session.id, personId: school.people[0]!.id, status: 'excused' } })],
      none,
    );
    expect(describeSubject(item!.subject, t)).toBe(
      'Điểm danh: người không có trong danh sách trên máy — buổi không có trên máy, vắng có phép',
    );
    expect(item!.authorName).toBeNull();
  });

  it('still lists an entry whose stored arguments no longer fit the schema', async () => {
    const [item] = await resolveAttentionItems([entry({ args: { status: 'maybe' } })], none);
    expect(item!.subject).toEqual({ kind: 'other', name: 'attendance.mark' });
    expect(describeSubject(item!.subject, t)).toBe('Thay đổi "attendance.mark"');
    expect(item!.reason).toBe(REASON);
  });

  it('a blank note is dropped from the fix, not sent as an empty note', () => {
    const original = { sessionId: school.session.id, personId: school.people[0]!.id, status: 'present' as const, note: 'cũ' };
    expect(fixedAttendanceArgs(original, { status: 'absent', note: '   ' })).toEqual({
      sessionId: original.sessionId,
      personId: original.personId,
      status: 'absent',
    });
  });

  it('follows the chosen language', () => {
    setLocale('en');
    const subject = {
      kind: 'attendance.mark' as const,
      args: { sessionId: school.session.id, personId: school.people[0]!.id, status: 'late' as const },
      personName: 'Học sinh 1',
      sessionTitle: 'Diễn tập PCCC học kỳ I',
    };
    expect(describeSubject(subject, t)).toBe('Attendance: Học sinh 1 — Diễn tập PCCC học kỳ I, late');
  });
});
