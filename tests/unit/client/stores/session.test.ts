import 'fake-indexeddb/auto';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createApiClient } from '../../../../src/client/api';
import type { TruongAnDb } from '../../../../src/client/db/database';
import { VERIFIER_ITERATIONS } from '../../../../src/client/sync/accounts';
import { mutate } from '../../../../src/client/sync/mutate';
import type { Runtime } from '../../../../src/client/sync/runtime';
import { useSessionStore } from '../../../../src/client/stores/session';
import { useSyncStore } from '../../../../src/client/stores/sync';
import { FakeServer } from '../sync/fake-server';
import { freshDb, makeSchool, seedSchool, type School } from '../sync/harness';
import { configureTestRuntime } from '../helpers/runtime';

let clock = Date.parse('2025-10-01T01:00:00.000Z');
const now = (): number => clock;

describe('session store', () => {
  let db: TruongAnDb;
  let server: FakeServer;
  let school: School;
  let online: boolean;
  let runtime: Runtime;

  function setup(): void {
    runtime = configureTestRuntime({
      db,
      api: createApiClient({ fetch: server.fetch }),
      isOnline: () => online,
      now,
      crypto: { iterations: 1_000 },
    });
    setActivePinia(createPinia());
  }

  beforeEach(async () => {
    clock = Date.parse('2025-10-01T01:00:00.000Z');
    db = freshDb();
    server = new FakeServer(now);
    server.addUser('gv.lan', 'mat-khau-dung', { displayName: 'Nguyễn Thị Lan' });
    server.addUser('gv.minh', 'mat-khau-minh', { displayName: 'Trần Văn Minh' });
    school = makeSchool(2);
    await seedSchool(school, server, db);
    online = true;
    setup();
  });

  afterEach(async () => {
    runtime.engine.stop();
    await db.delete();
  });

  const markFirst = () =>
    mutate('attendance.mark', { sessionId: school.session.id, personId: school.people[0]!.id, status: 'present' });

  it('signs in online and keeps a device account with its token and an offline verifier', async () => {
    runtime.crypto = {};
    const session = useSessionStore();
    await session.signIn(' GV.Lan ', 'mat-khau-dung');

    expect(session.isSignedIn).toBe(true);
    expect(session.user?.displayName).toBe('Nguyễn Thị Lan');
    expect(session.needsReauth).toBe(false);
    const [account] = await db.accounts.toArray();
    expect(account).toMatchObject({ username: 'gv.lan', needsReauth: false });
    expect(server.tokens.get(account!.token!)?.userId).toBe(account!.userId);
    expect(account!.verifier).toMatchObject({ algorithm: 'PBKDF2-SHA256', iterations: VERIFIER_ITERATIONS });
    expect(VERIFIER_ITERATIONS).toBeGreaterThanOrEqual(100_000);
    expect(JSON.stringify(account)).not.toContain('mat-khau-dung');
    await vi.waitFor(() => expect(session.deviceAccounts.map((a) => a.username)).toEqual(['gv.lan']));
  });

  it('refuses a wrong password online with a translated message', async () => {
    const session = useSessionStore();
    await expect(session.signIn('gv.lan', 'sai')).rejects.toThrow('Sai tên đăng nhập hoặc mật khẩu.');
    expect(session.isSignedIn).toBe(false);
    expect(await db.accounts.count()).toBe(0);
  });

  it('signs the same user in offline with the verifier, and refuses a wrong password offline', async () => {
    const session = useSessionStore();
    await session.signIn('gv.lan', 'mat-khau-dung');
    await session.switchUser();
    expect(session.isSignedIn).toBe(false);

    online = false;
    await expect(session.signIn('gv.lan', 'mat-khau-sai')).rejects.toThrow('Sai tên đăng nhập hoặc mật khẩu.');
    expect(session.isSignedIn).toBe(false);

    await session.signIn('gv.lan', 'mat-khau-dung');
    expect(session.user?.username).toBe('gv.lan');
    expect(session.needsReauth).toBe(false);
  });

  it('falls back to the offline sign-in when the network fails although the browser says online', async () => {
    const session = useSessionStore();
    await session.signIn('gv.lan', 'mat-khau-dung');
    await session.switchUser();
    server.networkDown = true;
    await session.signIn('gv.lan', 'mat-khau-dung');
    expect(session.isSignedIn).toBe(true);
  });

  it('needs the network for the first sign-in on a device', async () => {
    online = false;
    const session = useSessionStore();
    await expect(session.signIn('gv.lan', 'mat-khau-dung')).rejects.toThrow(
      'Cần kết nối mạng cho lần đăng nhập đầu tiên',
    );
  });

  it('signs out keeping the outbox and the account while it has unsynced work', async () => {
    const session = useSessionStore();
    await session.signIn('gv.lan', 'mat-khau-dung');
    const token = (await db.accounts.toArray())[0]!.token!;
    online = false;
    await markFirst();
    online = true;

    // The debounced push never fires here (fake timers): the change is still queued at sign-out.
    await session.signOut();

    expect(session.isSignedIn).toBe(false);
    expect(server.tokens.get(token)?.revoked).toBe(true);
    expect(await db.outbox.count()).toBe(1);
    const [account] = await db.accounts.toArray();
    expect(account).toMatchObject({ username: 'gv.lan', token: null });
    await vi.waitFor(() => expect(session.deviceAccounts.map((a) => a.username)).toEqual(['gv.lan']));

    // Offline, the user may come back and keep working; the token is gone, so a new online sign-in is needed.
    online = false;
    await session.signIn('gv.lan', 'mat-khau-dung');
    expect(session.needsReauth).toBe(true);
    await markFirst();
    expect(await db.outbox.count()).toBe(2);

    online = true;
    await session.signIn('gv.lan', 'mat-khau-dung');
    expect(session.needsReauth).toBe(false);
    await vi.waitFor(async () => expect(await db.outbox.count()).toBe(0));
  });

  it('forgets an account with no unsynced work on sign-out', async () => {
    const session = useSessionStore();
    await session.signIn('gv.lan', 'mat-khau-dung');
    await session.signOut();
    expect(await db.accounts.count()).toBe(0);
    await vi.waitFor(() => expect(session.deviceAccounts).toEqual([]));
  });

  it('switching user keeps both accounts signed in and each one\'s changes go out under its own name', async () => {
    const session = useSessionStore();
    await session.signIn('gv.lan', 'mat-khau-dung');
    const lan = session.user!.id;
    online = false;
    await markFirst();
    await session.switchUser();
    await expect(markFirst()).rejects.toThrow('Cần đăng nhập');
    online = true;
    await session.signIn('gv.minh', 'mat-khau-minh');
    online = false;
    await mutate('attendance.mark', { sessionId: school.session.id, personId: school.people[1]!.id, status: 'late' });
    expect((await db.outbox.toArray()).map((e) => e.userId)).toEqual([lan, session.user!.id]);
    await vi.waitFor(() => expect(session.deviceAccounts).toHaveLength(2));

    online = true;
    await runtime.engine.syncNow();
    expect(server.pushCalls.map((c) => c.userId)).toEqual([lan, session.user!.id]);
    expect(await db.outbox.count()).toBe(0);
  });

  it('restores the signed-in user at start, and flags an expired token without signing the user out', async () => {
    const session = useSessionStore();
    await session.signIn('gv.lan', 'mat-khau-dung');
    runtime.engine.stop();

    online = false;
    clock += 40 * 24 * 3600_000;
    setup();
    const restored = useSessionStore();
    await restored.restore();
    expect(restored.user?.username).toBe('gv.lan');
    expect(restored.needsReauth).toBe(true);
    // Work continues locally.
    await markFirst();
    expect(await db.outbox.count()).toBe(1);
  });

  it('the sync store counts pending and rejected changes and words the last error', async () => {
    const session = useSessionStore();
    const sync = useSyncStore();
    await session.signIn('gv.lan', 'mat-khau-dung');
    await vi.waitFor(() => expect(sync.lastSyncAt).not.toBeNull());
    online = false;
    await markFirst();
    await vi.waitFor(() => expect(sync.pendingCount).toBe(1));

    online = true;
    server.networkDown = true;
    await sync.syncNow();
    expect(sync.lastError).toMatch(/^Không kết nối được máy chủ\. Tự thử lại sau \d+ giây\.$/);

    server.networkDown = false;
    server.rejectWhen = () => 'Buổi đã khóa điểm danh';
    await sync.syncNow();
    await vi.waitFor(() => expect(sync.needsAttentionCount).toBe(1));
    expect(sync.pendingCount).toBe(0);
    expect(sync.needsAttention[0]?.error).toBe('Buổi đã khóa điểm danh');
    expect(sync.lastError).toBeNull();

    await sync.discardRejected(sync.needsAttention[0]!.id);
    await vi.waitFor(() => expect(sync.needsAttentionCount).toBe(0));
    expect(await db.entity('attendance').count()).toBe(0);
  });
});
