import { newId } from '../../shared/domain/ids';
import { childConsentRequired } from '../../shared/domain/consent';
import { atHanoi } from './calendar';
import { DEMO_USERS } from './catalogue';
import type { DemoOrg } from './org';
import { UNVERSIONED, type DemoRows } from './rows';
import type { DemoUserIds } from './users';
import type { DemoClock } from './year';

/**
 * Photo and signature consents collected with the enrolment forms in the first week of the year: most families
 * agree to both, some to signatures only, a few have not returned the form, and one in a while refuses, so that the
 * roster and the signature flow have every case to show. Chosen by position, not by the demo's random stream, so
 * that adding consents changed none of the other demo data.
 */
export function buildConsents(rows: DemoRows, org: DemoOrg, users: DemoUserIds, clock: DemoClock): void {
  const recordedAt = atHanoi(clock.year.startDate, '08:00');
  if (recordedAt > clock.nowIso) return;
  const birthYear = new Map(rows.persons.map((p) => [p.id, p.birth_year]));
  for (const [key, school] of Object.entries(org.schools)) {
    const principal = DEMO_USERS.find((u) => u.place.unit === 'school' && u.place.school === key && u.place.staff === 'principal');
    const recordedBy = principal ? users[principal.username] : users['so.canbo'];
    school.students.forEach((s, i) => {
      if (i % 11 === 10) return; // form not returned yet
      const asksChild = childConsentRequired(birthYear.get(s.id) ?? null, clock.today);
      for (const kind of ['signature', 'photo'] as const) {
        const refused = kind === 'photo' && i % 7 === 3;
        rows.consents.push({
          id: newId(),
          person_id: s.id,
          school_id: school.id,
          kind,
          child_consent: asksChild ? (refused ? 0 : 1) : null,
          parent_consent: refused ? 0 : 1,
          recorded_at: recordedAt,
          recorded_by: recordedBy,
          note: null,
          stream: school.id,
          version: UNVERSIONED,
        });
      }
    });
  }
}
