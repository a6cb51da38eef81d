import { describe, expect, it } from 'vitest';
import {
  ConsentSchema,
  captureDecision,
  childConsentRequired,
  currentConsent,
  mayCapture,
  type Consent,
} from '../../../src/shared/domain/consent';

const today = '2026-03-10';
const student = (birthYear: number | null) => ({ id: '0190a8b0-0000-7000-8000-000000000001', kind: 'student' as const, birthYear });
const consent = (over: Partial<Consent>): Consent => ({
  id: '0190a8b0-0000-7000-8000-0000000000a1',
  personId: student(2016).id,
  schoolId: '0190a8b0-0000-7000-8000-0000000000f1',
  kind: 'signature',
  childConsent: true,
  parentConsent: true,
  recordedAt: '2025-09-05T01:00:00.000Z',
  recordedBy: '0190a8b0-0000-7000-8000-0000000000e1',
  note: null,
  ...over,
});

describe('consent to photos and signatures', () => {
  it('asks the child from the year they turn 7, and when the age is unknown', () => {
    expect(childConsentRequired(2020, today)).toBe(false); // 6
    expect(childConsentRequired(2019, today)).toBe(true); // 7
    expect(childConsentRequired(null, today)).toBe(true);
  });

  it.each([
    ['nothing recorded', student(2016), [], { allowed: false, reason: 'no_consent' }],
    ['both agreed, 10 years old', student(2016), [consent({})], { allowed: true, reason: 'consented' }],
    ['the parent refused', student(2016), [consent({ parentConsent: false })], { allowed: false, reason: 'parent_refused' }],
    ['the child refused', student(2016), [consent({ childConsent: false })], { allowed: false, reason: 'child_refused' }],
    ['the child of 10 was not asked', student(2016), [consent({ childConsent: null })], { allowed: false, reason: 'child_not_asked' }],
    ['a child of 5: the parent is enough', student(2021), [consent({ childConsent: null })], { allowed: true, reason: 'consented' }],
    ['a photo consent does not cover signatures', student(2016), [consent({ kind: 'photo' })], { allowed: false, reason: 'no_consent' }],
  ] as const)('%s', (_label, person, consents, expected) => {
    expect(captureDecision(person, 'signature', consents, today)).toEqual(expected);
    expect(mayCapture(person, 'signature', consents, today)).toBe(expected.allowed);
  });

  it('needs no recorded consent from adults (staff and parents agree by signing themselves)', () => {
    expect(mayCapture({ id: student(1).id, kind: 'parent', birthYear: null }, 'signature', [], today)).toBe(true);
    expect(mayCapture({ id: student(1).id, kind: 'staff', birthYear: 1980 }, 'photo', [], today)).toBe(true);
  });

  it('takes the newest answer: a withdrawal wins over an older yes, and the order of the list does not matter', () => {
    const yes = consent({ id: '0190a8b0-0000-7000-8000-0000000000a1', recordedAt: '2025-09-05T01:00:00.000Z' });
    const no = consent({ id: '0190a8b0-0000-7000-8000-0000000000a2', recordedAt: '2025-12-01T01:00:00.000Z', parentConsent: false });
    expect(currentConsent(yes.personId, 'signature', [yes, no])).toBe(no);
    expect(currentConsent(yes.personId, 'signature', [no, yes])).toBe(no);
    expect(mayCapture(student(2016), 'signature', [no, yes], today)).toBe(false);
    // Same instant: the later id (UUIDv7, made later) wins on every device.
    const tie = consent({ id: '0190a8b0-0000-7000-8000-0000000000a3', recordedAt: no.recordedAt, parentConsent: true });
    expect(currentConsent(yes.personId, 'signature', [tie, no])).toBe(tie);
  });

  it('validates rows with the shared schema', () => {
    expect(ConsentSchema.safeParse(consent({})).success).toBe(true);
    expect(ConsentSchema.safeParse({ ...consent({}), kind: 'video' }).success).toBe(false);
    expect(ConsentSchema.safeParse({ ...consent({}), parentConsent: null }).success).toBe(false);
  });
});
