import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { SessionUser } from '../../../../src/shared/auth';
import {
  MaterialFormSchema,
  MaterialUploadFlow,
  libraryChoices,
  loadResume,
  toCreateInput,
  titleFromFileName,
  type UploadState,
} from '../../../../src/client/features/materials/material-upload';
import { FakeUploadServer } from './fake-upload-server';

const TOKEN = 'token-of-principal-xxxxxxxxxxxxxxxx';
const USER = '0190a0a0-0000-7000-8000-0000000000aa';

class MemoryStorage implements Storage {
  private readonly map = new Map<string, string>();
  get length() {
    return this.map.size;
  }
  clear() {
    this.map.clear();
  }
  getItem(key: string) {
    return this.map.get(key) ?? null;
  }
  key(i: number) {
    return [...this.map.keys()][i] ?? null;
  }
  removeItem(key: string) {
    this.map.delete(key);
  }
  setItem(key: string, value: string) {
    this.map.set(key, value);
  }
}

function pdf(size: number) {
  const bytes = new Uint8Array(randomBytes(size));
  bytes.set(new TextEncoder().encode('%PDF-1.4\n'));
  return { blob: new Blob([bytes], { type: 'application/pdf' }), sha256: createHash('sha256').update(bytes).digest('hex'), bytes };
}

function makeFlow(server: FakeUploadServer, storage: Storage, fetch = server.fetch) {
  const states: UploadState[] = [];
  const flow = new MaterialUploadFlow({ userId: USER, token: () => TOKEN, storage, fetch, chunkBytes: 1000, onChange: (s) => states.push(s) });
  return { flow, states };
}

describe('material upload flow', () => {
  it('pauses on a lost connection, and after a reload continues the same file from the server offset', async () => {
    const server = new FakeUploadServer();
    const storage = new MemoryStorage();
    const file = pdf(4500);
    let patches = 0;
    const flaky: typeof server.fetch = async (input, init) => {
      if (init?.method === 'PATCH' && ++patches === 3) throw new TypeError('Failed to fetch');
      return server.fetch(input, init);
    };
    const first = makeFlow(server, storage, flaky);
    await first.flow.pick(file.blob, 'ke-hoach-pccc.pdf');
    expect(first.flow.current.phase).toBe('paused');
    expect(first.flow.current.done).toBe(2000);
    expect(first.states.some((s) => s.phase === 'hashing')).toBe(true);
    expect(loadResume(storage, USER)).toMatchObject({ sha256: file.sha256, name: 'ke-hoach-pccc.pdf', size: 4500, sent: 2000 });

    // The page is reloaded: the unfinished upload is offered, and picking the same file continues it.
    const second = makeFlow(server, storage);
    expect(second.flow.current.resume).toMatchObject({ name: 'ke-hoach-pccc.pdf' });
    await second.flow.pick(file.blob, 'ke-hoach-pccc.pdf');
    expect(second.flow.current).toMatchObject({ phase: 'uploaded', sha256: file.sha256, mime: 'application/pdf', resume: null });
    expect(server.received).toBe(4500);
    expect(server.log.filter((l) => l.startsWith('POST'))).toHaveLength(1);
    expect(server.stored.get(file.sha256)?.bytes.equals(Buffer.from(file.bytes))).toBe(true);
    expect(loadResume(storage, USER)).toBeNull();
  });

  it('gives up the unfinished upload when another file is picked, and cancels on request', async () => {
    const server = new FakeUploadServer();
    const storage = new MemoryStorage();
    const left = pdf(3000);
    const flaky: typeof server.fetch = async (input, init) => {
      if (init?.method === 'PATCH' && server.received >= 1000) throw new TypeError('Failed to fetch');
      return server.fetch(input, init);
    };
    await makeFlow(server, storage, flaky).flow.pick(left.blob, 'a.pdf');
    const unfinished = loadResume(storage, USER)?.uploadId;
    expect(unfinished).toBeTruthy();

    const { flow } = makeFlow(server, storage);
    await flow.pick(pdf(2500).blob, 'b.pdf');
    expect(flow.current.differentFile).toBe(true);
    expect(flow.current.phase).toBe('uploaded');
    // The unfinished upload was given up on the server, not left to hold space until it expires.
    expect(server.log).toContain(`DELETE /api/files/uploads/${unfinished}`);
    expect(server.uploads.has(unfinished!)).toBe(false);

    const third = makeFlow(new FakeUploadServer(), storage);
    expect(third.flow.current.resume).toBeNull();
  });

  it('cancels an upload: the server forgets it and nothing is left to resume', async () => {
    const server = new FakeUploadServer();
    const storage = new MemoryStorage();
    const file = pdf(3000);
    const flaky: typeof server.fetch = async (input, init) => {
      if (init?.method === 'PATCH' && server.received >= 1000) throw new TypeError('Failed to fetch');
      return server.fetch(input, init);
    };
    const { flow } = makeFlow(server, storage, flaky);
    await flow.pick(file.blob, 'a.pdf');
    expect(flow.current.phase).toBe('paused');
    await flow.cancel();
    expect(flow.current.phase).toBe('cancelled');
    expect(server.uploads.size).toBe(0);
    expect(loadResume(storage, USER)).toBeNull();
  });

  it('refuses too large or empty files before sending, and shows a server refusal', async () => {
    const server = new FakeUploadServer();
    const { flow } = makeFlow(server, new MemoryStorage());
    await flow.pick({ size: 600 * 1024 * 1024 } as Blob, 'video.mp4');
    expect(flow.current).toMatchObject({ phase: 'failed', problem: { kind: 'tooLarge' } });
    await flow.pick(new Blob([]), 'rong.pdf');
    expect(flow.current).toMatchObject({ phase: 'failed', problem: { kind: 'empty' } });
    expect(server.log).toEqual([]);
    server.mimeFor = {};
    await flow.pick(pdf(500).blob, 'virus.pdf');
    expect(flow.current).toMatchObject({ phase: 'failed', problem: { kind: 'refused', detail: expect.stringMatching(/chỉ nhận/) } });
  });
});

