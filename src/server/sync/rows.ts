import type { Kysely, Transaction } from 'kysely';
import { ENTITY_SCHEMAS, type EntityName, type EntityRow } from '../../shared/sync/wire';
import type { Database } from '../db/schema';
import { idChunks } from './batching';

type Reader = Kysely<Database> | Transaction<Database>;

/** The table each pulled entity lives in. Every one of them carries `stream` and `version`. */
export const ENTITY_TABLES = {
  unit: 'units',
  schoolYear: 'school_years',
  class: 'classes',
  person: 'persons',
  activityType: 'activity_types',
  requirement: 'requirements',
  session: 'sessions',
  attendance: 'attendance',
  drillRecord: 'drill_records',
  drillHeadcount: 'drill_headcounts',
  commitment: 'commitments',
  material: 'materials',
  consent: 'consents',
} as const satisfies Record<EntityName, keyof Database>;

export type SyncedTableName = (typeof ENTITY_TABLES)[EntityName];
export type SyncedRow<E extends EntityName> = Database[(typeof ENTITY_TABLES)[E]];

/** A stored row that does not fit its contract shape: a server bug, never sent half-right to a device. */
export class RowShapeError extends Error {
  constructor(
    readonly entity: EntityName,
    readonly rowId: string,
    detail: string,
  ) {
    super(`${entity} ${rowId} does not match its shared schema: ${detail}`);
  }
}

const bool = (v: number): boolean => v === 1;

