import type { Transaction } from 'kysely';
import type { ActivityType, Requirement, Scenario } from '../../../shared/domain/activities';
import type { Access } from '../../auth/access';
import type { Database } from '../../db/schema';
import { reserveVersions } from '../../db/versions';
import { idChunks } from '../batching';
import { REJECTION } from '../reasons';
import type { AuthorisedMutation, Decision, MutationHandler } from './handler';
import { PLAN_REJECTION } from './plan-reasons';

/**
 * The plan's catalogue: activity types and requirements, kept by department and commune officers (and clusters'
 * officers) for the schools below them. A row lives in its owner's stream, so every school under the owner pulls
 * it; the owner of a row never changes, or the schools of the old owner would keep a copy nobody updates.
 */

/** Who may keep the catalogue of a unit: an officer covering it (or an admin); never a school. */
function ownerCheck(access: Access, ownerUnitId: string, storedOwner: string | undefined): string | null {
  if (!access.canPlanFor(ownerUnitId)) return REJECTION.notFound;
  if (access.tree.isSchool(ownerUnitId)) return PLAN_REJECTION.ownerKind;
  if (storedOwner !== undefined && storedOwner !== ownerUnitId) {
    return access.canPlanFor(storedOwner) ? PLAN_REJECTION.ownerFixed : REJECTION.notFound;
  }
  return null;
}

async function ownersOf(
  trx: Transaction<Database>,
  table: 'activity_types' | 'requirements',
  ids: string[],
): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const chunk of idChunks(ids)) {
    const rows = await trx.selectFrom(table).select(['id', 'owner_unit_id']).where('id', 'in', chunk).execute();
    for (const r of rows) out.set(r.id, r.owner_unit_id);
  }
  return out;
}

/** One version per accepted mutation, reserved per stream in sorted order. */
async function versionsFor<N extends 'activityType.save' | 'requirement.save' | 'requirement.remove'>(
  t: Transaction<Database>,
  accepted: AuthorisedMutation<N>[],
): Promise<number[]> {
  const count = new Map<string, number>();
  for (const m of accepted) count.set(m.stream, (count.get(m.stream) ?? 0) + 1);
  const next = new Map<string, number>();
  for (const stream of [...count.keys()].sort()) next.set(stream, await reserveVersions(t, stream, count.get(stream)!));
  return accepted.map((m) => {
    const v = next.get(m.stream)!;
    next.set(m.stream, v + 1);
    return v;
  });
}

function activityTypeColumns(a: ActivityType) {
  return {
    owner_unit_id: a.ownerUnitId,
    code: a.code,
    name: a.name,
    name_en: a.nameEn,
    scenarios: JSON.stringify(a.scenarios),
    audiences: JSON.stringify(a.audiences),
    indicators: JSON.stringify(a.indicators),
    carries_commitment: a.carriesCommitment ? 1 : 0,
    carries_periods: a.carriesPeriods ? 1 : 0,
  };
}

/** `activityType.save`: the whole row, created or replaced. */
export const activityTypeSaveHandler: MutationHandler<'activityType.save'> = {
  name: 'activityType.save',

  async prepare(trx, mutations, access) {
    const owners = await ownersOf(
      trx,
      'activity_types',
      mutations.map((m) => m.args.id),
    );
    return {
      decide(m): Decision {
        const problem = ownerCheck(access, m.args.ownerUnitId, owners.get(m.args.id));
        if (problem) return { ok: false, reason: problem };
        owners.set(m.args.id, m.args.ownerUnitId);
        return { ok: true, stream: m.args.ownerUnitId };
      },
      async apply(t, accepted) {
        const versions = await versionsFor(t, accepted);
        for (const [i, m] of accepted.entries()) {
          const columns = { ...activityTypeColumns(m.args), stream: m.stream, version: versions[i]! };
          await t
            .insertInto('activity_types')
            .values({ id: m.args.id, ...columns })
            .onConflict((oc) => oc.column('id').doUpdateSet(columns))
            .execute();
        }
      },
    };
  },
};

function requirementColumns(r: Requirement) {
  return {
    owner_unit_id: r.ownerUnitId,
    school_year_id: r.schoolYearId,
    title: r.title,
    target: JSON.stringify(r.target),
    activity_type_id: r.activityTypeId,
    scenario_code: r.scenarioCode,
    rotate_scenarios: r.rotateScenarios ? 1 : 0,
    frequency: JSON.stringify(r.frequency),
    audience: JSON.stringify(r.audience),
    indicator: r.indicator,
    // Absent from an older device's save: the materials already attached stay (the insert's column default is '[]').
    ...(r.materialIds !== undefined ? { material_ids: JSON.stringify(r.materialIds) } : {}),
  };
}

