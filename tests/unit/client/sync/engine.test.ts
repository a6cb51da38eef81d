import 'fake-indexeddb/auto';
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { TruongAnDb } from '../../../../src/client/db/database';
import { getCursor } from '../../../../src/client/db/repositories/pull';
import { getClockOffset, getMeta } from '../../../../src/client/db/repositories/meta';
import { isPending, listRejected } from '../../../../src/client/db/repositories/outbox';
import type { DeviceAccount } from '../../../../src/client/db/schema';
import { backoffDelay, DEFAULT_BACKOFF } from '../../../../src/client/sync/backoff';
import type { SyncStatus } from '../../../../src/client/sync/engine';
import { mutateWith } from '../../../../src/client/sync/mutate';
import { FakeServer } from './fake-server';
import { freshDb, makeEngine, makeSchool, seedSchool, signedInAccount, type School } from './harness';

let clock = Date.parse('2025-10-01T01:00:00.000Z');
const now = (): number => clock;

describe('sync engine', () => {
  let db: TruongAnDb;
  let server: FakeServer;
  let school: School;
  let teacher: DeviceAccount;

  beforeEach(async () => {
    clock = Date.parse('2025-10-01T01:00:00.000Z');
    db = freshDb();
    server = new FakeServer(now);
    school = makeSchool(5);
    await seedSchool(school, server, db);
    teacher = await signedInAccount(server, db, 'gv.lan', now);
  });

  afterEach(async () => {
    await db.delete();
  });

  const mark = (account: DeviceAccount, personIndex: number, status: 'present' | 'late' | 'excused' | 'absent') =>
    mutateWith({ db, userId: account.userId, now }, 'attendance.mark', {
      sessionId: school.session.id,
      personId: school.people[personIndex]!.id,
      status,
    });
  const key = (personIndex: number): string => `${school.session.id}:${school.people[personIndex]!.id}`;

  it('pushes the outbox in order, in batches, and clears the pending markers', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i += 1) ids.push((await mark(teacher, i, 'present')).id);
    const { engine, setCurrent } = makeEngine(db, server, { pushBatchSize: 2, now });
    setCurrent(teacher.userId);

    const outcome = await engine.syncNow();

    expect(outcome).toMatchObject({ status: 'ok', pushed: 5, rejected: 0 });
    expect(server.pushCalls.map((c) => c.ids)).toEqual([ids.slice(0, 2), ids.slice(2, 4), ids.slice(4)]);
    expect(server.pushCalls.every((c) => c.token === teacher.token)).toBe(true);
    expect(await db.outbox.count()).toBe(0);
    expect(await db.serverRows.count()).toBe(0);
    expect(await isPending('attendance', key(0), db)).toBe(false);
    expect(server.row('attendance', key(3))).toMatchObject({ status: 'present', markedBy: teacher.userId });
  });

  it('treats "duplicate" as done when the answer to an applied push was lost', async () => {
    const { id } = await mark(teacher, 0, 'late');
    const { engine } = makeEngine(db, server, { now, random: () => 0.5 });
    server.loseNextPushResponse = true;

    expect((await engine.syncNow()).status).toBe('failed');
    expect(server.appliedIds.has(id)).toBe(true);
    expect(await db.outbox.count()).toBe(1);

    const retry = await engine.syncNow();
    expect(retry).toMatchObject({ status: 'ok', pushed: 1 });
    expect(await db.outbox.count()).toBe(0);
    expect(server.pushCalls).toHaveLength(2);
  });

  it('keeps a rejected change in "Cần xử lý" without blocking the changes behind it', async () => {
    server.rejectWhen = (_name, args) => (args.status === 'excused' ? 'Buổi đã khóa điểm danh' : null);
    await mark(teacher, 0, 'present');
    const rejected = await mark(teacher, 1, 'excused');
    await mark(teacher, 2, 'absent');
    const { engine } = makeEngine(db, server, { now });

    const outcome = await engine.syncNow();

    expect(outcome).toMatchObject({ status: 'ok', pushed: 2, rejected: 1 });
    expect(server.row('attendance', key(2))).toMatchObject({ status: 'absent' });
    const attention = await listRejected(db);
    expect(attention).toHaveLength(1);
    expect(attention[0]).toMatchObject({ id: rejected.id, state: 'rejected', error: 'Buổi đã khóa điểm danh' });
    // Still shown as not on the server, and never sent again on its own.
    expect(await isPending('attendance', key(1), db)).toBe(true);
    await engine.syncNow();
    expect(server.pushCalls.flatMap((c) => c.ids).filter((i) => i === rejected.id)).toHaveLength(1);
  });

  it('retries a rejected change with corrected arguments under a new id', async () => {
    server.rejectWhen = (_name, args) => (args.status === 'excused' ? 'Chưa có giấy phép' : null);
    const rejected = await mark(teacher, 1, 'excused');
    const { engine } = makeEngine(db, server, { now });
    await engine.syncNow();

    await expect(engine.retryRejected(rejected.id, { sessionId: school.session.id, personId: 'x', status: 'absent' })).rejects.toThrow(
      'Thay đổi không hợp lệ',
    );
    expect(await engine.retryRejected(rejected.id, {
      sessionId: school.session.id,
      personId: school.people[1]!.id,
      status: 'absent',
    })).toBe(true);
    expect(await db.entity('attendance').get([school.session.id, school.people[1]!.id])).toMatchObject({ status: 'absent' });
    await engine.syncNow();

    expect(await db.outbox.count()).toBe(0);
    expect(server.row('attendance', key(1))).toMatchObject({ status: 'absent' });
    expect(server.pushCalls.at(-1)?.ids).not.toContain(rejected.id);
  });

  it('discarding a rejected change puts back what the server has, including a version pulled meanwhile', async () => {
    const serverMark = {
      id: randomUUID(),
      schoolId: school.schoolId,
      sessionId: school.session.id,
      personId: school.people[0]!.id,
      status: 'present',
      note: null,
      markedBy: randomUUID(),
      markedAt: '2025-10-01T00:50:00.000Z',
    };
    server.put('attendance', serverMark);
    const { engine, setCurrent } = makeEngine(db, server, { now });
    setCurrent(teacher.userId);
    await engine.syncNow();

    server.rejectWhen = () => 'Ngoài phạm vi';
    const rejected = await mark(teacher, 0, 'absent');
    // Someone else corrects the mark on the server while ours waits.
    server.put('attendance', { ...serverMark, status: 'late', markedAt: '2025-10-01T00:55:00.000Z' });
    await engine.syncNow();
    expect(await db.entity('attendance').get([school.session.id, school.people[0]!.id])).toMatchObject({ status: 'absent' });

    expect(await engine.discardRejected(rejected.id)).toBe(true);

    expect(await db.entity('attendance').get([school.session.id, school.people[0]!.id])).toMatchObject({ status: 'late' });
    expect(await db.outbox.count()).toBe(0);
    expect(await db.serverRows.count()).toBe(0);
  });

  it('discarding a rejected first mark removes the row the server never had', async () => {
    server.rejectWhen = () => 'Ngoài phạm vi';
    const rejected = await mark(teacher, 3, 'present');
    const { engine } = makeEngine(db, server, { now });
    await engine.syncNow();
    await engine.discardRejected(rejected.id);
    expect(await db.entity('attendance').get([school.session.id, school.people[3]!.id])).toBeUndefined();
  });

  it('pulls page by page until hasMore is false, reporting progress, and stores each cursor with its page', async () => {
    await db.entity('session').clear();
    await db.entity('person').clear();
    const { engine, setCurrent } = makeEngine(db, server, { now, pullLimit: 2 });
    setCurrent(teacher.userId);
    const progress: SyncStatus['progress'][] = [];
    engine.subscribe((s) => progress.push(s.progress));

    const outcome = await engine.syncNow();

    expect(outcome).toMatchObject({ status: 'ok', pulled: 6 });
    expect(server.pullCursors).toEqual([undefined, '2', '4']);
    expect(await db.entity('person').count()).toBe(5);
    expect(await getCursor(teacher.userId, db)).toBe('6');
    expect(progress.filter((p) => p !== null)).toEqual([
      { received: 2, total: 6 },
      { received: 4, total: 6 },
    ]);
    expect(engine.getStatus().progress).toBeNull();
  });

  it('keeps the previous cursor and none of the page when storing a page fails', async () => {
    await db.entity('person').clear();
    const { engine, setCurrent } = makeEngine(db, server, { now, pullLimit: 3, random: () => 0 });
    setCurrent(teacher.userId);
    const put = db.cursors.put.bind(db.cursors);
    let calls = 0;
    const spy = vi.spyOn(db.cursors, 'put').mockImplementation((...args) => {
      calls += 1;
      if (calls === 2) throw new Error('quota exceeded');
      return put(...args);
    });

    expect((await engine.syncNow()).status).toBe('failed');
    spy.mockRestore();

    expect(await getCursor(teacher.userId, db)).toBe('3');
    // Page 1 = session + 2 people; page 2 (3 more people) was rolled back with its cursor.
    expect(await db.entity('person').count()).toBe(2);
    await engine.syncNow();
    expect(await db.entity('person').count()).toBe(5);
  });

  it('skips invalid rows, counts them and says so', async () => {
    server.put('person', { ...school.people[0]!, id: randomUUID(), fullName: '' });
    const { engine, setCurrent } = makeEngine(db, server, { now });
    setCurrent(teacher.userId);
    const outcome = await engine.syncNow();
    expect(outcome).toMatchObject({ status: 'ok', invalid: 1, pulled: 6 });
    expect(engine.getStatus().problem).toEqual({ kind: 'invalidRows', count: 1 });
  });

  it('does not let a pulled row overwrite a local change still waiting to be pushed', async () => {
    // The change waits because its author's token expired; the current user keeps pulling meanwhile.
    const other = await signedInAccount(server, db, 'gv.minh', now);
    await db.accounts.update(other.userId, { expiresAt: new Date(clock - 1).toISOString() });
    await mark(other, 0, 'late');
    server.put('attendance', {
      id: randomUUID(),
      schoolId: school.schoolId,
      sessionId: school.session.id,
      personId: school.people[0]!.id,
      status: 'absent',
      note: null,
      markedBy: randomUUID(),
      markedAt: '2025-10-01T00:30:00.000Z',
    });
    const { engine, setCurrent } = makeEngine(db, server, { now });
    setCurrent(teacher.userId);

    expect(await engine.syncNow()).toMatchObject({ status: 'ok', pushed: 0, skipped: 1 });
    expect(await db.entity('attendance').get([school.session.id, school.people[0]!.id])).toMatchObject({ status: 'late' });
    expect(await isPending('attendance', key(0), db)).toBe(true);

    // The author signs in again: the push goes out and, being the latest observation, comes back by pull.
    const token = server.issueToken(other.userId);
    await db.accounts.update(other.userId, { token, expiresAt: server.tokens.get(token)!.expiresAt, needsReauth: false });
    expect(await engine.syncNow()).toMatchObject({ status: 'ok', pushed: 1 });
    expect(await db.entity('attendance').get([school.session.id, school.people[0]!.id])).toMatchObject({
      status: 'late',
      markedBy: other.userId,
    });
    expect(await isPending('attendance', key(0), db)).toBe(false);
    expect(await db.serverRows.count()).toBe(0);
  });

  it('backs off exponentially with full jitter on network and 5xx errors, and resets after a success', async () => {
    await mark(teacher, 0, 'present');
    const randoms = [0.5, 0.9, 0.25, 1 - 1e-9, 0.5];
    let r = 0;
    const { engine, timers, setCurrent } = makeEngine(db, server, { now, random: () => randoms[r++ % randoms.length]! });
    setCurrent(teacher.userId);
    server.networkDown = true;

    const delays: number[] = [];
    for (let i = 0; i < 3; i += 1) {
      expect((await engine.syncNow()).status).toBe('failed');
      delays.push(engine.getStatus().retryInMs!);
    }
    server.networkDown = false;
    server.failNext = { status: 503, count: 1 };
    expect((await engine.syncNow()).status).toBe('failed');
    delays.push(engine.getStatus().retryInMs!);

    const base = DEFAULT_BACKOFF.baseMs;
    expect(delays).toEqual([Math.floor(0.5 * base), Math.floor(0.9 * base * 2), Math.floor(0.25 * base * 4), Math.floor((1 - 1e-9) * base * 8)]);
    expect(engine.getStatus()).toMatchObject({ failures: 4, problem: { kind: 'server', status: 503 } });
    // Only the latest retry stays scheduled.
    expect([...timers.pending.values()].map((t) => t.ms)).toEqual([delays[3]]);

    // The scheduled retry succeeds and the backoff starts over.
    expect(timers.fire(delays[3]!)).toBe(1);
    await vi.waitFor(() => expect(engine.getStatus().failures).toBe(0));
    expect(await db.outbox.count()).toBe(0);
    expect(timers.pending.size).toBe(0);
    server.networkDown = true;
    await engine.syncNow();
    expect(engine.getStatus().retryInMs).toBe(Math.floor(0.5 * base));
  });

  it('caps the backoff at about five minutes', () => {
    expect(backoffDelay(20, () => 1 - 1e-9)).toBeLessThanOrEqual(DEFAULT_BACKOFF.capMs);
    expect(backoffDelay(20, () => 1 - 1e-9)).toBeGreaterThanOrEqual(DEFAULT_BACKOFF.capMs - 1);
    expect(backoffDelay(3, () => 0)).toBe(0);
  });

  it('on 426 keeps the outbox and reports that the app needs updating', async () => {
    await mark(teacher, 0, 'present');
    server.minSchemaVersion = 99;
    const { engine, timers } = makeEngine(db, server, { now });

    expect((await engine.syncNow()).status).toBe('updateRequired');
    expect(await db.outbox.count()).toBe(1);
    expect(engine.getStatus().problem).toEqual({ kind: 'updateRequired' });
    expect(await getMeta('updateRequired', db)).toBeDefined();
    // No point retrying with the same app version.
    expect(timers.pending.size).toBe(0);
    expect((await engine.syncNow()).status).toBe('updateRequired');
    expect(server.pushCalls).toHaveLength(0);
  });

  it('on 401 flags the account for a new sign-in and keeps its entries, while other accounts still push', async () => {
    const other = await signedInAccount(server, db, 'gv.minh', now);
    await mark(teacher, 0, 'present');
    await mark(other, 1, 'absent');
    server.tokens.get(teacher.token!)!.revoked = true;
    const { engine, setCurrent } = makeEngine(db, server, { now });
    setCurrent(teacher.userId);

    const outcome = await engine.syncNow();

    expect(outcome).toMatchObject({ status: 'ok', pushed: 1 });
    expect((await db.accounts.get(teacher.userId))?.needsReauth).toBe(true);
    expect((await db.outbox.toArray()).map((e) => e.userId)).toEqual([teacher.userId]);
    expect(engine.getStatus().problem).toEqual({ kind: 'reauth', names: ['Cô gv.lan'] });
    // Its entries wait: nothing is sent with a token known to be refused.
    const calls = server.pushCalls.length;
    await engine.syncNow();
    expect(server.pushCalls).toHaveLength(calls);
  });

  it('pushes each user\'s changes with that user\'s own token', async () => {
    const other = await signedInAccount(server, db, 'gv.minh', now);
    const a = await mark(teacher, 0, 'present');
    const b = await mark(other, 1, 'late');
    const c = await mark(teacher, 2, 'absent');
    const { engine, setCurrent } = makeEngine(db, server, { now });
    setCurrent(other.userId);

    await engine.syncNow();

    expect(server.pushCalls).toEqual([
      { token: teacher.token, userId: teacher.userId, ids: [a.id, c.id] },
      { token: other.token, userId: other.userId, ids: [b.id] },
    ]);
    expect(server.row('attendance', key(1))).toMatchObject({ markedBy: other.userId });
  });

  it('leaves the entries of a user whose token expired waiting', async () => {
    await db.accounts.update(teacher.userId, { expiresAt: new Date(clock - 1000).toISOString() });
    await mark(teacher, 0, 'present');
    const { engine } = makeEngine(db, server, { now });
    await engine.syncNow();
    expect(server.pushCalls).toHaveLength(0);
    expect(await db.outbox.count()).toBe(1);
    expect((await db.accounts.get(teacher.userId))?.needsReauth).toBe(true);
  });

  it('learns the clock offset from serverTime and stamps later changes with it', async () => {
    server.clockSkewMs = 3_600_000;
    const { engine, setCurrent } = makeEngine(db, server, { now });
    setCurrent(teacher.userId);
    await engine.syncNow();
    expect(await getClockOffset(db)).toBe(3_600_000);

    await mark(teacher, 0, 'present');
    const expected = new Date(clock + 3_600_000).toISOString();
    expect((await db.outbox.toArray())[0]?.clientTime).toBe(expected);
    await engine.syncNow();
    expect(server.row('attendance', key(0))).toMatchObject({ markedAt: expected });
  });

  it('renews a token that expires within a day', async () => {
    await db.accounts.update(teacher.userId, { expiresAt: new Date(clock + 3_600_000).toISOString() });
    const { engine } = makeEngine(db, server, { now });
    await engine.syncNow();
    const renewed = await db.accounts.get(teacher.userId);
    expect(renewed?.token).not.toBe(teacher.token);
    expect(server.tokens.get(teacher.token!)?.revoked).toBe(true);
    expect(Date.parse(renewed!.expiresAt!)).toBeGreaterThan(clock + 86_400_000);
  });

  it('syncs 3 s after a local change, once for a burst of changes', async () => {
    const { engine, timers } = makeEngine(db, server, { now });
    engine.notifyLocalChange();
    await mark(teacher, 0, 'present');
    engine.notifyLocalChange();
    expect([...timers.pending.values()].filter((t) => t.ms === 3_000)).toHaveLength(1);
    timers.fire(3_000);
    await vi.waitFor(async () => expect(await db.outbox.count()).toBe(0));
  });

  it('never holds a long burst of changes back more than 5 s from its first change', async () => {
    const { engine, timers } = makeEngine(db, server, { now });
    const delays: number[] = [];
    for (let second = 0; second < 8; second++) {
      engine.notifyLocalChange();
      delays.push(...[...timers.pending.values()].map((t) => t.ms));
      clock += 1_000;
    }
    // 3 s after each change at first, then only what is left of the 5 s since the burst began, then at once.
    expect(delays).toEqual([3_000, 3_000, 3_000, 2_000, 1_000, 0, 0, 0]);
  });

  it('does nothing offline and syncs when the online event comes', async () => {
    const events = new EventTarget();
    await mark(teacher, 0, 'present');
    const { engine, online } = makeEngine(db, server, { now, connectivity: events });
    online.value = false;
    await engine.start();
    expect(engine.getStatus().online).toBe(false);
    expect(server.pushCalls).toHaveLength(0);

    online.value = true;
    events.dispatchEvent(new Event('online'));
    await vi.waitFor(async () => expect(await db.outbox.count()).toBe(0));
    engine.stop();
  });

  it('syncs on the service worker\'s sync message', async () => {
    const worker = new EventTarget();
    await mark(teacher, 0, 'present');
    const { engine, online } = makeEngine(db, server, { now, serviceWorker: worker });
    online.value = false;
    await engine.start();
    online.value = true;
    worker.dispatchEvent(new MessageEvent('message', { data: { type: 'sync' } }));
    await vi.waitFor(async () => expect(await db.outbox.count()).toBe(0));
    engine.stop();
  });

  it('does not sync while another tab holds the lock', async () => {
    await mark(teacher, 0, 'present');
    const { engine } = makeEngine(db, server, { now, lock: { run: async () => ({ acquired: false }) } });
    expect((await engine.syncNow()).status).toBe('busy');
    expect(server.pushCalls).toHaveLength(0);
  });
});
