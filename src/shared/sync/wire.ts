import { z } from 'zod';
import { IdSchema } from '../domain/ids';
import {
  ActivityTypeSchema,
  AttendanceSchema,
  ClassSchema,
  CommitmentSchema,
  ConsentSchema,
  DrillRecordSchema,
  MaterialSchema,
  PersonSchema,
  RequirementSchema,
  SchoolYearSchema,
  SessionSchema,
  UnitSchema,
} from '../domain';
import { DrillHeadcountSchema } from '../drill';

/**
 * Bumped when the wire or the catalogue changes incompatibly. A client that sends an older one is told to
 * update (HTTP 426) and keeps its outbox through the update.
 */
export const SCHEMA_VERSION = 1;
export const MAX_PUSH_BATCH = 500;
export const DEFAULT_PUSH_BATCH = 200;
export const MAX_PULL_LIMIT = 5000;
export const DEFAULT_PULL_LIMIT = 2500;

/** The entities a pull may carry, by their contract names, with the shape each row must have. */
export const ENTITY_SCHEMAS = {
  unit: UnitSchema,
  schoolYear: SchoolYearSchema,
  class: ClassSchema,
  person: PersonSchema,
  activityType: ActivityTypeSchema,
  requirement: RequirementSchema,
  session: SessionSchema,
  attendance: AttendanceSchema,
  drillRecord: DrillRecordSchema,
  drillHeadcount: DrillHeadcountSchema,
  commitment: CommitmentSchema,
  material: MaterialSchema,
  consent: ConsentSchema,
} as const;
export type EntityName = keyof typeof ENTITY_SCHEMAS;
export const ENTITY_NAMES = Object.keys(ENTITY_SCHEMAS) as EntityName[];
export const EntityNameSchema = z.enum(ENTITY_NAMES as [EntityName, ...EntityName[]]);
export type EntityRow<E extends EntityName> = z.infer<(typeof ENTITY_SCHEMAS)[E]>;

export const MutationEnvelopeSchema = z.object({
  id: IdSchema,
  name: z.string().min(1).max(60),
  args: z.unknown(),
  clientTime: z.iso.datetime({ offset: true, error: 'clientTime phải theo ISO-8601' }),
});
export type MutationEnvelope = z.infer<typeof MutationEnvelopeSchema>;

/**
 * Names the device and user a sync comes from (`<deviceId>.<userId>`): the server binds it to the first user who
 * syncs with it and records the device's last push and pull under it.
 */
export const ClientIdSchema = z.string().min(8).max(100);

export const PushRequestSchema = z.object({
  clientId: ClientIdSchema,
  schemaVersion: z.number().int().min(1),
  mutations: z
    .array(MutationEnvelopeSchema)
    .min(1)
    .max(MAX_PUSH_BATCH, { error: `tối đa ${MAX_PUSH_BATCH} thay đổi mỗi lần gửi` }),
});
export type PushRequest = z.infer<typeof PushRequestSchema>;

export const MutationResultSchema = z.object({
  id: IdSchema,
  status: z.enum(['applied', 'duplicate', 'rejected']),
  error: z.string().optional(),
});
export type MutationResult = z.infer<typeof MutationResultSchema>;

export const PushResponseSchema = z.object({
  results: z.array(MutationResultSchema),
  serverTime: z.string(),
});
export type PushResponse = z.infer<typeof PushResponseSchema>;

export const PullQuerySchema = z.object({
  cursor: z.string().max(200_000).optional(),
  /** Optional so that a pull without it (a script, an older build) is still served; it is then not recorded. */
  clientId: ClientIdSchema.optional(),
  limit: z.coerce.number().int().min(1).max(MAX_PULL_LIMIT).optional(),
  schemaVersion: z.coerce.number().int().min(1).optional(),
});
export type PullQuery = z.infer<typeof PullQuerySchema>;

export const ChangeSchema = z.object({
  entity: EntityNameSchema,
  op: z.enum(['put', 'delete']),
  row: z.record(z.string(), z.unknown()),
});
export type Change = z.infer<typeof ChangeSchema>;

export const PullResponseSchema = z.object({
  changes: z.array(ChangeSchema),
  cursor: z.string(),
  hasMore: z.boolean(),
  serverTime: z.string(),
  /** Rows in the user's scope not yet pulled, known when cheap; the client's first-pull progress bar uses it. */
  remaining: z.number().int().min(0).optional(),
});
export type PullResponse = z.infer<typeof PullResponseSchema>;
