import 'fake-indexeddb/auto';
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TruongAnDb } from '../../../../src/client/db/database';
import { applyPullPage } from '../../../../src/client/db/repositories/pull';
import type { Attendance, Commitment, Consent, Person } from '../../../../src/shared/domain';
import type { Change } from '../../../../src/shared/sync/wire';
import { freshDb, makeSchool, type School } from '../sync/harness';

/**
 * A person erased on the server (DELETE /api/persons/:id) reaches a device as tombstones, `{ op: 'delete', row: { id } }`
 * for the person and each of their attendance rows, commitments and consents: the device must then hold none of them,
 * and keep everybody else's.
 */
describe('a pulled erasure on the device', () => {
  let db: TruongAnDb;
  let school: School;
  const userId = randomUUID();

  beforeEach(() => {
    db = freshDb();
    school = makeSchool(3);
  });
  afterEach(async () => {
    await db.delete();
  });

  const mark = (person: Person): Attendance => ({
    id: randomUUID(),
    schoolId: school.schoolId,
    sessionId: school.session.id,
    personId: person.id,
    status: 'present',
    note: null,
    markedBy: userId,
    markedAt: '2025-10-01T01:05:00.000Z',
  });
  const commitment = (person: Person): Commitment => ({
    id: randomUUID(),
    schoolId: school.schoolId,
    schoolYearId: school.session.schoolYearId,
    personId: person.id,
    kind: 'student_traffic',
    signedBy: 'self',
    signerPersonId: null,
    method: 'paper',
    signatureHash: null,
    signedAt: '2025-09-10T01:00:00.000Z',
    deviceId: 'tablet-1',
  });
  const consent = (person: Person): Consent => ({
    id: randomUUID(),
    personId: person.id,
    schoolId: school.schoolId,
    kind: 'photo',
    childConsent: true,
    parentConsent: true,
    recordedAt: '2025-09-05T01:00:00.000Z',
    recordedBy: userId,
    note: null,
  });

  it('removes the person, their attendance, commitments and consents, and nothing of anyone else', async () => {
    const [erased, kept] = school.people as [Person, Person, ...Person[]];
    const rows = {
      marks: [mark(erased), mark(kept)],
      commitments: [commitment(erased), commitment(kept)],
      consents: [consent(erased), consent(kept)],
    };
    const puts: Change[] = [
      { entity: 'session', op: 'put', row: school.session as unknown as Record<string, unknown> },
      ...school.people.map((p): Change => ({ entity: 'person', op: 'put', row: p as unknown as Record<string, unknown> })),
      ...rows.marks.map((r): Change => ({ entity: 'attendance', op: 'put', row: r as unknown as Record<string, unknown> })),
      ...rows.commitments.map((r): Change => ({ entity: 'commitment', op: 'put', row: r as unknown as Record<string, unknown> })),
      ...rows.consents.map((r): Change => ({ entity: 'consent', op: 'put', row: r as unknown as Record<string, unknown> })),
    ];
    expect(await applyPullPage(db, userId, puts, 'c1')).toMatchObject({ applied: puts.length, invalid: 0 });
    expect(await db.entity('consent').count()).toBe(2);

    // What the server sends after the erasure: ids only, as the tombstones table holds them.
    const tombstones: Change[] = [
      { entity: 'attendance', op: 'delete', row: { id: rows.marks[0]!.id } },
      { entity: 'commitment', op: 'delete', row: { id: rows.commitments[0]!.id } },
      { entity: 'consent', op: 'delete', row: { id: rows.consents[0]!.id } },
      { entity: 'person', op: 'delete', row: { id: erased.id } },
    ];
    expect(await applyPullPage(db, userId, tombstones, 'c2')).toMatchObject({ applied: 4, invalid: 0, skipped: 0 });

    expect(await db.entity('person').get(erased.id)).toBeUndefined();
    expect(await db.entity('attendance').where('personId').equals(erased.id).count()).toBe(0);
    expect(await db.entity('commitment').where('personId').equals(erased.id).count()).toBe(0);
    expect(await db.entity('consent').where('personId').equals(erased.id).count()).toBe(0);
    // Nothing on the device still carries the id or the name.
    for (const table of db.entityTables()) {
      const all = JSON.stringify(await table.toArray());
      expect(all, table.name).not.toContain(erased.id);
      expect(all, table.name).not.toContain(erased.fullName);
    }

    expect(await db.entity('person').get(kept.id)).toBeDefined();
    expect(await db.entity('attendance').where('personId').equals(kept.id).count()).toBe(1);
    expect(await db.entity('commitment').where('personId').equals(kept.id).count()).toBe(1);
    expect(await db.entity('consent').where('personId').equals(kept.id).count()).toBe(1);
    expect((await db.cursors.get(userId))?.cursor).toBe('c2');
  });
});
