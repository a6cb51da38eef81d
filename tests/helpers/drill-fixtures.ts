import type { Kysely } from 'kysely';
import type { Database } from '../../src/server/db/schema';
import { reserveVersions } from '../../src/server/db/versions';
import { newId } from '../../src/shared/domain/ids';
import type { Fixture } from './fixtures';

/** What drill tests add to the common fixture: the drill activity type and a second class of school A (4 pupils). */
export interface DrillWorld {
  drillType: string;
  classA2: string;
  studentsA2: string[];
}

export async function addDrillWorld(db: Kysely<Database>, f: Fixture): Promise<DrillWorld> {
  const world: DrillWorld = { drillType: newId(), classA2: newId(), studentsA2: [newId(), newId(), newId(), newId()] };
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('activity_types')
      .values({
        id: world.drillType,
        owner_unit_id: f.department,
        code: 'drill',
        name: 'Diễn tập PCCC',
        name_en: 'Fire drill',
        scenarios: JSON.stringify([
          { code: 'fire_evacuation', name: 'Cháy, thoát nạn', nameEn: 'Fire' },
          { code: 'earthquake', name: 'Động đất', nameEn: 'Earthquake' },
        ]),
        audiences: '["students","staff"]',
        indicators: '["drills_held"]',
        carries_commitment: 0,
        carries_periods: 0,
        stream: f.department,
        version: await reserveVersions(trx, f.department),
      })
      .execute();
    await trx
      .insertInto('classes')
      .values({
        id: world.classA2,
        school_id: f.schoolA,
        school_year_id: f.schoolYear,
        grade: 4,
        name: '4A2',
        code: null,
        homeroom_person_id: null,
        status: 'active',
        stream: f.schoolA,
        version: await reserveVersions(trx, f.schoolA),
      })
      .execute();
    for (const [i, pid] of world.studentsA2.entries()) {
      await trx
        .insertInto('persons')
        .values({
          id: pid,
          school_id: f.schoolA,
          kind: 'student',
          full_name: `Học sinh 4A2-${i}`,
          code: null,
          birth_year: 2016,
          sex: null,
          class_id: world.classA2,
          role_tags: '[]',
          status: 'active',
          created_at: new Date().toISOString(),
          updated_at: new Date().toISOString(),
          stream: f.schoolA,
          version: await reserveVersions(trx, f.schoolA),
        })
        .execute();
    }
  });
  return world;
}

/** A fresh drill session (at a school, or unit-wide), begun an hour ago, so each test reads its own rows. */
export async function addDrillSession(
  db: Kysely<Database>,
  f: Fixture,
  world: DrillWorld,
  schoolId: string | null = f.schoolA,
  scenario: string | null = 'fire_evacuation',
  /** The unit of a session held at several schools (schoolId null): a commune's drill day. */
  scopeUnitId: string = schoolId ?? f.communeA,
): Promise<string> {
  const id = newId();
  await db.transaction().execute(async (trx) => {
    const startsAt = new Date(Date.now() - 3600_000).toISOString();
    await trx
      .insertInto('sessions')
      .values({
        id,
        school_id: schoolId,
        scope_unit_id: scopeUnitId,
        school_year_id: f.schoolYear,
        activity_type_id: world.drillType,
        scenario_code: scenario,
        title: 'Diễn tập PCCC',
        starts_at: startsAt,
        ends_at: new Date(Date.now() + 3600_000).toISOString(),
        place: 'Sân trường',
        audience: JSON.stringify({ classIds: [], grades: [4, 5], staff: true, parents: false, youthStaffOnly: false }),
        facilitator_person_id: null,
        trainer_user_id: null,
        material_ids: '[]',
        periods: null,
        status: 'planned',
        revision: 0,
        created_by: f.users.principalA,
        created_at: startsAt,
        updated_at: startsAt,
        series_id: null,
        stream: scopeUnitId,
        version: await reserveVersions(trx, scopeUnitId),
      } as never)
      .execute();
  });
  return id;
}
