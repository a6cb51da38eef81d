import { afterEach, describe, expect, it } from 'vitest';
import { flushPromises, mount } from '@vue/test-utils';
import PrimeVue from 'primevue/config';
import SignInForm from '../../../../src/client/features/auth/SignInForm.vue';
import { i18n, setLocale } from '../../../../src/client/i18n';

function mountForm(props: Partial<{ busy: boolean; failure: string | null; initialUsername: string }> = {}) {
  return mount(SignInForm, {
    props: { busy: false, failure: null, ...props },
    global: { plugins: [i18n, [PrimeVue, { unstyled: true }]] },
    attachTo: document.body,
  });
}

/** vee-validate debounces schema validation by a few milliseconds before its promises resolve. */
async function settle(): Promise<void> {
  await flushPromises();
  await new Promise((resolve) => setTimeout(resolve, 20));
  await flushPromises();
}

afterEach(() => {
  setLocale('vi');
  document.body.innerHTML = '';
});

describe('SignInForm', () => {
  it('shows each field its own error next to it and does not submit an empty form', async () => {
    const wrapper = mountForm();
    await wrapper.find('form').trigger('submit');
    await settle();

    const username = wrapper.find('input[name="username"]');
    const password = wrapper.find('input[name="password"]');
    expect(username.attributes('aria-invalid')).toBe('true');
    expect(password.attributes('aria-invalid')).toBe('true');
    const usernameError = wrapper.find(`#${username.attributes('aria-describedby')}`);
    const passwordError = wrapper.find(`#${password.attributes('aria-describedby')}`);
    expect(usernameError.text()).toBe('Hãy nhập tên đăng nhập');
    expect(passwordError.text()).toBe('Hãy nhập mật khẩu');
    expect(wrapper.emitted('submit')).toBeUndefined();
  });

  it('clears a field error as soon as the field is corrected', async () => {
    const wrapper = mountForm();
    await wrapper.find('form').trigger('submit');
    await settle();
    await wrapper.find('input[name="username"]').setValue('gv.dichvong');
    await settle();

    expect(wrapper.find('input[name="username"]').attributes('aria-invalid')).toBe('false');
    expect(wrapper.text()).not.toContain('Hãy nhập tên đăng nhập');
    expect(wrapper.text()).toContain('Hãy nhập mật khẩu');
  });

  it('submits the credentials as the shared schema outputs them (username trimmed)', async () => {
    const wrapper = mountForm();
    await wrapper.find('input[name="username"]').setValue('  gv.dichvong ');
    await wrapper.find('input[name="password"]').setValue('truongan2025');
    await wrapper.find('form').trigger('submit');
    await settle();

    expect(wrapper.emitted('submit')).toEqual([[{ username: 'gv.dichvong', password: 'truongan2025' }]]);
    expect(wrapper.find('[aria-invalid="true"]').exists()).toBe(false);
  });

  it('speaks English when English is chosen', async () => {
    setLocale('en');
    const wrapper = mountForm();
    await wrapper.find('form').trigger('submit');
    await settle();

    expect(wrapper.text()).toContain('Enter your username');
    expect(wrapper.text()).toContain('Enter your password');
    expect(wrapper.find('label[for]').text()).toBe('Username');
  });

  it('shows why the last attempt failed, and a pre-filled username from a device account', async () => {
    const wrapper = mountForm({ failure: 'Sai tên đăng nhập hoặc mật khẩu.', initialUsername: 'gv.dichvong' });
    await settle();

    expect(wrapper.find('[data-testid="sign-in-failure"]').text()).toBe('Sai tên đăng nhập hoặc mật khẩu.');
    expect((wrapper.find('input[name="username"]').element as HTMLInputElement).value).toBe('gv.dichvong');
  });

  it('fills the username and focuses the password when a device account is chosen', async () => {
    const wrapper = mountForm();
    (wrapper.vm as unknown as { chooseUsername(u: string): void }).chooseUsername('ht.dichvong');
    await settle();

    expect((wrapper.find('input[name="username"]').element as HTMLInputElement).value).toBe('ht.dichvong');
    expect(document.activeElement).toBe(wrapper.find('input[name="password"]').element);
  });

  it('labels the password reveal button and toggles what it shows', async () => {
    const wrapper = mountForm();
    const reveal = wrapper.find('button[aria-pressed]');
    expect(reveal.attributes('aria-label')).toBe('Hiện mật khẩu');
    expect(wrapper.find('input[name="password"]').attributes('type')).toBe('password');
    await reveal.trigger('click');
    expect(reveal.attributes('aria-label')).toBe('Ẩn mật khẩu');
    expect(wrapper.find('input[name="password"]').attributes('type')).toBe('text');
  });
});
