import 'fake-indexeddb/auto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiClient } from '../../src/client/api';
import { TruongAnDb } from '../../src/client/db/database';
import { getDeviceId, syncClientId } from '../../src/client/db/repositories/meta';
import { countPending, listRejected } from '../../src/client/db/repositories/outbox';
import { signIn } from '../../src/client/sync/accounts';
import { SyncEngine, type SyncOutcome, type Timers } from '../../src/client/sync/engine';
import { createSyncLock } from '../../src/client/sync/lock';
import { mutateWith } from '../../src/client/sync/mutate';
import { openDatabase, type Db } from '../../src/server/db';
import { isInAudience } from '../../src/shared/domain/audience';
import { ATTENDANCE_STATUSES } from '../../src/shared/domain/records';
import { PG_URL, testDbKinds } from '../helpers/db';
import { FaultProxy, seededRandom } from '../helpers/fault-proxy';
import { ServerProcess } from '../helpers/server-process';

/**
 * The fault test of the offline-first core: the real server as a child process, a misbehaving network in between,
 * and three real sync engines (each with its own Dexie database on fake-indexeddb) marking attendance at random
 * while syncing at random. The server is killed with SIGKILL mid-run and restarted on the same data. In the end
 * every mutation must be applied exactly once, the server must hold the latest observation of every (session,
 * person), and every device must hold exactly the server's rows of its school.
 *
 * SYNC_FAULT_SEED replays a run's choices (clients, rows, statuses, faults in order of arrival); the interleaving
 * with the server's timing is not replayable, so a failure prints its seed and its fault counts.
 */

const SEED = Number(process.env.SYNC_FAULT_SEED ?? 20250905);
const MUTATIONS_PER_CLIENT = 700;
const PASSWORD = 'truongan2025';
/** Two Dịch Vọng accounts on two tablets (they mark the same rows), and one of another school. */
const USERNAMES = ['gv.dichvong', 'ht.dichvong', 'gv.nguyentrai'] as const;
/** Rows marked are drawn from a few sessions and people, so that marks of one row meet, across devices too. */
const SESSIONS_PER_SCHOOL = 3;
const PERSONS_PER_SCHOOL = 25;
const PORTS = { sqlite: 18340, postgres: 18341 } as const;
const KILLS_AT = [0.35, 0.7];

interface Made {
  id: string;
  username: string;
  sessionId: string;
  personId: string;
  status: string;
  note: string | null;
  clientTime: string;
}

interface Device {
  username: string;
  userId: string;
  schoolId: string;
  clientId: string;
  db: TruongAnDb;
  engine: SyncEngine;
  sessions: string[];
  /** Per session: people of its audience who can be marked in it (the server refuses anyone else). */
  persons: Map<string, string[]>;
  /** The sync this test started and has not yet seen finish. */
  running: Promise<void> | null;
  outcomes: Record<SyncOutcome['status'], number>;
  rejectedSeen: number;
}

/** Timers that never fire: the test decides when each engine syncs, retries included. */
const INERT_TIMERS: Timers = { setTimeout: () => 0, clearTimeout: () => undefined };

/** One strictly increasing clock for every device: two marks never share a device time. */
function monotonicClock(): () => number {
  let last = 0;
  return () => {
    last = Math.max(Date.now(), last + 1);
    return last;
  };
}

interface Target {
  databaseUrl?: string;
  cleanup(): Promise<void>;
  open(dataDir: string): Db;
}

