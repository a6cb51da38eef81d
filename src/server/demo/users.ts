import { newId } from '../../shared/domain/ids';
import { DEMO_USERS, type DemoUserDef, type DemoUserKey } from './catalogue';
import type { DemoOrg } from './org';
import type { DemoRows } from './rows';
import type { DemoClock } from './year';

export type DemoUserIds = Record<DemoUserKey, string>;

/**
 * The demo accounts with their grants. `passwordHashes` follows DEMO_USERS' order: hashing is slow, so the caller
 * does it before the transaction.
 */
export function buildUsers(
  org: DemoOrg,
  rows: DemoRows,
  clock: DemoClock,
  passwordHashes: readonly string[],
): DemoUserIds {
  const ids = {} as DemoUserIds;
  DEMO_USERS.forEach((def, i) => {
    const hash = passwordHashes[i];
    if (hash === undefined) throw new Error(`no password hash for ${def.username}`);
    const { unitId, person } = placeOf(org, def);
    const id = newId();
    ids[def.username] = id;
    rows.users.push({
      id,
      username: def.username,
      display_name: person?.fullName ?? def.displayName ?? def.username,
      password_hash: hash,
      person_id: person?.id ?? null,
      active: 1,
      must_change_password: 0,
      created_at: clock.accountsCreatedAt,
      updated_at: clock.accountsCreatedAt,
    });
    rows.role_grants.push({
      id: newId(),
      user_id: id,
      role: def.role,
      unit_id: unitId,
      created_at: clock.accountsCreatedAt,
    });
  });
  return ids;
}

function placeOf(org: DemoOrg, def: DemoUserDef): { unitId: string; person: { id: string; fullName: string } | null } {
  const place = def.place;
  switch (place.unit) {
    case 'department':
      return { unitId: org.departmentId, person: null };
    case 'commune':
      return { unitId: org.communeIds[place.commune], person: null };
    case 'school': {
      const school = org.schools[place.school];
      if (place.staff === 'principal') return { unitId: school.id, person: school.principal };
      const cls = school.classes.find((c) => c.name === place.className);
      const teacher = cls && school.staff.find((s) => s.id === cls.homeroomId);
      if (!teacher) throw new Error(`${def.username}: no class ${place.className} at ${school.def.name}`);
      return { unitId: school.id, person: teacher };
    }
  }
}
