import 'fake-indexeddb/auto';
import { randomUUID } from 'node:crypto';
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createMemoryHistory, createRouter } from 'vue-router';
import { defineComponent } from 'vue';
import ImportPage from '../../../../src/client/features/roster/ImportPage.vue';
import { setMeta } from '../../../../src/client/db/repositories/meta';
import { useSessionStore } from '../../../../src/client/stores/session';
import type { TruongAnDb } from '../../../../src/client/db/database';
import type { Runtime } from '../../../../src/client/sync/runtime';
import type { ImportBatchView } from '../../../../src/shared/roster-import';
import { freshDb } from '../sync/harness';
import { appPlugins, disposePage } from '../helpers/mount';
import { configureTestRuntime } from '../helpers/runtime';

const SCHOOL = randomUUID();
const DEPT = randomUUID();
const YEAR = randomUUID();

function preview(status: 'previewed' | 'applied'): ImportBatchView & { result: unknown } {
  return {
    id: 'batch-1',
    schoolId: SCHOOL,
    schoolYearId: YEAR,
    kind: 'students',
    status,
    createdAt: '2025-10-01T00:00:00.000Z',
    appliedAt: status === 'applied' ? '2025-10-01T00:01:00.000Z' : null,
    sheet: 'C1-HocSinh',
    droppedColumns: ['Dân tộc', 'Họ tên cha'],
    summary: { create: 120, update: 0, leave: 3, unchanged: 0, errors: 1, warnings: 0, total: 121 },
    rows: [
      { line: 7, code: 'HS7', fullName: '', className: '1A1', status: 'active', problems: ['missingName'], action: 'skip' },
      ...Array.from({ length: 120 }, (_, i) => ({
        line: i + 8,
        code: `HS${i + 8}`,
        fullName: `Học Sinh ${i + 8}`,
        className: '1A1',
        status: 'active' as const,
        problems: [],
        action: 'create' as const,
      })),
    ],
    absent: [{ code: 'OLD1', fullName: 'Người Cũ', className: null }],
    classesToCreate: [{ name: '1A1', grade: 1 }],
    result: status === 'applied' ? { created: 120, updated: 0, left: 3, classesCreated: 1, skipped: 1 } : null,
  };
}

