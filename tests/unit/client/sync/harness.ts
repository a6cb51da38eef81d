import 'fake-indexeddb/auto';
import { randomUUID } from 'node:crypto';
import type { Person, Session } from '../../../../src/shared/domain';
import { createApiClient } from '../../../../src/client/api';
import { TruongAnDb } from '../../../../src/client/db/database';
import type { DeviceAccount } from '../../../../src/client/db/schema';
import { SyncEngine, type SyncEngineOptions, type Timers } from '../../../../src/client/sync/engine';
import { type FakeServer } from './fake-server';

export function freshDb(): TruongAnDb {
  return new TruongAnDb(`truong-an-test-${randomUUID()}`);
}

/** Timers that only fire when the test says so, recording every delay asked for. */
export class FakeTimers implements Timers {
  private next = 1;
  readonly pending = new Map<number, { fn: () => void; ms: number }>();
  readonly requested: number[] = [];

  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.next++;
    this.pending.set(id, { fn, ms });
    this.requested.push(ms);
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.pending.delete(handle as number);
  }

  /** Fires the pending timers asked for with exactly `ms`. */
  fire(ms: number): number {
    let fired = 0;
    for (const [id, timer] of [...this.pending]) {
      if (timer.ms !== ms) continue;
      this.pending.delete(id);
      timer.fn();
      fired += 1;
    }
    return fired;
  }
}

export interface School {
  schoolId: string;
  session: Session;
  people: Person[];
}

export function makeSchool(students = 3): School {
  const schoolId = randomUUID();
  const session: Session = {
    id: randomUUID(),
    schoolId,
    scopeUnitId: schoolId,
    schoolYearId: randomUUID(),
    activityTypeId: randomUUID(),
    scenarioCode: 'fire',
    title: 'Diễn tập PCCC học kỳ I',
    startsAt: '2025-10-01T01:00:00.000Z',
    endsAt: '2025-10-01T02:00:00.000Z',
    place: 'Sân trường',
    audience: { classIds: [], grades: [], staff: true, youthStaffOnly: false, parents: false },
    facilitatorPersonId: null,
    trainerUserId: null,
    materialIds: [],
    periods: null,
    status: 'planned',
    revision: 0,
    createdBy: randomUUID(),
    seriesId: null,
  };
  const people: Person[] = Array.from({ length: students }, (_, i) => ({
    id: randomUUID(),
    schoolId,
    kind: 'student',
    fullName: `Học sinh ${i + 1}`,
    code: null,
    birthYear: 2012,
    sex: null,
    classId: null,
    roleTags: [],
    studentIds: [],
    status: 'active',
    joinedOn: null,
    leftOn: null,
  }));
  return { schoolId, session, people };
}

/** Puts a school's session and roster both on the server and on the device, as after a first pull. */
export async function seedSchool(school: School, server: FakeServer, db: TruongAnDb): Promise<void> {
  server.put('session', school.session);
  for (const person of school.people) server.put('person', person);
  await db.entity('session').put(school.session);
  await db.entity('person').bulkPut(school.people);
}

/** A device account signed in with a real token from the fake server. */
export async function signedInAccount(
  server: FakeServer,
  db: TruongAnDb,
  username: string,
  now: () => number = Date.now,
): Promise<DeviceAccount> {
  const user = server.addUser(username, 'mat-khau-dung', { displayName: `Cô ${username}` });
  const token = server.issueToken(user.id);
  const account: DeviceAccount = {
    userId: user.id,
    username,
    user,
    token,
    expiresAt: server.tokens.get(token)!.expiresAt,
    verifier: null,
    needsReauth: false,
    lastSignInAt: new Date(now()).toISOString(),
  };
  await db.accounts.put(account);
  return account;
}

export interface EngineHarness {
  engine: SyncEngine;
  timers: FakeTimers;
  setCurrent(userId: string | null): void;
  online: { value: boolean };
}

export function makeEngine(
  db: TruongAnDb,
  server: FakeServer,
  overrides: Partial<SyncEngineOptions> = {},
): EngineHarness {
  const timers = new FakeTimers();
  const online = { value: true };
  let current: string | null = null;
  const engine = new SyncEngine({
    db,
    api: createApiClient({ fetch: server.fetch }),
    currentUserId: () => current,
    timers,
    isOnline: () => online.value,
    connectivity: null,
    serviceWorker: null,
    requestBackgroundSync: null,
    lock: { run: async (fn) => ({ acquired: true, value: await fn() }) },
    ...overrides,
  });
  return {
    engine,
    timers,
    online,
    setCurrent: (id) => {
      current = id;
    },
  };
}
