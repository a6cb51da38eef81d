import { z } from 'zod';
import { IdSchema } from './ids';
import { InstantSchema, LocalDateSchema } from '../time';
import { SchoolLevelSchema } from './org';

export const ACTIVITY_CODES = [
  'drill',
  'legal_education',
  'resolution_study',
  'traffic_safety',
  'staff_training',
  'parent_outreach',
  'volunteering',
  'inspection',
  'other',
] as const;
export const ActivityCodeSchema = z.enum(ACTIVITY_CODES);
export type ActivityCode = z.infer<typeof ActivityCodeSchema>;

/** The plan's targets (DOMAIN.md); requirements and activity types say which one they count toward. */
export const INDICATORS = [
  'staff_legal_education',
  'drills_held',
  'traffic_commitments',
  'youth_staff_trained',
  'parents_reached',
  'students_volunteering',
] as const;
export const IndicatorSchema = z.enum(INDICATORS);
export type Indicator = z.infer<typeof IndicatorSchema>;

export const AUDIENCE_KINDS = ['staff', 'youth_staff', 'students', 'parents', 'grade'] as const;
export const AudienceKindSchema = z.enum(AUDIENCE_KINDS);
export type AudienceKind = z.infer<typeof AudienceKindSchema>;

export const ScenarioSchema = z.object({
  code: z.string().regex(/^[a-z_]{2,40}$/),
  name: z.string().min(1).max(120),
  nameEn: z.string().min(1).max(120),
});
export type Scenario = z.infer<typeof ScenarioSchema>;

export const ActivityTypeSchema = z.object({
  id: IdSchema,
  ownerUnitId: IdSchema,
  code: ActivityCodeSchema,
  name: z.string().min(1).max(120),
  nameEn: z.string().min(1).max(120),
  scenarios: z.array(ScenarioSchema).max(30),
  audiences: z.array(AudienceKindSchema).min(1),
  indicators: z.array(IndicatorSchema),
  carriesCommitment: z.boolean(),
  carriesPeriods: z.boolean(),
});
export type ActivityType = z.infer<typeof ActivityTypeSchema>;

export const RequirementTargetSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('all') }),
  z.object({ kind: z.literal('level'), schoolLevels: z.array(SchoolLevelSchema).min(1) }),
  z.object({ kind: z.literal('subtree'), unitId: IdSchema }),
  z.object({ kind: z.literal('cluster'), unitId: IdSchema }),
]);
export type RequirementTarget = z.infer<typeof RequirementTargetSchema>;

export const FrequencySchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('year'), count: z.number().int().min(1).max(50) }),
  z.object({ kind: z.literal('term'), count: z.number().int().min(1).max(20) }),
  z.object({ kind: z.literal('month'), count: z.number().int().min(1).max(10) }),
  z.object({ kind: z.literal('byDate'), dueDate: LocalDateSchema }),
]);
export type Frequency = z.infer<typeof FrequencySchema>;

export const RequirementAudienceSchema = z.object({
  kind: AudienceKindSchema,
  grade: z.number().int().min(0).max(12).nullable(),
});

export const RequirementSchema = z.object({
  id: IdSchema,
  ownerUnitId: IdSchema,
  schoolYearId: IdSchema,
  title: z.string().min(1).max(300),
  target: RequirementTargetSchema,
  activityTypeId: IdSchema,
  /** A scenario code of the type; null = any scenario. `rotate` = every scenario of the school's plan in turn. */
  scenarioCode: z.string().max(40).nullable(),
  rotateScenarios: z.boolean(),
  frequency: FrequencySchema,
  audience: RequirementAudienceSchema,
  indicator: IndicatorSchema.nullable(),
  /**
   * Library materials the requirement points schools to (migration 008). Optional: rows of older servers and saves of
   * older devices carry none, and a save without the field keeps the materials already attached.
   */
  materialIds: z.array(IdSchema).max(50).optional(),
});
export type Requirement = z.infer<typeof RequirementSchema>;

export const SessionAudienceSchema = z.object({
  classIds: z.array(IdSchema).max(200),
  grades: z.array(z.number().int().min(0).max(12)).max(13),
  staff: z.boolean(),
  youthStaffOnly: z.boolean(),
  parents: z.boolean(),
  /**
   * People named one by one (a make-up session for exactly those still missing an indicator), on top of the groups
   * above. Optional so that rows and mutations of older devices and servers stay valid.
   */
  personIds: z.array(IdSchema).max(2000).optional(),
});
export type SessionAudience = z.infer<typeof SessionAudienceSchema>;

export const SESSION_STATUSES = ['planned', 'done', 'cancelled'] as const;

export const SessionSchema = z.object({
  id: IdSchema,
  /** The school it is held at; null for a session planned for a whole unit (it appears at every school under scopeUnitId). */
  schoolId: IdSchema.nullable(),
  /** The unit whose schools the session concerns: the school itself, a commune, a cluster or the department. */
  scopeUnitId: IdSchema,
  schoolYearId: IdSchema,
  activityTypeId: IdSchema,
  scenarioCode: z.string().max(40).nullable(),
  title: z.string().trim().min(1).max(300),
  startsAt: InstantSchema,
  endsAt: InstantSchema,
  place: z.string().max(200).nullable(),
  audience: SessionAudienceSchema,
  facilitatorPersonId: IdSchema.nullable(),
  trainerUserId: IdSchema.nullable(),
  materialIds: z.array(IdSchema).max(50),
  /** Class periods (tiết) for staff training, summed for continuing training. */
  periods: z.number().int().min(0).max(200).nullable(),
  status: z.enum(SESSION_STATUSES),
  /** Bumped on every edit; an edit carries the revision it was based on so that a stale edit is reported, not merged. */
  revision: z.number().int().min(0),
  createdBy: IdSchema,
  /** Sessions created together from one recurrence share it; null for a single session (and rows of older servers). */
  seriesId: IdSchema.nullable().default(null),
  /** When the session was marked done (session.complete); absent or null otherwise and in rows of older servers. */
  completedAt: InstantSchema.nullable().optional(),
});
export type Session = z.infer<typeof SessionSchema>;
