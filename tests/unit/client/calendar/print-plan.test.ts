import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { mount, type VueWrapper } from '@vue/test-utils';
import App from '../helpers/mount-app.vue';
import { disposePage, fakeDateAt } from '../helpers/mount';
import { globalPlugins, planFixture, planRouter, sessionOf, signedIn, type Harness } from './harness';
import { icsFileName, sessionsByMonth } from '../../../../src/client/features/exports/plan-export';

let harness: Harness | null = null;
let wrapper: VueWrapper | null = null;

beforeEach(() => {
  fakeDateAt('2025-10-20T03:00:00.000Z');
});

afterEach(async () => {
  await disposePage(wrapper, harness);
  wrapper = null;
  harness = null;
  vi.useRealTimers();
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
});

/** The unfolded content lines of an iCalendar text (RFC 5545 §3.1: a CRLF followed by a space continues a line). */
function icsLines(text: string): string[] {
  expect(text.endsWith('\r\n')).toBe(true);
  expect(text.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
  return text.replace(/\r\n /g, '').split('\r\n').filter((l) => l.length > 0);
}

function events(lines: string[]): Map<string, string>[] {
  const out: Map<string, string>[] = [];
  let current: Map<string, string> | null = null;
  for (const line of lines) {
    if (line === 'BEGIN:VEVENT') current = new Map();
    else if (line === 'END:VEVENT') {
      out.push(current!);
      current = null;
    } else if (current) {
      const colon = line.indexOf(':');
      current.set(line.slice(0, colon), line.slice(colon + 1));
    }
  }
  return out;
}

async function openPrint() {
  const fixture = planFixture();
  const sessions = [
    sessionOf(fixture, '2025-09-08T00:15:00.000Z', {
      title: 'Tuyên truyền ATGT, phát bản cam kết cho học sinh và cha mẹ học sinh',
      activityTypeId: fixture.types.traffic.id,
      status: 'done',
      audience: { classIds: [fixture.classes[0]!.id], grades: [], staff: false, youthStaffOnly: false, parents: true },
    }),
    // 23:30 UTC on 30 September is 06:30 on 1 October in Hà Nội: an October session.
    sessionOf(fixture, '2025-09-30T23:30:00.000Z', { title: 'Chào cờ: phòng, chống bạo lực học đường' }),
    sessionOf(fixture, '2025-10-14T01:00:00.000Z', { title: 'Diễn tập PCCC học kỳ I', activityTypeId: fixture.types.drill.id }),
    sessionOf(fixture, '2025-10-07T07:00:00.000Z', { title: 'Ngoại khóa bị hủy', status: 'cancelled' }),
  ];
  harness = await signedIn('principal', fixture, { sessions });
  const router = planRouter();
  await router.push({ name: 'plan-print' });
  wrapper = mount(App, { global: globalPlugins(harness, router), attachTo: document.body });
  await vi.waitFor(() => expect(wrapper!.findAll('[data-testid="print-session"]')).toHaveLength(3));
  return { fixture, sessions, w: wrapper };
}

describe('printable plan', () => {
  it("renders the school year's sessions by Hà Nội month, without the cancelled one, and prints on request", async () => {
    const { sessions, w } = await openPrint();
    expect(w.find('[data-testid="print-title"]').text()).toBe('Kế hoạch năm học 2025-2026');
    expect(w.find('[data-testid="print-scope"]').text()).toBe('Trường Tiểu học Dịch Vọng');
    const months = w.findAll('[data-testid="print-month"]');
    expect(months.map((m) => m.find('h2').text())).toEqual(['Tháng 9 năm 2025', 'Tháng 10 năm 2025']);
    expect(months[1]!.findAll('[data-testid="print-session"]').map((r) => r.attributes('data-session-id'))).toEqual([
      sessions[1]!.id,
      sessions[2]!.id,
    ]);
    const first = months[0]!.find('[data-testid="print-session"]').findAll('td, th').map((c) => c.text());
    expect(first).toEqual([
      'Thứ Hai 08/09',
      '07:15–08:45',
      'Tuyên truyền ATGT, phát bản cam kết cho học sinh và cha mẹ học sinh',
      'An toàn giao thông',
      'Sân trường',
      'Lớp 3A1; Cha mẹ học sinh',
      'Đã tổ chức',
    ]);
    expect(w.text()).not.toContain('Ngoại khóa bị hủy');

    // happy-dom has no print dialog: the page must call the browser's own window.print().
    const print = vi.fn();
    vi.stubGlobal('print', print);
    await w.find('[data-testid="print-button"]').trigger('click');
    expect(print).toHaveBeenCalledTimes(1);
  });

  it('downloads the plan as an .ics file built on the device: one VEVENT per session, UID and DTSTART in UTC', async () => {
    const { sessions, w } = await openPrint();
    let blob: Blob | null = null;
    let fileName = '';
    URL.createObjectURL = vi.fn((b: Blob) => {
      blob = b;
      return 'blob:plan';
    }) as typeof URL.createObjectURL;
    URL.revokeObjectURL = vi.fn();
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      fileName = this.download;
    });

    await w.find('[data-testid="ics-download"]').trigger('click');
    expect(blob).not.toBeNull();
    expect(fileName).toBe('ke-hoach-2025-2026-truong-tieu-hoc-dich-vong.ics');
    const text = await blob!.text();
    const lines = icsLines(text);
    expect(lines[0]).toBe('BEGIN:VCALENDAR');
    expect(lines.at(-1)).toBe('END:VCALENDAR');
    expect(lines).toContain('X-WR-CALNAME:Trường An — Trường Tiểu học Dịch Vọng — năm học 2025-2026');
    const vevents = events(lines);
    // Every session of the year, the cancelled one too, marked so that a calendar drops it.
    expect(vevents).toHaveLength(4);
    const byUid = new Map(vevents.map((e) => [e.get('UID'), e]));
    for (const s of sessions) expect(byUid.has(`${s.id}@truongan`)).toBe(true);
    const october = byUid.get(`${sessions[1]!.id}@truongan`)!;
    expect(october.get('DTSTART')).toBe('20250930T233000Z');
    expect(october.get('DTEND')).toBe('20251001T010000Z');
    expect(october.get('SUMMARY')).toBe('Chào cờ: phòng\\, chống bạo lực học đường');
    expect(byUid.get(`${sessions[3]!.id}@truongan`)!.get('STATUS')).toBe('CANCELLED');
  });

  it('asks the server for the subscription address when online and copies it', async () => {
    const { w } = await openPrint();
    const fetchMock = vi.fn(async () => new Response(JSON.stringify({ url: 'https://truongan.example/api/calendar/feed/s3cr3t' }), { status: 200 }));
    vi.stubGlobal('fetch', fetchMock);
    const writeText = vi.fn(async () => undefined);
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });

    await w.find('[data-testid="feed-create"]').trigger('click');
    await vi.waitFor(() => expect(w.find('[data-testid="feed-url"]').exists()).toBe(true));
    expect((w.find('[data-testid="feed-url"]').element as HTMLInputElement).value).toBe(
      'https://truongan.example/api/calendar/feed/s3cr3t',
    );
    const [url, init] = fetchMock.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe('/api/calendar/feed');
    expect(init.method).toBe('POST');
    expect((init.headers as Record<string, string>).authorization).toMatch(/^Bearer /);

    await w.find('[data-testid="feed-copy"]').trigger('click');
    await vi.waitFor(() => expect(writeText).toHaveBeenCalledWith('https://truongan.example/api/calendar/feed/s3cr3t'));
    await vi.waitFor(() => expect(w.text()).toContain('Đã sao chép đường dẫn.'));
  });

  it('groups by Hà Nội month and names files without diacritics', () => {
    const fixture = planFixture();
    const late = sessionOf(fixture, '2025-10-31T17:30:00.000Z');
    const early = sessionOf(fixture, '2025-10-31T16:00:00.000Z');
    expect(sessionsByMonth([late, early]).map((m) => [m.month, m.sessions.map((s) => s.id)])).toEqual([
      ['2025-10', [early.id]],
      ['2025-11', [late.id]],
    ]);
    expect(icsFileName('2025-2026', 'Trường THCS Nguyễn Trãi — Đống Đa')).toBe('ke-hoach-2025-2026-truong-thcs-nguyen-trai-dong-da.ics');
  });
});
