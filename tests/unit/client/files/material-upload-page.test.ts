import 'fake-indexeddb/auto';
import { createHash, randomBytes } from 'node:crypto';
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import { createMemoryHistory, createRouter } from 'vue-router';
import { defineComponent } from 'vue';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import MaterialUploadPage from '../../../../src/client/features/materials/MaterialUploadPage.vue';
import RejectedFilesList from '../../../../src/client/components/files/RejectedFilesList.vue';
import { filesTable, queueFile } from '../../../../src/client/files/file-queue';
import { disposePage } from '../helpers/mount';
import { makeAccount, makeDevice, signInOnDevice, type Device } from '../settings/harness';
import { FakeUploadServer } from './fake-upload-server';

const Blank = defineComponent({ render: () => null });
const SCHOOL = '0190a0a0-0000-7000-8000-000000000001';

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    await flushPromises();
    if (check()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('material upload page', () => {
  let device: Device;
  let wrapper: VueWrapper | null = null;
  let uploads: FakeUploadServer;
  let created: unknown[];

  beforeEach(() => {
    device = makeDevice();
    uploads = new FakeUploadServer();
    created = [];
    vi.stubGlobal('fetch', async (input: string, init?: RequestInit) => {
      if (String(input).startsWith('/api/materials')) {
        created.push(JSON.parse(String(init?.body)));
        return new Response(JSON.stringify({ id: '0190a0a0-0000-7000-8000-00000000beef' }), { status: 201 });
      }
      return uploads.fetch(String(input), init);
    });
  });
  afterEach(async () => {
    vi.unstubAllGlobals();
    await disposePage(wrapper, device);
    wrapper = null;
  });

  async function mountAs(grants: { role: 'principal' | 'teacher'; unitId: string; unitName: string }[]) {
    const account = makeAccount('Hiệu trưởng Lan');
    account.user.grants = grants;
    await signInOnDevice(device, account);
    const router = createRouter({
      history: createMemoryHistory(),
      routes: [
        { path: '/tai-lieu', name: 'materials', component: Blank },
        { path: '/tai-lieu/tai-len', name: 'material-upload', component: MaterialUploadPage },
        { path: '/tai-lieu/:id', name: 'material-view', component: Blank },
      ],
    });
    await router.push('/tai-lieu/tai-len');
    wrapper = mount(MaterialUploadPage, { global: { plugins: [device.plugins[0], device.plugins[1], router, device.plugins[3]] as never[] }, attachTo: document.body });
    await flushPromises();
    return account;
  }

  it('uploads the picked file with progress and publishes it with its metadata to the school library', async () => {
    await mountAs([{ role: 'principal', unitId: SCHOOL, unitName: 'TH Dịch Vọng' }]);
    const bytes = randomBytes(5000);
    bytes.write('%PDF-1.4\n', 0, 'latin1');
    const file = new File([bytes], 'Ke hoach PCCC.pdf', { type: 'application/pdf' });
    const input = wrapper!.get('[data-testid="upload-file-input"]');
    Object.defineProperty(input.element, 'files', { value: [file], configurable: true });
    await input.trigger('change');
    await until(() => wrapper!.find('[data-testid="upload-done"]').exists(), 'the upload to finish');
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    expect(uploads.stored.has(sha256)).toBe(true);

    expect((wrapper!.get('[data-testid="material-title"]').element as HTMLInputElement).value).toBe('Ke hoach PCCC');
    await wrapper!.get('[data-testid="material-title"]').setValue('Kế hoạch PCCC');
    await wrapper!.get('[data-testid="material-form"]').trigger('submit');
    await until(() => wrapper!.find('[data-testid="upload-saved"]').exists(), 'the material to be published');
    expect(created).toEqual([
      expect.objectContaining({ sha256, title: 'Kế hoạch PCCC', ownerUnitId: SCHOOL, schoolId: SCHOOL, tags: [] }),
    ]);
    expect(wrapper!.text()).toContain('Đã đăng tài liệu “Kế hoạch PCCC”');
  });

  it('shows the server refusal of a disguised file and keeps publishing disabled', async () => {
    await mountAs([{ role: 'principal', unitId: SCHOOL, unitName: 'TH Dịch Vọng' }]);
    uploads.mimeFor = {};
    const input = wrapper!.get('[data-testid="upload-file-input"]');
    Object.defineProperty(input.element, 'files', { value: [new File([randomBytes(300)], 'tai-lieu.pdf')], configurable: true });
    await input.trigger('change');
    await until(() => wrapper!.find('[data-testid="upload-problem"]').exists(), 'the refusal');
    expect(wrapper!.get('[data-testid="upload-problem"]').text()).toMatch(/Máy chủ từ chối tệp: .*chỉ nhận/);
    expect(wrapper!.get('[data-testid="material-submit"]').attributes('disabled')).toBeDefined();
    expect(created).toEqual([]);
  });

  it('tells a teacher that uploading is not theirs to do', async () => {
    await mountAs([{ role: 'teacher', unitId: SCHOOL, unitName: 'TH Dịch Vọng' }]);
    expect(wrapper!.find('[data-testid="upload-not-allowed"]').exists()).toBe(true);
    expect(wrapper!.find('[data-testid="upload-file-input"]').exists()).toBe(false);
  });

  it('lists refused photos in "Cần xử lý" with the reason, and discards one on request', async () => {
    const sha = await queueFile(device.db, { bytes: new Uint8Array([1, 2, 3]).buffer, mime: 'image/jpeg', purpose: 'evidence', userId: 'u1', name: 'anh-1.jpg' });
    await filesTable(device.db).update(sha, { state: 'rejected', error: 'Tệp vượt quá giới hạn 10 MB' });
    wrapper = mount(RejectedFilesList, { global: { plugins: device.plugins as never[] }, attachTo: document.body });
    await until(() => wrapper!.find('[data-testid="rejected-files"]').exists(), 'the list');
    expect(wrapper.text()).toContain('Máy chủ từ chối tệp anh-1.jpg: Tệp vượt quá giới hạn 10 MB');
    await wrapper.get('button').trigger('click');
    await until(() => !wrapper!.find('[data-testid="rejected-files"]').exists(), 'the list to empty');
    expect(await filesTable(device.db).get(sha)).toBeUndefined();
  });
});