/** JSON text columns; unreadable text becomes undefined, which the shared schema then refuses with the row's id. */
function json(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * DB row → the shared camelCase shape, before validation. School years take their terms from `terms` and
 * parents their students from `person_links`: whoever changes a term or a link bumps the version of the
 * school year or the parent, so that the change travels.
 */
type Mapper<E extends EntityName> = (db: Reader, rows: SyncedRow<E>[]) => Promise<unknown[]>;

const sync =
  <E extends EntityName>(f: (row: SyncedRow<E>) => unknown): Mapper<E> =>
  (_db, rows) =>
    Promise.resolve(rows.map(f));

const MAPPERS: { [E in EntityName]: Mapper<E> } = {
  unit: sync<'unit'>((r) => ({
    id: r.id,
    kind: r.kind,
    name: r.name,
    code: r.code,
    parentId: r.parent_id,
    clusterId: r.cluster_id,
    schoolLevel: r.school_level,
    status: r.status,
  })),
  schoolYear: async (db, rows) => {
    const terms = new Map<string, { no: number; name: string; startDate: string; endDate: string }[]>();
    for (const ids of idChunks(rows.map((r) => r.id))) {
      const found = await db
        .selectFrom('terms')
        .select(['school_year_id', 'no', 'name', 'start_date', 'end_date'])
        .where('school_year_id', 'in', ids)
        .orderBy('school_year_id')
        .orderBy('no')
        .execute();
      for (const t of found) {
        const list = terms.get(t.school_year_id) ?? [];
        list.push({ no: t.no, name: t.name, startDate: t.start_date, endDate: t.end_date });
        terms.set(t.school_year_id, list);
      }
    }
    return rows.map((r) => ({
      id: r.id,
      departmentId: r.department_id,
      label: r.label,
      startDate: r.start_date,
      endDate: r.end_date,
      terms: terms.get(r.id) ?? [],
    }));
  },
  class: sync<'class'>((r) => ({
    id: r.id,
    schoolId: r.school_id,
    schoolYearId: r.school_year_id,
    grade: r.grade,
    name: r.name,
    code: r.code,
    homeroomPersonId: r.homeroom_person_id,
    status: r.status,
  })),
  person: async (db, rows) => {
    const students = new Map<string, string[]>();
    for (const ids of idChunks(rows.filter((r) => r.kind === 'parent').map((r) => r.id))) {
      const links = await db
        .selectFrom('person_links')
        .select(['parent_id', 'student_id'])
        .where('parent_id', 'in', ids)
        .orderBy('parent_id')
        .orderBy('student_id')
        .execute();
      for (const l of links) {
        const list = students.get(l.parent_id) ?? [];
        list.push(l.student_id);
        students.set(l.parent_id, list);
      }
    }
    return rows.map((r) => ({
      id: r.id,
      schoolId: r.school_id,
      kind: r.kind,
      fullName: r.full_name,
      code: r.code,
      birthYear: r.birth_year,
      sex: r.sex,
      classId: r.class_id,
      roleTags: json(r.role_tags),
      studentIds: students.get(r.id) ?? [],
      status: r.status,
      joinedOn: r.joined_on,
      leftOn: r.left_on,
    }));
  },
  activityType: sync<'activityType'>((r) => ({
    id: r.id,
    ownerUnitId: r.owner_unit_id,
    code: r.code,
    name: r.name,
    nameEn: r.name_en,
    scenarios: json(r.scenarios),
    audiences: json(r.audiences),
    indicators: json(r.indicators),
    carriesCommitment: bool(r.carries_commitment),
    carriesPeriods: bool(r.carries_periods),
  })),
  requirement: sync<'requirement'>((r) => ({
    id: r.id,
    ownerUnitId: r.owner_unit_id,
    schoolYearId: r.school_year_id,
    title: r.title,
    target: json(r.target),
    activityTypeId: r.activity_type_id,
    scenarioCode: r.scenario_code,
    rotateScenarios: bool(r.rotate_scenarios),
    frequency: json(r.frequency),
    audience: json(r.audience),
    indicator: r.indicator,
    // Only when some are attached: a requirement without materials reads exactly as before migration 008.
    ...(r.material_ids && r.material_ids !== '[]' ? { materialIds: json(r.material_ids) } : {}),
  })),
  session: sync<'session'>((r) => ({
    id: r.id,
    schoolId: r.school_id,
    scopeUnitId: r.scope_unit_id,
    schoolYearId: r.school_year_id,
    activityTypeId: r.activity_type_id,
    scenarioCode: r.scenario_code,
    title: r.title,
    startsAt: r.starts_at,
    endsAt: r.ends_at,
    place: r.place,
    audience: json(r.audience),
    facilitatorPersonId: r.facilitator_person_id,
    trainerUserId: r.trainer_user_id,
    materialIds: json(r.material_ids),
    periods: r.periods,
    status: r.status,
    revision: r.revision,
    createdBy: r.created_by,
    seriesId: r.series_id,
    // Only closed sessions carry it, so rows of open sessions read exactly as before migration 005.
    ...(r.completed_at ? { completedAt: r.completed_at } : {}),
  })),
  attendance: sync<'attendance'>((r) => ({
    id: r.id,
    schoolId: r.school_id,
    sessionId: r.session_id,
    personId: r.person_id,
    status: r.status,
    note: r.note,
    markedBy: r.marked_by,
    markedAt: r.marked_at,
  })),
  drillRecord: sync<'drillRecord'>((r) => ({
    id: r.id,
    schoolId: r.school_id,
    sessionId: r.session_id,
    scenarioCode: r.scenario_code,
    alarmAt: r.alarm_at,
    allClearAt: r.all_clear_at,
    evacuationSeconds: r.evacuation_seconds,
    expectedCount: r.expected_count,
    accountedCount: r.accounted_count,
    missingCount: r.missing_count,
    observations: json(r.observations),
    notes: r.notes,
    photoHashes: json(r.photo_hashes),
  })),
  drillHeadcount: sync<'drillHeadcount'>((r) => ({
    id: r.id,
    schoolId: r.school_id,
    sessionId: r.session_id,
    classId: r.class_id,
    presentCount: r.present_count,
    missingCount: r.missing_count,
    absentCount: r.absent_count,
    missingPersonIds: json(r.missing_person_ids),
    reportedBy: r.reported_by,
    reportedAt: r.reported_at,
  })),
  commitment: sync<'commitment'>((r) => ({
    id: r.id,
    schoolId: r.school_id,
    schoolYearId: r.school_year_id,
    personId: r.person_id,
    kind: r.kind,
    signedBy: r.signed_by,
    signerPersonId: r.signer_person_id,
    method: r.method,
    signatureHash: r.signature_hash,
    signedAt: r.signed_at,
    deviceId: r.device_id,
  })),
  material: sync<'material'>((r) => ({
    id: r.id,
    ownerUnitId: r.owner_unit_id,
    schoolId: r.school_id,
    title: r.title,
    description: r.description,
    activityTypeId: r.activity_type_id,
    schoolLevel: r.school_level,
    schoolYearId: r.school_year_id,
    tags: json(r.tags),
    mime: r.mime,
    size: r.size,
    sha256: r.sha256,
    uploadedBy: r.uploaded_by,
    createdAt: r.created_at,
    versionNo: r.version_no,
    status: r.status,
    updatedAt: r.updated_at,
  })),
  consent: sync<'consent'>((r) => ({
    id: r.id,
    personId: r.person_id,
    schoolId: r.school_id,
    kind: r.kind,
    childConsent: r.child_consent === null ? null : bool(r.child_consent),
    parentConsent: bool(r.parent_consent),
    recordedAt: r.recorded_at,
    recordedBy: r.recorded_by,
    note: r.note,
  })),
};

/**
 * Stored rows of one entity as the contract's rows, each checked by the entity's shared schema: what a device
 * receives is exactly what its own validation of stored data accepts.
 */
export async function toSharedRows<E extends EntityName>(db: Reader, entity: E, rows: SyncedRow<E>[]): Promise<EntityRow<E>[]> {
  if (rows.length === 0) return [];
  const mapper = MAPPERS[entity] as Mapper<E>;
  const shaped = await mapper(db, rows);
  const schema = ENTITY_SCHEMAS[entity];
  return shaped.map((candidate, i) => {
    const parsed = schema.safeParse(candidate);
    if (!parsed.success) {
      const detail = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.code}`).join('; ');
      throw new RowShapeError(entity, rows[i]!.id, detail);
    }
    return parsed.data as EntityRow<E>;
  });
}
