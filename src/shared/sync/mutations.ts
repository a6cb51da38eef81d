import { z } from 'zod';
import { IdSchema } from '../domain/ids';
import { AttendanceStatusSchema } from '../domain/records';

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
} as const;

export type MutationName = keyof typeof MUTATIONS;
export type MutationArgs<N extends MutationName> = z.infer<(typeof MUTATIONS)[N]>;
export const MUTATION_NAMES = Object.keys(MUTATIONS) as MutationName[];

export function isMutationName(name: string): name is MutationName {
  return Object.prototype.hasOwnProperty.call(MUTATIONS, name);
}
