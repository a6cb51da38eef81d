import { z } from 'zod';
import { IdSchema } from '../domain/ids';
import { SessionAudienceSchema, type SessionAudience } from '../domain/activities';
import { InstantSchema, hanoiDate } from '../time';
import type { SchoolYear } from '../domain/org';

/**
 * What a planner fills in for a session. The same schema checks the form on the device (vee-validate), the
 * mutation before it enters the outbox, and the push on the server, so the messages are the same everywhere.
 */
export const SessionFieldsSchema = z.object({
  title: z.string().trim().min(1, { error: 'hãy nhập tên buổi' }).max(300, { error: 'tên buổi tối đa 300 ký tự' }),
  activityTypeId: IdSchema,
  scenarioCode: z.string().max(40).nullable(),
  startsAt: InstantSchema,
  endsAt: InstantSchema,
  place: z.string().trim().max(200, { error: 'địa điểm tối đa 200 ký tự' }).nullable(),
  audience: SessionAudienceSchema,
  facilitatorPersonId: IdSchema.nullable(),
  trainerUserId: IdSchema.nullable(),
  materialIds: z.array(IdSchema).max(50),
  periods: z.number().int().min(0).max(200, { error: 'số tiết tối đa 200' }).nullable(),
});
export type SessionFields = z.infer<typeof SessionFieldsSchema>;

export const MESSAGES = {
  endBeforeStart: 'giờ kết thúc phải sau giờ bắt đầu',
  audienceEmpty: 'hãy chọn ít nhất một đối tượng tham dự (lớp, khối, cán bộ hoặc phụ huynh)',
  outsideSchoolYear: (label: string) => `buổi phải nằm trong năm học ${label}`,
  tooLong: 'một buổi không dài quá 3 ngày',
} as const;

export function audienceIsEmpty(a: SessionAudience): boolean {
  return a.classIds.length === 0 && a.grades.length === 0 && !a.staff && !a.parents && (a.personIds?.length ?? 0) === 0;
}

/** The rules that tie fields together; `ctx.addIssue` puts each message next to its field. */
export function checkSessionFields(
  value: Pick<SessionFields, 'startsAt' | 'endsAt' | 'audience'>,
  ctx: z.RefinementCtx,
): void {
  if (Date.parse(value.endsAt) <= Date.parse(value.startsAt)) {
    ctx.addIssue({ code: 'custom', path: ['endsAt'], message: MESSAGES.endBeforeStart });
  } else if (Date.parse(value.endsAt) - Date.parse(value.startsAt) > 3 * 24 * 3600_000) {
    ctx.addIssue({ code: 'custom', path: ['endsAt'], message: MESSAGES.tooLong });
  }
  if (audienceIsEmpty(value.audience)) {
    ctx.addIssue({ code: 'custom', path: ['audience'], message: MESSAGES.audienceEmpty });
  }
}

/**
 * A session must fall inside its school year (Hà Nội calendar dates). Needs the school year, which the mutation
 * does not carry: the form checks it against the device's copy, the server against its own.
 */
export function sessionOutsideSchoolYear(
  value: Pick<SessionFields, 'startsAt' | 'endsAt'>,
  year: Pick<SchoolYear, 'startDate' | 'endDate' | 'label'>,
): { field: 'startsAt' | 'endsAt'; message: string } | null {
  if (hanoiDate(value.startsAt) < year.startDate) return { field: 'startsAt', message: MESSAGES.outsideSchoolYear(year.label) };
  if (hanoiDate(value.endsAt) > year.endDate) return { field: 'endsAt', message: MESSAGES.outsideSchoolYear(year.label) };
  return null;
}

export const SessionCreateArgsSchema = SessionFieldsSchema.extend({
  id: IdSchema,
  /** The school it is held at, or null for a unit-wide session that appears at every school under scopeUnitId. */
  schoolId: IdSchema.nullable(),
  scopeUnitId: IdSchema,
  schoolYearId: IdSchema,
  /** Sessions created together from one recurrence (weekly, monthly) share a series id. */
  seriesId: IdSchema.nullable(),
}).superRefine(checkSessionFields);

/**
 * An edit carries the revision it was based on: if someone else changed the session since, the server refuses it
 * as stale and the device shows both versions; nothing is merged silently.
 */
export const SessionUpdateArgsSchema = z.object({
  id: IdSchema,
  baseRevision: z.number().int().min(0),
  fields: SessionFieldsSchema.superRefine(checkSessionFields),
});

export const SessionCancelArgsSchema = z.object({
  id: IdSchema,
  baseRevision: z.number().int().min(0),
  reason: z.string().trim().max(500).nullable(),
});

/** The reason a stale edit is refused with; the device recognises it by this prefix. */
export const STALE_EDIT_REASON = 'Buổi này đã được người khác sửa sau khi bạn mở (stale edit)';
