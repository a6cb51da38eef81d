import type { Transaction } from 'kysely';
import type { Scenario } from '../../../shared/domain/activities';
import { sessionOutsideSchoolYear, type SessionFields } from '../../../shared/plan/session-input';
import type { Access } from '../../auth/access';
import type { Database, SessionTable } from '../../db/schema';
import { idChunks } from '../batching';
import { REJECTION } from '../reasons';

/** What a session's authorisation and its edits need of the stored row. */
export type StoredSession = Pick<
  SessionTable,
  'id' | 'school_id' | 'scope_unit_id' | 'school_year_id' | 'trainer_user_id' | 'status' | 'revision' | 'stream'
>;

interface YearContext {
  department_id: string;
  label: string;
  startDate: string;
  endDate: string;
}

interface TypeContext {
  owner_unit_id: string;
  scenarios: Scenario[];
}

/** The rows a batch of session mutations refers to, loaded with one IN query per table. */
export interface SessionRefs {
  years: Map<string, YearContext>;
  types: Map<string, TypeContext>;
  users: Set<string>;
  persons: Map<string, string>;
  classes: Map<string, { school_id: string; school_year_id: string }>;
}

export async function loadSessions(trx: Transaction<Database>, ids: string[]): Promise<Map<string, StoredSession>> {
  const out = new Map<string, StoredSession>();
  for (const chunk of idChunks(ids)) {
    const rows = await trx
      .selectFrom('sessions')
      .select(['id', 'school_id', 'scope_unit_id', 'school_year_id', 'trainer_user_id', 'status', 'revision', 'stream'])
      .where('id', 'in', chunk)
      .execute();
    for (const r of rows) out.set(r.id, r);
  }
  return out;
}

function scenariosOf(text: string): Scenario[] {
  try {
    const parsed = JSON.parse(text) as unknown;
    return Array.isArray(parsed) ? (parsed as Scenario[]) : [];
  } catch {
    return [];
  }
}

export async function loadRefs(
  trx: Transaction<Database>,
  fields: Pick<SessionFields, 'activityTypeId' | 'trainerUserId' | 'facilitatorPersonId' | 'audience'>[],
  schoolYearIds: string[],
): Promise<SessionRefs> {
  const refs: SessionRefs = { years: new Map(), types: new Map(), users: new Set(), persons: new Map(), classes: new Map() };
  for (const ids of idChunks(schoolYearIds)) {
    const rows = await trx
      .selectFrom('school_years')
      .select(['id', 'department_id', 'label', 'start_date', 'end_date'])
      .where('id', 'in', ids)
      .execute();
    for (const r of rows) refs.years.set(r.id, { department_id: r.department_id, label: r.label, startDate: r.start_date, endDate: r.end_date });
  }
  for (const ids of idChunks(fields.map((f) => f.activityTypeId))) {
    const rows = await trx.selectFrom('activity_types').select(['id', 'owner_unit_id', 'scenarios']).where('id', 'in', ids).execute();
    for (const r of rows) refs.types.set(r.id, { owner_unit_id: r.owner_unit_id, scenarios: scenariosOf(r.scenarios) });
  }
  const trainers = fields.map((f) => f.trainerUserId).filter((x): x is string => x !== null);
  for (const ids of idChunks(trainers)) {
    const rows = await trx.selectFrom('users').select('id').where('id', 'in', ids).where('active', '=', 1).execute();
    for (const r of rows) refs.users.add(r.id);
  }
  const facilitators = fields.map((f) => f.facilitatorPersonId).filter((x): x is string => x !== null);
  for (const ids of idChunks(facilitators)) {
    const rows = await trx.selectFrom('persons').select(['id', 'school_id']).where('id', 'in', ids).execute();
    for (const r of rows) refs.persons.set(r.id, r.school_id);
  }
  for (const ids of idChunks(fields.flatMap((f) => f.audience.classIds))) {
    const rows = await trx.selectFrom('classes').select(['id', 'school_id', 'school_year_id']).where('id', 'in', ids).execute();
    for (const r of rows) refs.classes.set(r.id, r);
  }
  return refs;
}

