import { z } from 'zod';
import { IdSchema } from './ids';
import { AttendanceStatusSchema, type AttendanceStatus } from './records';

/** One mark as the server received it (attendance history). */
export interface HistoryMark {
  personId: string;
  status: AttendanceStatus;
  note: string | null;
  markedBy: string;
  markedAt: string;
  /** The device (and user) that sent it. */
  clientId: string;
  receivedAt: string;
}

/**
 * The people two or more devices disagree about: each device's latest mark for the person, and the statuses those
 * differ. One device changing its own mind (present, then late) is a correction, not a disagreement. Returns the
 * person ids with every mark of theirs, oldest first, in the order of the first mark received.
 */
export function findDisagreements(marks: readonly HistoryMark[]): Map<string, HistoryMark[]> {
  const byPerson = new Map<string, HistoryMark[]>();
  for (const m of marks) {
    const list = byPerson.get(m.personId) ?? [];
    list.push(m);
    byPerson.set(m.personId, list);
  }
  const out = new Map<string, HistoryMark[]>();
  for (const [personId, list] of byPerson) {
    const latestPerDevice = new Map<string, HistoryMark>();
    for (const m of list) {
      const held = latestPerDevice.get(m.clientId);
      if (!held || m.markedAt > held.markedAt || (m.markedAt === held.markedAt && m.receivedAt >= held.receivedAt)) {
        latestPerDevice.set(m.clientId, m);
      }
    }
    const statuses = new Set([...latestPerDevice.values()].map((m) => m.status));
    if (statuses.size > 1) out.set(personId, [...list].sort((a, b) => a.markedAt.localeCompare(b.markedAt)));
  }
  return out;
}

export const DisagreementsParamsSchema = z.object({ id: IdSchema });

export const DisagreementMarkSchema = z.object({
  status: AttendanceStatusSchema,
  note: z.string().nullable(),
  markedBy: z.string(),
  markedByName: z.string().nullable(),
  markedAt: z.string(),
  clientId: z.string(),
  receivedAt: z.string(),
});

/** `GET /api/sessions/:id/disagreements`: for the principal, the people devices marked differently. */
export const DisagreementsResponseSchema = z.object({
  sessionId: IdSchema,
  people: z.array(
    z.object({
      personId: IdSchema,
      fullName: z.string(),
      classId: IdSchema.nullable(),
      /** The status the attendance row holds now (the latest observation), or null. */
      current: AttendanceStatusSchema.nullable(),
      marks: z.array(DisagreementMarkSchema),
    }),
  ),
});
export type DisagreementsResponse = z.infer<typeof DisagreementsResponseSchema>;
