import { z } from 'zod';
import { IdSchema } from '../domain/ids';
import { AttendanceStatusSchema } from '../domain/records';
import { ActivityTypeSchema, RequirementSchema } from '../domain/activities';
import { SessionCancelArgsSchema, SessionCreateArgsSchema, SessionUpdateArgsSchema } from '../plan/session-input';
import { DrillAllClearArgsSchema, DrillHeadcountArgsSchema, DrillObserveArgsSchema, DrillStartArgsSchema } from '../drill';
import {
  ClassSaveArgsSchema,
  ConsentRecordArgsSchema,
  PersonLinkArgsSchema,
  PersonMoveArgsSchema,
  PersonSaveArgsSchema,
} from '../org/people-input';
import { CommitmentSignArgsSchema, SessionCompleteArgsSchema } from '../domain/commitments';

/**
 * The mutation catalogue: every local change is one of these, validated by the same schema on the device
 * (before it is written to Dexie and the outbox) and on the server (before it is applied).
 * Later features add their entries here.
 */
export const MUTATIONS = {
  'attendance.mark': z.object({
    sessionId: IdSchema,
    personId: IdSchema,
    status: AttendanceStatusSchema,
    note: z.string().trim().max(500).optional(),
  }),
  'session.create': SessionCreateArgsSchema,
  'session.update': SessionUpdateArgsSchema,
  'session.cancel': SessionCancelArgsSchema,
  /** Department and commune officers keep the activity types and the plan's requirements. */
  'activityType.save': ActivityTypeSchema,
  'requirement.save': RequirementSchema,
  'requirement.remove': z.object({ id: IdSchema }),
  /** Drill mode: the alarm, each class's headcount at the assembly point, the all clear, observations and photos. */
  'drill.start': DrillStartArgsSchema,
  'drill.headcount': DrillHeadcountArgsSchema,
  'drill.allClear': DrillAllClearArgsSchema,
  'drill.observe': DrillObserveArgsSchema,
  /** Rosters kept by the school's principal (or an officer above it): classes, people, parent links. */
  'class.save': ClassSaveArgsSchema,
  'person.save': PersonSaveArgsSchema,
  'person.move': PersonMoveArgsSchema,
  'person.linkParent': PersonLinkArgsSchema,
  'person.unlinkParent': PersonLinkArgsSchema,
  /** A student's photo / signature consent, recorded by the school's teachers or principal. */
  'consent.record': ConsentRecordArgsSchema,
  /** A commitment signed on the tablet or received on paper: locked once made (no edit mutation exists). */
  'commitment.sign': CommitmentSignArgsSchema,
  /** The session was held: its status becomes done (closing it; the minutes can then be printed). */
  'session.complete': SessionCompleteArgsSchema,
} as const;

export type MutationName = keyof typeof MUTATIONS;
export type MutationArgs<N extends MutationName> = z.infer<(typeof MUTATIONS)[N]>;
export const MUTATION_NAMES = Object.keys(MUTATIONS) as MutationName[];

export function isMutationName(name: string): name is MutationName {
  return Object.prototype.hasOwnProperty.call(MUTATIONS, name);
}
