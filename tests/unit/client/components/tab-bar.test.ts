import { afterEach, describe, expect, it } from 'vitest';
import { mount, type VueWrapper } from '@vue/test-utils';
import { defineComponent, h, ref } from 'vue';
import TabBar from '../../../../src/client/components/layout/TabBar.vue';

const TABS = ['week', 'upcoming', 'past'] as const;
type Tab = (typeof TABS)[number];

let wrapper: VueWrapper | null = null;

afterEach(() => {
  wrapper?.unmount();
  wrapper = null;
  document.body.innerHTML = '';
});

/** The tab bar with its selection held by the parent, as the pages hold it in the address. */
function mountBar(initial: Tab = 'week') {
  const selected = ref<Tab>(initial);
  const Host = defineComponent(() => () =>
    h(
      TabBar<Tab>,
      {
        tabs: TABS,
        selected: selected.value,
        label: 'Xem',
        idPrefix: 'demo-tab',
        panelId: 'demo-panel',
        testIdPrefix: 'demo-testid',
        onSelect: (id: Tab) => (selected.value = id),
      },
      { default: ({ id }: { id: Tab }) => `Nhãn ${id}` },
    ),
  );
  wrapper = mount(Host, { attachTo: document.body });
  return { w: wrapper, selected };
}

const tab = (w: VueWrapper, id: Tab) => w.get(`[data-testid="demo-testid-${id}"]`);

describe('TabBar', () => {
  it('renders a named tab list whose tabs point at the panel, with one tab in the Tab order', () => {
    const { w } = mountBar('upcoming');
    expect(w.get('[role="tablist"]').attributes('aria-label')).toBe('Xem');
    expect(tab(w, 'upcoming').attributes()).toMatchObject({
      id: 'demo-tab-upcoming',
      role: 'tab',
      'aria-selected': 'true',
      'aria-controls': 'demo-panel',
      tabindex: '0',
    });
    expect(tab(w, 'week').attributes()).toMatchObject({ 'aria-selected': 'false', tabindex: '-1' });
    expect(tab(w, 'past').text()).toBe('Nhãn past');
  });

  it('selects on click, and arrow keys, Home and End move the selection and the focus, wrapping at the ends', async () => {
    const { w, selected } = mountBar('week');
    await tab(w, 'past').trigger('click');
    expect(selected.value).toBe('past');

    await tab(w, 'past').trigger('keydown', { key: 'ArrowRight' });
    expect(selected.value).toBe('week');
    expect(document.activeElement?.id).toBe('demo-tab-week');

    await tab(w, 'week').trigger('keydown', { key: 'ArrowLeft' });
    expect(selected.value).toBe('past');
    expect(document.activeElement?.id).toBe('demo-tab-past');

    await tab(w, 'past').trigger('keydown', { key: 'Home' });
    expect(selected.value).toBe('week');
    await tab(w, 'week').trigger('keydown', { key: 'End' });
    expect(selected.value).toBe('past');
    expect(tab(w, 'past').attributes('tabindex')).toBe('0');

    await tab(w, 'past').trigger('keydown', { key: 'Enter' });
    expect(selected.value).toBe('past');
  });
});
