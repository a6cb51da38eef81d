import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TruongAnDb } from '../../../../src/client/db/database';
import { pendingKeys } from '../../../../src/client/db/repositories/outbox';
import type { DeviceAccount } from '../../../../src/client/db/schema';
import { mutateManyWith } from '../../../../src/client/sync/mutate';
import { MAX_PUSH_BATCH } from '../../../../src/shared/sync/wire';
import { FakeServer } from './fake-server';
import { freshDb, makeEngine, makeSchool, seedSchool, signedInAccount, type School } from './harness';

const now = (): number => Date.parse('2025-10-01T01:00:00.000Z');

/** A long queue (marks taken offline all morning) goes out in the largest batches the server takes. */
describe('push batch size', () => {
  let db: TruongAnDb;
  let server: FakeServer;
  let school: School;
  let teacher: DeviceAccount;

  beforeEach(async () => {
    db = freshDb();
    server = new FakeServer(now);
    school = makeSchool(1200);
    await seedSchool(school, server, db);
    teacher = await signedInAccount(server, db, 'gv.lan', now);
  });
  afterEach(async () => {
    await db.delete();
  });

  const markFirst = (count: number) =>
    mutateManyWith(
      { db, userId: teacher.userId, now },
      'attendance.mark',
      school.people.slice(0, count).map((p) => ({ sessionId: school.session.id, personId: p.id, status: 'present' })),
    );

  it('sends a long queue in batches of the wire maximum, in order', async () => {
    const { ids } = await markFirst(1200);
    const { engine, setCurrent } = makeEngine(db, server, { now });
    setCurrent(teacher.userId);

    expect(await engine.syncNow()).toMatchObject({ status: 'ok', pushed: 1200 });
    expect(server.pushCalls.map((c) => c.ids.length)).toEqual([MAX_PUSH_BATCH, MAX_PUSH_BATCH, 200]);
    expect(server.pushCalls.flatMap((c) => c.ids)).toEqual(ids);
    expect(await db.outbox.count()).toBe(0);
    expect(await pendingKeys('attendance', db)).toEqual(new Set());
  });

  it('sends a short queue in one ordinary batch', async () => {
    await markFirst(150);
    const { engine } = makeEngine(db, server, { now });
    await engine.syncNow();
    expect(server.pushCalls.map((c) => c.ids.length)).toEqual([150]);
  });

  it('keeps a batch size given by the caller', async () => {
    await markFirst(250);
    const { engine } = makeEngine(db, server, { now, pushBatchSize: 100 });
    await engine.syncNow();
    expect(server.pushCalls.map((c) => c.ids.length)).toEqual([100, 100, 50]);
  });
});