/**
 * `requirement.save`: the whole row, created or replaced. Its activity type and school year must be ones the
 * owner's schools see, and a subtree or cluster target must lie inside the owner's scope.
 */
export const requirementSaveHandler: MutationHandler<'requirement.save'> = {
  name: 'requirement.save',

  async prepare(trx, mutations, access) {
    const owners = await ownersOf(
      trx,
      'requirements',
      mutations.map((m) => m.args.id),
    );
    const types = new Map<string, { owner: string; scenarios: Scenario[] }>();
    for (const chunk of idChunks(mutations.map((m) => m.args.activityTypeId))) {
      const rows = await trx.selectFrom('activity_types').select(['id', 'owner_unit_id', 'scenarios']).where('id', 'in', chunk).execute();
      for (const r of rows) types.set(r.id, { owner: r.owner_unit_id, scenarios: JSON.parse(r.scenarios) as Scenario[] });
    }
    const years = new Map<string, string>();
    for (const chunk of idChunks(mutations.map((m) => m.args.schoolYearId))) {
      const rows = await trx.selectFrom('school_years').select(['id', 'department_id']).where('id', 'in', chunk).execute();
      for (const r of rows) years.set(r.id, r.department_id);
    }

    return {
      decide(m): Decision {
        const a = m.args;
        const problem = ownerCheck(access, a.ownerUnitId, owners.get(a.id));
        if (problem) return { ok: false, reason: problem };
        const above = access.tree.streamsAbove(a.ownerUnitId);
        const department = years.get(a.schoolYearId);
        if (department === undefined || !above.includes(department)) return { ok: false, reason: REJECTION.notFound };
        const type = types.get(a.activityTypeId);
        if (!type || !above.includes(type.owner)) return { ok: false, reason: REJECTION.notFound };
        if (a.scenarioCode !== null && !type.scenarios.some((s) => s.code === a.scenarioCode)) {
          return { ok: false, reason: REJECTION.invalidArgs(PLAN_REJECTION.scenarioUnknown) };
        }
        if (a.target.kind === 'subtree' || a.target.kind === 'cluster') {
          const unit = access.tree.get(a.target.unitId);
          if (!unit || !access.tree.subtree(a.ownerUnitId).has(a.target.unitId)) return { ok: false, reason: REJECTION.notFound };
          if (a.target.kind === 'cluster' && unit.kind !== 'cluster') {
            return { ok: false, reason: REJECTION.invalidArgs('target.unitId: đơn vị này không phải cụm chuyên môn') };
          }
        }
        owners.set(a.id, a.ownerUnitId);
        return { ok: true, stream: a.ownerUnitId };
      },
      async apply(t, accepted) {
        const versions = await versionsFor(t, accepted);
        for (const [i, m] of accepted.entries()) {
          const columns = { ...requirementColumns(m.args), stream: m.stream, version: versions[i]! };
          await t
            .insertInto('requirements')
            .values({ id: m.args.id, ...columns })
            .onConflict((oc) => oc.column('id').doUpdateSet(columns))
            .execute();
        }
      },
    };
  },
};

/** `requirement.remove`: the row goes, and a tombstone in its owner's stream tells every device to drop it. */
export const requirementRemoveHandler: MutationHandler<'requirement.remove'> = {
  name: 'requirement.remove',

  async prepare(trx, mutations, access, meta) {
    const owners = await ownersOf(
      trx,
      'requirements',
      mutations.map((m) => m.args.id),
    );
    return {
      decide(m): Decision {
        const owner = owners.get(m.args.id);
        if (owner === undefined || !access.canPlanFor(owner)) return { ok: false, reason: REJECTION.notFound };
        owners.delete(m.args.id);
        return { ok: true, stream: owner };
      },
      async apply(t, accepted) {
        const versions = await versionsFor(t, accepted);
        for (const [i, m] of accepted.entries()) {
          await t.deleteFrom('requirements').where('id', '=', m.args.id).execute();
          const tombstone = { stream: m.stream, version: versions[i]!, deleted_at: meta.receivedAt };
          await t
            .insertInto('tombstones')
            .values({ entity: 'requirement', id: m.args.id, ...tombstone })
            .onConflict((oc) => oc.columns(['entity', 'id']).doUpdateSet(tombstone))
            .execute();
        }
      },
    };
  },
};
