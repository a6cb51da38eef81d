import { z } from 'zod';
import { IdSchema } from '../domain/ids';
import { ClassSchema, PersonSchema } from '../domain/people';
import { ConsentKindSchema } from '../domain/consent';

/**
 * Arguments of the roster mutations (issue #8 item 3). They work offline like the rest: the device applies them
 * to Dexie and the server applies them again, each checking the same schema.
 */

/** `class.save`: the whole class row, created or replaced. A class never changes school. */
export const ClassSaveArgsSchema = ClassSchema;
export type ClassSaveArgs = z.infer<typeof ClassSaveArgsSchema>;

/**
 * `person.save`: the whole person row except the parent's students (those are links, changed by
 * `person.linkParent` / `person.unlinkParent`). A person never changes school or kind: a transfer is leaving one
 * school and joining another, and coverage must keep the old school's records.
 */
export const PersonSaveArgsSchema = PersonSchema.omit({ studentIds: true }).superRefine((p, ctx) => {
  if (p.kind !== 'staff' && p.roleTags.length > 0) {
    ctx.addIssue({ code: 'custom', path: ['roleTags'], message: 'chỉ cán bộ, giáo viên mới có vai trò' });
  }
  if (p.kind !== 'student' && p.classId !== null) {
    ctx.addIssue({ code: 'custom', path: ['classId'], message: 'chỉ học sinh mới thuộc lớp' });
  }
  if (p.status === 'left' && p.leftOn === null) {
    ctx.addIssue({ code: 'custom', path: ['leftOn'], message: 'cần ngày rời trường' });
  }
});
export type PersonSaveArgs = z.infer<typeof PersonSaveArgsSchema>;

/** `person.move`: a student changes class within their school. */
export const PersonMoveArgsSchema = z.object({ personId: IdSchema, classId: IdSchema });

/** `person.linkParent` / `person.unlinkParent`: a parent ↔ student link of one school. */
export const PersonLinkArgsSchema = z.object({ parentId: IdSchema, studentId: IdSchema });

/**
 * `consent.record`: one answer for a student, timed by the device. Who recorded it is the signed-in user and the
 * school is the student's: neither is taken from the device's word.
 */
export const ConsentRecordArgsSchema = z.object({
  id: IdSchema,
  personId: IdSchema,
  kind: ConsentKindSchema,
  childConsent: z.boolean().nullable(),
  parentConsent: z.boolean(),
  note: z.string().trim().max(500).nullable(),
});
export type ConsentRecordArgs = z.infer<typeof ConsentRecordArgsSchema>;
