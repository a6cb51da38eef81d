import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { mount, type VueWrapper } from '@vue/test-utils';
import App from '../helpers/mount-app.vue';
import { disposePage } from '../helpers/mount';
import { mutate } from '../../../../src/client/sync/mutate';
import { globalPlugins, makeFixture, sessionAt, signedInTeacher, testRouter, type Harness } from './setup';

let harness: Harness | null = null;
let wrapper: VueWrapper | null = null;

afterEach(async () => {
  await disposePage(wrapper, harness);
  wrapper = null;
  harness = null;
});

const DAY = 86_400_000;

describe('sessions page', () => {
  it("lists the school's sessions and the unit-wide ones above it, by tab, with progress and pending changes", async () => {
    const fixture = makeFixture();
    const inAMonth = new Date(Date.now() + 30 * DAY).toISOString();
    const longAgo = new Date(Date.now() - 60 * DAY).toISOString();
    const clusterWide = sessionAt(fixture, {
      schoolId: null,
      scopeUnitId: fixture.cluster.id,
      title: 'Tập huấn công tác Đội của cụm',
      startsAt: inAMonth,
      endsAt: new Date(Date.parse(inAMonth) + 3 * 3600_000).toISOString(),
    });
    const past = sessionAt(fixture, { title: 'Diễn tập PCCC học kỳ I', startsAt: longAgo, endsAt: new Date(Date.parse(longAgo) + 3600_000).toISOString(), status: 'done' });
    const elsewhere = sessionAt({ school: fixture.otherSchool, schoolYearId: fixture.schoolYearId }, { title: 'Buổi của trường khác' });
    harness = await signedInTeacher(fixture, { sessions: [clusterWide, past, elsewhere] });
    await mutate('attendance.mark', { sessionId: fixture.session.id, personId: fixture.people[0]!.id, status: 'present' });

    const router = testRouter();
    await router.push({ name: 'sessions', query: { xem: 'upcoming' } });
    wrapper = mount(App, { global: globalPlugins(harness, router), attachTo: document.body });
    const titles = () => wrapper!.findAll('[data-testid="session-card"]').map((c) => c.find('h2').text());

    await vi.waitFor(() => expect(titles()).toEqual([fixture.session.title, 'Tập huấn công tác Đội của cụm']));
    const card = () => wrapper!.find(`[data-session-id="${fixture.session.id}"]`);
    // The marks are read after the sessions: until then the card shows no count rather than a wrong one.
    await vi.waitFor(() => expect(card().find('[data-testid="session-progress"]').exists()).toBe(true));
    expect(card().find('[data-testid="session-progress"]').text()).toContain('Đã điểm danh 1/8');
    expect(card().find('[data-testid="session-pending"]').exists()).toBe(true);
    expect(wrapper.find(`[data-session-id="${clusterWide.id}"] [data-testid="session-pending"]`).exists()).toBe(false);
    // A cluster-wide session opens the sheet of this school.
    expect(wrapper.find(`[data-session-id="${clusterWide.id}"]`).attributes('href')).toBe(
      `/buoi/${clusterWide.id}/diem-danh?truong=${fixture.school.id}`,
    );

    await wrapper.find('[data-testid="sessions-tab-past"]').trigger('click');
    await vi.waitFor(() => expect(titles()).toEqual(['Diễn tập PCCC học kỳ I']));
    expect(wrapper.find('[data-testid="sessions-tab-past"]').attributes('aria-selected')).toBe('true');
    expect(wrapper.find('.session-card__status').text()).toBe('Đã tổ chức');

    // Marks made offline update the progress live.
    await wrapper.find('[data-testid="sessions-tab-upcoming"]').trigger('click');
    await vi.waitFor(() => expect(titles()).toHaveLength(2));
    await mutate('attendance.mark', { sessionId: fixture.session.id, personId: fixture.people[1]!.id, status: 'absent' });
    await vi.waitFor(() =>
      expect(wrapper!.find(`[data-session-id="${fixture.session.id}"] [data-testid="session-progress"]`).text()).toContain(
        'Đã điểm danh 2/8',
      ),
    );
  });
});
