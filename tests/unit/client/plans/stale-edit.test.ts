import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import NeedsAttentionList from '../../../../src/client/features/sync/NeedsAttentionList.vue';
import { STALE_EDIT_REASON } from '../../../../src/shared/plan/session-input';
import type { Session } from '../../../../src/shared/domain';
import { applyPullPage } from '../../../../src/client/db/repositories/pull';
import { rejectEntries } from '../../../../src/client/db/repositories/outbox';
import { mutateWith } from '../../../../src/client/sync/mutate';
import { setLocale } from '../../../../src/client/i18n';
import { disposeDevice, type Device } from '../settings/harness';
import { makeWorld, plannedSession, plannerDevice, principalOf, type PlanWorld } from './harness';

const now = Date.parse('2025-10-01T02:00:00Z');
let device: Device;
let userId: string;
let world: PlanWorld;
let wrapper: VueWrapper | null = null;
let session: Session;
let theirs: Session;

async function until(check: () => void): Promise<void> {
  await vi.waitFor(async () => {
    await flushPromises();
    check();
  }, { timeout: 5000 });
}

/** This device moves the session to 22/10 offline; meanwhile another planner renamed it and the server refused ours as stale. */
async function staleEdit(): Promise<string> {
  const { title, activityTypeId, scenarioCode, place, audience, facilitatorPersonId, trainerUserId, materialIds, periods } = session;
  const { id } = await mutateWith({ db: device.db, userId, now: () => now }, 'session.update', {
    id: session.id,
    baseRevision: 2,
    fields: {
      title, activityTypeId, scenarioCode, place, audience, facilitatorPersonId, trainerUserId, materialIds, periods,
      startsAt: '2025-10-22T00:30:00.000Z',
      endsAt: '2025-10-22T02:00:00.000Z',
    },
  });
  // The other planner's version arrives with a pull while ours waits: kept aside, not shown over ours.
  await applyPullPage(device.db, userId, [{ entity: 'session', op: 'put', row: theirs as never }], 'cursor-1');
  await rejectEntries(device.db, new Map([[id, `${STALE_EDIT_REASON}: revision 3 ≠ 2`]]));
  return id;
}

describe('stale session edit', () => {
  beforeEach(async () => {
    setLocale('vi');
    world = makeWorld();
    ({ device, userId } = await plannerDevice(world, principalOf, () => now));
    session = plannedSession(world, { revision: 2 });
    theirs = { ...session, title: 'Diễn tập PCCC cùng Công an phường', place: 'Nhà đa năng', revision: 3 };
    await device.db.entity('session').put(session);
  });
  afterEach(async () => {
    wrapper?.unmount();
    wrapper = null;
    await disposeDevice(device);
  });

  async function mountList(): Promise<VueWrapper> {
    wrapper = mount(NeedsAttentionList, { global: { plugins: device.plugins as never[], stubs: { teleport: true } } });
    await until(() => expect(wrapper!.find('[data-testid="stale-field"]').exists()).toBe(true));
    return wrapper;
  }

  it('shows both versions field by field with the differences marked', async () => {
    await staleEdit();
    const w = await mountList();
    const row = (field: string) => w.find(`[data-testid="stale-field"][data-field="${field}"]`);
    expect(w.text()).toContain('Bản của bạn');
    expect(w.text()).toContain('Bản trên máy chủ');
    expect(row('title').attributes('data-differs')).toBe('true');
    expect(row('title').find('[data-testid="stale-mine"]').text()).toBe(session.title);
    expect(row('title').find('[data-testid="stale-theirs"]').text()).toBe(theirs.title);
    expect(row('place').attributes('data-differs')).toBe('true');
    expect(row('startsAt').attributes('data-differs')).toBe('true');
    expect(row('startsAt').find('[data-testid="stale-mine"]').text()).toContain('22/10/2025');
    expect(row('startsAt').find('[data-testid="stale-theirs"]').text()).toContain('15/10/2025');
    expect(row('audience').attributes('data-differs')).toBe('false');
    // The generic resend button is replaced by the two choices.
    expect(w.find('[data-testid="attention-resend"]').exists()).toBe(false);
  });

  it('“Giữ bản của tôi” sends the same change again on the server’s current revision', async () => {
    const rejectedId = await staleEdit();
    const w = await mountList();
    await w.find('[data-testid="stale-keep-mine"]').trigger('click');
    await until(() => expect(w.find('[data-testid="attention-empty"]').exists()).toBe(true));
    const entries = await device.db.outbox.toArray();
    expect(entries).toHaveLength(1);
    const [entry] = entries;
    expect(entry!.id).not.toBe(rejectedId);
    expect(entry).toMatchObject({ name: 'session.update', state: 'pending', args: { id: session.id, baseRevision: 3 } });
    expect((entry!.args as { fields: { startsAt: string } }).fields.startsAt).toBe('2025-10-22T00:30:00.000Z');
    // Locally the session is ours, at the revision the server will give it.
    expect(await device.db.entity('session').get(session.id)).toMatchObject({
      title: session.title,
      startsAt: '2025-10-22T00:30:00.000Z',
      revision: 4,
    });
  });

  it('“Dùng bản trên máy chủ” drops the change and shows the server’s version', async () => {
    await staleEdit();
    const w = await mountList();
    expect((await device.db.entity('session').get(session.id))?.startsAt).toBe('2025-10-22T00:30:00.000Z');
    await w.find('[data-testid="stale-use-theirs"]').trigger('click');
    await until(() => expect(w.find('[data-testid="attention-empty"]').exists()).toBe(true));
    expect(await device.db.outbox.count()).toBe(0);
    expect(await device.db.entity('session').get(session.id)).toEqual(theirs);
  });
});