/**
 * Who may plan a session at a place: for a school session (scopeUnitId = the school), its principal or an officer
 * covering it; for a unit-wide session (no school), an officer covering the unit. Admins everywhere.
 */
export function mayPlanSession(access: Access, place: { schoolId: string | null; scopeUnitId: string }): boolean {
  if (place.schoolId !== null) return access.tree.isSchool(place.schoolId) && access.canPlanFor(place.schoolId);
  return access.tree.get(place.scopeUnitId) !== undefined && !access.tree.isSchool(place.scopeUnitId) && access.canPlanFor(place.scopeUnitId);
}

const invalid = (field: string, message: string) => REJECTION.invalidArgs(`${field}: ${message}`);

/**
 * Checks a session's fields against what they refer to; returns the rejection reason or null. Rows the planner
 * cannot see (a school year of another department, an activity type of another commune) are "not found", like
 * rows that do not exist. The school-year message is the one the form shows (sessionOutsideSchoolYear).
 * `prefix` is the path of the fields in the mutation ('' for session.create, 'fields.' for session.update), so
 * the reason names the field as a zod failure of the same mutation would.
 */
export function checkSessionRefs(
  fields: SessionFields,
  place: { schoolId: string | null; scopeUnitId: string; schoolYearId: string },
  refs: SessionRefs,
  access: Access,
  prefix: string,
): string | null {
  const above = access.tree.streamsAbove(place.scopeUnitId);
  const year = refs.years.get(place.schoolYearId);
  if (!year || !above.includes(year.department_id)) return REJECTION.notFound;
  const type = refs.types.get(fields.activityTypeId);
  if (!type || !above.includes(type.owner_unit_id)) return REJECTION.notFound;
  const outside = sessionOutsideSchoolYear(fields, year);
  if (outside) return invalid(`${prefix}${outside.field}`, outside.message);
  if (fields.scenarioCode !== null && !type.scenarios.some((s) => s.code === fields.scenarioCode)) {
    return invalid(`${prefix}scenarioCode`, 'tình huống không thuộc loại hoạt động này');
  }
  if (fields.trainerUserId !== null && !refs.users.has(fields.trainerUserId)) return REJECTION.notFound;
  if (fields.facilitatorPersonId !== null) {
    const school = refs.persons.get(fields.facilitatorPersonId);
    if (school === undefined || (place.schoolId !== null && school !== place.schoolId)) return REJECTION.notFound;
  }
  if (fields.audience.classIds.length > 0) {
    if (place.schoolId === null) {
      return invalid(`${prefix}audience.classIds`, 'buổi chung cho nhiều trường chọn khối, không chọn lớp');
    }
    for (const classId of fields.audience.classIds) {
      const c = refs.classes.get(classId);
      if (!c || c.school_id !== place.schoolId) return REJECTION.notFound;
      if (c.school_year_id !== place.schoolYearId) return invalid(`${prefix}audience.classIds`, 'lớp không thuộc năm học của buổi');
    }
  }
  return null;
}

/** The session's columns as a planner sets them. */
export function sessionColumns(fields: SessionFields) {
  return {
    title: fields.title,
    activity_type_id: fields.activityTypeId,
    scenario_code: fields.scenarioCode,
    starts_at: fields.startsAt,
    ends_at: fields.endsAt,
    place: fields.place,
    audience: JSON.stringify(fields.audience),
    facilitator_person_id: fields.facilitatorPersonId,
    trainer_user_id: fields.trainerUserId,
    material_ids: JSON.stringify(fields.materialIds),
    periods: fields.periods,
  };
}

/** The rejection of an edit based on a revision that is no longer the stored one. Starts with STALE_EDIT_REASON. */
export function staleReason(staleEditReason: string, stored: number, base: number): string {
  return `${staleEditReason}: bản trên máy chủ là lần sửa ${stored}, bản của bạn dựa trên lần sửa ${base} (server revision ${stored}, yours was based on ${base})`;
}