describe('material form', () => {
  const user: SessionUser = {
    id: USER,
    username: 'ht',
    displayName: 'Hiệu trưởng',
    personId: null,
    mustChangePassword: false,
    grants: [
      { role: 'principal', unitId: '0190a0a0-0000-7000-8000-000000000001', unitName: 'TH Dịch Vọng' },
      { role: 'teacher', unitId: '0190a0a0-0000-7000-8000-000000000001', unitName: 'TH Dịch Vọng' },
      { role: 'officer', unitId: '0190a0a0-0000-7000-8000-000000000002', unitName: 'Phường Cầu Giấy' },
    ],
  };

  it('offers the libraries the user may publish to, none for a teacher', () => {
    expect(libraryChoices(user).map((l) => [l.kind, l.unitName, l.schoolId])).toEqual([
      ['school', 'TH Dịch Vọng', '0190a0a0-0000-7000-8000-000000000001'],
      ['unit', 'Phường Cầu Giấy', null],
    ]);
    expect(libraryChoices({ ...user, grants: [user.grants[1]!] })).toEqual([]);
  });

  it('turns the form into the shared create input', () => {
    const values = MaterialFormSchema.parse({
      libraryKey: libraryChoices(user)[0]!.key,
      title: ' Kế hoạch PCCC ',
      description: '',
      activityTypeId: null,
      schoolLevel: 'th',
      schoolYearId: null,
      tags: 'pccc, thoát nạn, pccc',
    });
    const input = toCreateInput(values, 'a'.repeat(64), libraryChoices(user));
    expect(input).toMatchObject({
      sha256: 'a'.repeat(64),
      title: 'Kế hoạch PCCC',
      description: null,
      schoolLevel: 'th',
      tags: ['pccc', 'thoát nạn'],
      ownerUnitId: '0190a0a0-0000-7000-8000-000000000001',
      schoolId: '0190a0a0-0000-7000-8000-000000000001',
    });
    expect(MaterialFormSchema.safeParse({ ...values, tags: Array.from({ length: 31 }, (_, i) => `t${i}`).join(',') }).success).toBe(false);
    expect(titleFromFileName('Ke_hoach PCCC 2025.pdf')).toBe('Ke hoach PCCC 2025');
  });
});