/** A whole database per run on PostgreSQL (the server runs its migrations into it), created and dropped here. */
async function createTarget(kind: 'sqlite' | 'postgres'): Promise<Target> {
  if (kind === 'sqlite') {
    return { cleanup: async () => undefined, open: (dataDir) => openDatabase({ dataDir }) };
  }
  const base = PG_URL!;
  const name = `sync_fault_${randomBytes(5).toString('hex')}`;
  const admin = async (text: string) => {
    const client = new pg.Client({ connectionString: base });
    await client.connect();
    try {
      await client.query(text);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(base);
  url.pathname = `/${name}`;
  const databaseUrl = url.toString();
  return {
    databaseUrl,
    cleanup: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
    open: () => openDatabase({ databaseUrl }),
  };
}

function pick<T>(random: () => number, list: readonly T[]): T {
  const item = list[Math.floor(random() * list.length)];
  if (item === undefined) throw new Error('pick from an empty list');
  return item;
}

function sample<T>(random: () => number, list: readonly T[], n: number): T[] {
  const copy = [...list];
  for (let i = copy.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy.slice(0, n);
}

const rowKey = (sessionId: string, personId: string) => `${sessionId}|${personId}`;
const comparable = (r: { sessionId: string; personId: string; status: string; note: string | null }) =>
  JSON.stringify([r.sessionId, r.personId, r.status, r.note ?? null]);

describe.each(testDbKinds().map((k) => k.kind))('offline-first sync under network faults and a killed server on %s', (kind) => {
  let target: Target;
  let dataDir: string;
  let server: ServerProcess;
  let proxy: FaultProxy;

  beforeAll(async () => {
    target = await createTarget(kind);
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'truongan-fault-'));
    server = new ServerProcess({ port: PORTS[kind], dataDir, databaseUrl: target.databaseUrl });
    await server.start();
    proxy = new FaultProxy(server.url, { drop: 0.08, cut: 0.1, delay: 0.25, duplicate: 0.1 }, seededRandom(SEED + 1), 150);
  });

  afterAll(async () => {
    await proxy?.close();
    await server?.stop('SIGKILL');
    await target?.cleanup();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('applies every mutation exactly once and converges every device on the server', { timeout: 240_000 }, async () => {
    const started = Date.now();
    const random = seededRandom(SEED);
    const clock = monotonicClock();
    const proxyUrl = await proxy.listen();
    proxy.enabled = false;

    // --- three tablets sign in through the API and take their first pull, on a quiet network.
    const devices: Device[] = [];
    for (const username of USERNAMES) {
      const db = new TruongAnDb(`sync-fault-${kind}-${username}-${randomBytes(4).toString('hex')}`);
      const api = createApiClient({ baseUrl: proxyUrl, timeoutMs: 4000 });
      const { account } = await signIn({ db, api, isOnline: () => true, now: clock, iterations: 1000 }, username, PASSWORD);
      const grant = account.user.grants.find((g) => g.role === 'teacher' || g.role === 'principal');
      if (!grant) throw new Error(`${username} has no school`);
      const engine = new SyncEngine({
        db,
        api,
        currentUserId: () => account.userId,
        now: clock,
        random,
        timers: INERT_TIMERS,
        isOnline: () => true,
        connectivity: null,
        serviceWorker: null,
        requestBackgroundSync: null,
        lock: createSyncLock({ locks: null, storage: null }),
        pushBatchSize: 40,
        pullLimit: 400,
      });
      devices.push({
        username,
        userId: account.userId,
        schoolId: grant.unitId,
        clientId: syncClientId(await getDeviceId(db), account.userId),
        db,
        engine,
        sessions: [],
        persons: new Map(),
        running: null,
        outcomes: { ok: 0, offline: 0, busy: 0, failed: 0, updateRequired: 0 },
        rejectedSeen: 0,
      });
    }
    for (const d of devices) {
      expect((await d.engine.syncNow()).status).toBe('ok');
      // Rows that can be marked: the school's own sessions that still take place, and people still enrolled who are
      // in the session's audience.
      const sessions = await d.db.entity('session').where('schoolId').equals(d.schoolId).toArray();
      const persons = (await d.db.entity('person').where('schoolId').equals(d.schoolId).toArray()).filter(
        (p) => p.status === 'active',
      );
      const classes = await d.db.entity('class').where('schoolId').equals(d.schoolId).toArray();
      const gradeOf = (classId: string) => classes.find((c) => c.id === classId)?.grade;
      const classOf = new Map(persons.map((p) => [p.id, p.classId]));
      const open = sessions.filter((s) => s.status !== 'cancelled').sort((a, b) => a.id.localeCompare(b.id));
      d.sessions = sample(random, open.map((s) => s.id), SESSIONS_PER_SCHOOL);
      expect(d.sessions.length, `${d.username} pulled no sessions`).toBe(SESSIONS_PER_SCHOOL);
      for (const sessionId of d.sessions) {
        const audience = open.find((s) => s.id === sessionId)!.audience;
        const invited = persons.filter((p) =>
          isInAudience(audience, { ...p, childClassIds: p.studentIds.map((id) => classOf.get(id) ?? null) }, gradeOf),
        );
        const chosen = sample(random, invited.map((p) => p.id).sort(), PERSONS_PER_SCHOOL);
        expect(chosen.length, `${d.username}: too few people in a session's audience`).toBe(PERSONS_PER_SCHOOL);
        d.persons.set(sessionId, chosen);
      }
    }
    // The Dịch Vọng tablets mark the same rows.
    devices[1]!.sessions = devices[0]!.sessions;
    devices[1]!.persons = devices[0]!.persons;

    const sync = (d: Device): Promise<void> => {
      d.running ??= d.engine
        .syncNow()
        .then(async (outcome) => {
          d.outcomes[outcome.status] += 1;
          d.rejectedSeen += outcome.rejected;
        })
        .finally(() => {
          d.running = null;
        });
      return d.running;
    };
    const rejectedReasons = async () =>
      (await Promise.all(devices.map(async (d) => (await listRejected(d.db)).map((e) => `${d.username}: ${e.error}`)))).flat();

    // --- the run: random marks on random tablets, random syncs left running under them, two hard kills.
    proxy.enabled = true;
    const made: Made[] = [];
    const total = MUTATIONS_PER_CLIENT * devices.length;
    const perDevice = new Map(devices.map((d) => [d.username, 0]));
    const kills = KILLS_AT.map((at) => Math.floor(total * at));
    let restartAt = -1;
    let killCount = 0;
    for (let step = 0; step < total; step += 1) {
      if (kills.includes(step)) {
        // Kill while syncs are in flight, so that some batches die half-way through the server.
        devices.forEach((d) => void sync(d));
        await new Promise((r) => setTimeout(r, 5 + random() * 40));
        expect(await server.stop('SIGKILL')).toBe('SIGKILL');
        killCount += 1;
        restartAt = step + 150;
      }
      if (step === restartAt) await server.start();

      const candidates = devices.filter((d) => perDevice.get(d.username)! < MUTATIONS_PER_CLIENT);
      const d = pick(random, candidates);
      perDevice.set(d.username, perDevice.get(d.username)! + 1);
      const sessionId = pick(random, d.sessions);
      const personId = pick(random, d.persons.get(sessionId)!);
      const status = pick(random, ATTENDANCE_STATUSES);
      const noteRoll = random();
      const note = noteRoll < 0.6 ? undefined : noteRoll < 0.9 ? `Ghi chú ${step} của ${d.username}` : `  đến muộn ${step} phút  `;
      const { id } = await mutateWith(
        { db: d.db, userId: d.userId, now: clock },
        'attendance.mark',
        { sessionId, personId, status, ...(note === undefined ? {} : { note }) },
      );
      const entry = await d.db.outbox.where('id').equals(id).first();
      made.push({
        id,
        username: d.username,
        sessionId,
        personId,
        status,
        note: note?.trim() ?? null,
        clientTime: entry!.clientTime,
      });

      const roll = random();
      if (roll < 0.2) void sync(d);
      else if (roll < 0.23) await sync(d);
      else if (roll < 0.25) await new Promise((r) => setTimeout(r, random() * 60));
    }
    if (restartAt >= total || server.child?.exitCode !== null) await server.start();

    // --- drain: keep syncing until no device has anything waiting. A rejection fails the test: every mark is valid.
    const drainUntil = Date.now() + 120_000;
    for (;;) {
      await Promise.all(devices.map((d) => d.running ?? Promise.resolve()));
      await Promise.all(devices.map((d) => sync(d)));
      const rejected = await rejectedReasons();
      expect(rejected, 'the server rejected valid marks').toEqual([]);
      const waiting = (await Promise.all(devices.map((d) => countPending(d.db)))).reduce((a, b) => a + b, 0);
      if (waiting === 0) break;
      if (Date.now() > drainUntil) {
        const states = await Promise.all(
          devices.map(async (d) => ({
            device: d.username,
            status: d.engine.getStatus(),
            needsReauth: (await d.db.accounts.get(d.userId))?.needsReauth,
          })),
        );
        throw new Error(
          `${waiting} marks still waiting after the drain (seed ${SEED}): ${JSON.stringify(states)}\n${server.output.slice(-4000)}`,
        );
      }
    }

    // --- a quiet network, and one last sync each, so that every device pulls what the others pushed.
    proxy.enabled = false;
    for (const d of devices) {
      const outcome = await d.engine.syncNow();
      expect(outcome.status, `${d.username}'s final sync`).toBe('ok');
    }
    expect(await rejectedReasons()).toEqual([]);
    expect(devices.map((d) => d.rejectedSeen), 'rejections answered during the run').toEqual([0, 0, 0]);
    const local = new Map<string, Set<string>>();
    for (const d of devices) {
      expect(await countPending(d.db)).toBe(0);
      local.set(d.username, new Set((await d.db.entity('attendance').toArray()).map(comparable)));
    }
    const faults = { ...proxy.counts };
    await proxy.close();
    expect(await server.stop('SIGTERM')).toBe(0);

    // --- the server's database, read directly.
    const db = target.open(dataDir);
    try {
      const ids = new Set(made.map((m) => m.id));
      expect(ids.size).toBe(made.length);
      const clientIds = devices.map((d) => d.clientId);

      const applied = await db.kysely.selectFrom('applied_mutations').select(['id', 'user_id', 'client_id']).execute();
      const appliedOurs = applied.filter((a) => clientIds.includes(a.client_id));
      const appliedCount = new Map<string, number>();
      for (const a of applied) if (ids.has(a.id)) appliedCount.set(a.id, (appliedCount.get(a.id) ?? 0) + 1);
      expect(made.filter((m) => appliedCount.get(m.id) !== 1).map((m) => m.id), 'not applied exactly once').toEqual([]);
      expect(appliedOurs.length, 'applied mutations that no device made').toBe(made.length);

      const history = await db.kysely
        .selectFrom('attendance_history')
        .select(['id', 'mutation_id', 'client_id', 'session_id', 'person_id', 'status', 'note', 'marked_by', 'marked_at'])
        .execute();
      const historyOf = new Map<string, (typeof history)[number][]>();
      for (const h of history) {
        const list = historyOf.get(h.mutation_id) ?? [];
        list.push(h);
        historyOf.set(h.mutation_id, list);
      }
      expect(made.filter((m) => historyOf.get(m.id)?.length !== 1).map((m) => m.id), 'not in the history exactly once').toEqual([]);
      expect(history.filter((h) => clientIds.includes(h.client_id)).length).toBe(made.length);
      const userOf = new Map(devices.map((d) => [d.username, d.userId]));
      const clientOf = new Map(devices.map((d) => [d.username, d.clientId]));
      for (const m of made) {
        const h = historyOf.get(m.id)![0]!;
        // The server kept each observation as the device made it: its time, its author, its device.
        expect({ ...h, id: undefined }).toEqual({
          id: undefined,
          mutation_id: m.id,
          client_id: clientOf.get(m.username),
          session_id: m.sessionId,
          person_id: m.personId,
          status: m.status,
          note: m.note,
          marked_by: userOf.get(m.username),
          marked_at: m.clientTime,
        });
      }

      // The latest observation wins: the latest marked_at among every mark of the row (the demo's included), ties
      // to the later write, which is the later history id (UUIDv7 in write order, written under the school's lock).
      const latest = new Map<string, (typeof history)[number]>();
      for (const h of history) {
        const key = rowKey(h.session_id, h.person_id);
        const held = latest.get(key);
        if (!held || h.marked_at > held.marked_at || (h.marked_at === held.marked_at && h.id > held.id)) latest.set(key, h);
      }
      const attendance = await db.kysely
        .selectFrom('attendance')
        .select(['school_id', 'session_id', 'person_id', 'status', 'note', 'marked_by', 'marked_at'])
        .execute();
      const serverRow = new Map(attendance.map((a) => [rowKey(a.session_id, a.person_id), a]));
      const touched = new Set(made.map((m) => rowKey(m.sessionId, m.personId)));
      const wrong: string[] = [];
      for (const key of touched) {
        const want = latest.get(key)!;
        const have = serverRow.get(key);
        const pickFields = (r: { status: string; note: string | null; marked_by: string; marked_at: string }) =>
          JSON.stringify([r.status, r.note, r.marked_by, r.marked_at]);
        if (!have || pickFields(have) !== pickFields(want)) wrong.push(`${key}: ${have ? pickFields(have) : 'none'} ≠ ${pickFields(want)}`);
      }
      expect(wrong, 'rows whose latest observation did not win').toEqual([]);

      for (const d of devices) {
        const expected = new Set(
          attendance
            .filter((a) => a.school_id === d.schoolId)
            .map((a) => comparable({ sessionId: a.session_id, personId: a.person_id, status: a.status, note: a.note })),
        );
        const mine = local.get(d.username)!;
        const missing = [...expected].filter((r) => !mine.has(r));
        const extra = [...mine].filter((r) => !expected.has(r));
        expect({ device: d.username, missing, extra }).toEqual({ device: d.username, missing: [], extra: [] });
      }

      // Each tablet's clientId stayed bound to its user, with its last push and pull recorded.
      const clients = await db.kysely.selectFrom('sync_clients').selectAll().where('client_id', 'in', clientIds).execute();
      for (const d of devices) {
        const row = clients.find((c) => c.client_id === d.clientId);
        expect(row).toMatchObject({ user_id: d.userId, school_id: d.schoolId });
        expect(row?.last_push_at && row.last_pull_at).toBeTruthy();
      }

      const contested = [...touched].filter((key) => new Set(made.filter((m) => rowKey(m.sessionId, m.personId) === key).map((m) => m.username)).size > 1);
      console.info(
        `sync fault test on ${kind}, seed ${SEED}: ${made.length} marks on ${touched.size} rows (${contested.length} marked on two tablets), ` +
          `${killCount} SIGKILLs, ${((Date.now() - started) / 1000).toFixed(1)} s; faults ${JSON.stringify(faults)}; ` +
          `sync outcomes ${JSON.stringify(Object.fromEntries(devices.map((d) => [d.username, d.outcomes])))}`,
      );
      expect(killCount).toBeGreaterThanOrEqual(1);
      expect(faults.dropped + faults.cut + faults.duplicated).toBeGreaterThan(0);
      expect(faults.cut, 'no response was cut after the server committed').toBeGreaterThan(0);
    } finally {
      await db.close();
    }
  });
});