describe('ImportPage', () => {
  let wrapper: VueWrapper | null = null;
  let harness: { runtime: Runtime; db: TruongAnDb } | null = null;
  afterEach(async () => {
    vi.unstubAllGlobals();
    await disposePage(wrapper, harness);
    wrapper = null;
  });

  async function mountPage(online = true) {
    const db = freshDb();
    const runtime = configureTestRuntime({ db, isOnline: () => online, now: () => Date.parse('2025-10-01T03:00:00Z') });
    harness = { runtime, db };
    await db.entity('unit').bulkPut([
      { id: DEPT, kind: 'department', name: 'Sở GDĐT Hà Nội', code: null, parentId: null, clusterId: null, schoolLevel: null, status: 'active', stream: DEPT, version: 1 },
      { id: SCHOOL, kind: 'school', name: 'Trường Tiểu học Dịch Vọng', code: null, parentId: DEPT, clusterId: null, schoolLevel: 'th', status: 'active', stream: DEPT, version: 2 },
    ] as never[]);
    await db.entity('schoolYear').put({
      id: YEAR,
      departmentId: DEPT,
      label: '2025-2026',
      startDate: '2025-09-05',
      endDate: '2026-05-31',
      terms: [{ no: 1, name: 'Học kỳ I', startDate: '2025-09-05', endDate: '2026-01-15' }],
      stream: DEPT,
      version: 3,
    } as never);
    const userId = randomUUID();
    await db.accounts.put({
      userId,
      username: 'ht.dichvong',
      user: { id: userId, username: 'ht.dichvong', displayName: 'Hiệu trưởng', personId: null, mustChangePassword: false, grants: [{ role: 'principal', unitId: SCHOOL, unitName: 'TH Dịch Vọng' }] },
      token: 'token-principal-0123456789',
      expiresAt: '2099-01-01T00:00:00.000Z',
      verifier: null,
      needsReauth: false,
      lastSignInAt: '2025-10-01T00:00:00.000Z',
    } as never);
    await setMeta('currentUserId', userId, db);
    const pinia = createPinia();
    setActivePinia(pinia);
    await useSessionStore(pinia).restore();
    const Blank = defineComponent({ render: () => null });
    const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/', component: Blank }] });
    wrapper = mount(ImportPage, { global: { plugins: appPlugins(pinia, router) }, attachTo: document.body });
    for (let i = 0; i < 5; i++) await flushPromises();
    return wrapper;
  }

  async function chooseFile(w: VueWrapper, name: string, text: string) {
    const input = w.get('[data-testid="import-file"]');
    const file = new File([text], name, { type: 'text/csv' });
    Object.defineProperty(input.element, 'files', { value: [file], configurable: true });
    await input.trigger('change');
  }

  it('uploads the file, shows the problem rows first and a page of 50, applies only after the skip is confirmed', async () => {
    const calls: { url: string; init: RequestInit }[] = [];
    vi.stubGlobal(
      'fetch',
      vi.fn(async (url: string, init: RequestInit) => {
        calls.push({ url, init });
        if (url.endsWith('/apply')) return new Response(JSON.stringify(preview('applied')), { status: 200 });
        if (url.includes('/imports')) return new Response(JSON.stringify(preview('previewed')), { status: 201 });
        return new Response('{}', { status: 404 });
      }),
    );
    const w = await mountPage();
    await chooseFile(w, 'hoc-sinh.csv', 'Mã học sinh;Họ và tên;Mã lớp\n');
    await w.get('form').trigger('submit');
    for (let i = 0; i < 10; i++) await flushPromises();

    const upload = calls.find((c) => c.url.includes(`/api/schools/${SCHOOL}/imports`))!;
    expect(upload.url).toContain(`kind=students&schoolYearId=${YEAR}`);
    expect((upload.init.headers as Record<string, string>)['content-type']).toBe('text/csv');
    expect((upload.init.headers as Record<string, string>).authorization).toBe('Bearer token-principal-0123456789');

    expect(w.get('[data-testid="import-count-create"]').text()).toContain('120');
    expect(w.get('[data-testid="import-preview"]').text()).toContain('Dân tộc, Họ tên cha');
    // The problem filter is on first: only the bad row.
    let rows = w.findAll('[data-testid="import-rows"] tbody tr');
    expect(rows).toHaveLength(1);
    expect(rows[0]!.text()).toContain('Thiếu họ tên');
    // All rows: 121, paged by 50.
    const allButton = w.findAll('button').find((b) => b.text() === 'Tất cả các dòng')!;
    await allButton.trigger('click');
    await flushPromises();
    rows = w.findAll('[data-testid="import-rows"] tbody tr');
    expect(rows).toHaveLength(50);
    expect(w.text()).toContain('Trang 1/3');

    const apply = w.get('[data-testid="import-apply"]');
    expect(apply.attributes('disabled')).toBeDefined();
    await w.get('[data-testid="import-confirm-skip"] input').setValue(true);
    await flushPromises();
    expect(w.get('[data-testid="import-apply"]').attributes('disabled')).toBeUndefined();
    await w.get('[data-testid="import-apply"]').trigger('click');
    for (let i = 0; i < 10; i++) await flushPromises();
    const applyCall = calls.find((c) => c.url.endsWith('/api/imports/batch-1/apply'))!;
    expect(JSON.parse(applyCall.init.body as string)).toEqual({ confirm: true });
    expect(w.get('[data-testid="import-applied"]').text()).toContain('thêm 120');
  });

  it('shows the server refusal in plain words', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => new Response(JSON.stringify({ error: 'unsupported_media_type', message: 'Tệp không phải Excel (.xlsx) hay CSV' }), { status: 415 })),
    );
    const w = await mountPage();
    await chooseFile(w, 'anh.png', 'xx');
    await w.get('form').trigger('submit');
    for (let i = 0; i < 10; i++) await flushPromises();
    expect(w.get('[data-testid="import-error"]').text()).toContain('Tệp không phải Excel');
  });
});
