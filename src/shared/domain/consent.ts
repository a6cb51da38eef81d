import { z } from 'zod';
import { IdSchema } from './ids';
import { InstantSchema, type LocalDate } from '../time';
import type { Person } from './people';

/**
 * Consent to capture a student's photo or signature (Luật 91/2025 on personal data; Nghị định 13/2023).
 * A child aged 7 or more must agree as well as a parent; under 7 only the parent's word counts.
 */
export const CONSENT_KINDS = ['photo', 'signature'] as const;
export const ConsentKindSchema = z.enum(CONSENT_KINDS);
export type ConsentKind = z.infer<typeof ConsentKindSchema>;

/** The age from which the child's own consent is required too (Luật Trẻ em 2016, điều 6). */
export const CHILD_CONSENT_AGE = 7;

/**
 * One recorded answer. Rows are never edited: a withdrawal is a newer row with `parentConsent: false`
 * (or `childConsent: false`), and the newest row per (person, kind) is the one in force.
 */
export const ConsentSchema = z.object({
  id: IdSchema,
  personId: IdSchema,
  schoolId: IdSchema,
  kind: ConsentKindSchema,
  /** The child's own answer; null when the child is under 7 (not asked). */
  childConsent: z.boolean().nullable(),
  parentConsent: z.boolean(),
  recordedAt: InstantSchema,
  /** The user who recorded it. */
  recordedBy: IdSchema,
  note: z.string().max(500).nullable(),
});
export type Consent = z.infer<typeof ConsentSchema>;

/** Age in whole years reached during the calendar year of `today` (we keep birth years only, not birth dates). */
export function ageInYear(birthYear: number | null, today: LocalDate): number | null {
  if (birthYear === null) return null;
  return Number(today.slice(0, 4)) - birthYear;
}

/** Whether the child's own consent must be asked: 7+ or age unknown (asking is the safe side). */
export function childConsentRequired(birthYear: number | null, today: LocalDate): boolean {
  const age = ageInYear(birthYear, today);
  return age === null || age >= CHILD_CONSENT_AGE;
}

/** The consent in force for one person and kind: the most recently recorded one, or null. */
export function currentConsent(personId: string, kind: ConsentKind, consents: readonly Consent[]): Consent | null {
  let best: Consent | null = null;
  for (const c of consents) {
    if (c.personId !== personId || c.kind !== kind) continue;
    // Ties on recordedAt fall back to the id (UUIDv7, time ordered) so every device picks the same row.
    if (!best || c.recordedAt > best.recordedAt || (c.recordedAt === best.recordedAt && c.id > best.id)) best = c;
  }
  return best;
}

export type CaptureDecision =
  | { allowed: true; reason: 'adult' | 'consented' }
  | { allowed: false; reason: 'no_consent' | 'parent_refused' | 'child_refused' | 'child_not_asked' };

/**
 * Why a photo or signature of this person may or may not be captured today. Only students need a recorded
 * consent: staff and parents are adults who agree by signing or posing themselves.
 */
export function captureDecision(
  person: Pick<Person, 'id' | 'kind' | 'birthYear'>,
  kind: ConsentKind,
  consents: readonly Consent[],
  today: LocalDate,
): CaptureDecision {
  if (person.kind !== 'student') return { allowed: true, reason: 'adult' };
  const c = currentConsent(person.id, kind, consents);
  if (!c) return { allowed: false, reason: 'no_consent' };
  if (!c.parentConsent) return { allowed: false, reason: 'parent_refused' };
  if (childConsentRequired(person.birthYear, today)) {
    if (c.childConsent === null) return { allowed: false, reason: 'child_not_asked' };
    if (!c.childConsent) return { allowed: false, reason: 'child_refused' };
  }
  return { allowed: true, reason: 'consented' };
}

/** The yes/no used by the signature and photo flows. */
export function mayCapture(
  person: Pick<Person, 'id' | 'kind' | 'birthYear'>,
  kind: ConsentKind,
  consents: readonly Consent[],
  today: LocalDate,
): boolean {
  return captureDecision(person, kind, consents, today).allowed;
}
