import type { Ref } from 'vue';
import type { ActivityType, Commitment, Person, Session } from '../../../shared/domain';
import type { Consent } from '../../../shared/domain/consent';
import { SchoolLevelSchema, type SchoolLevel } from '../../../shared/domain/org';
import { sessionRoster, type RosterGroup } from '../../../shared/domain/roster';
import { useLiveQuery } from '../../db/live';
import { listActivityTypes, listUnits, rosterSource } from '../../db/repositories/attendance-view';
import { commitmentsOfSchoolYear, consentsOfSchool } from '../../db/repositories/commitments';
import { pendingKeys } from '../../db/repositories/outbox';
import { getSession } from '../../db/repositories/sessions';
import { useSessionStore } from '../../stores/session';
import { getRuntime } from '../../sync/runtime';
import { rosterSchoolOf, schoolsOfUser } from '../attendance/scope';

export interface CommitmentData {
  session: Session | null;
  activityType: ActivityType | null;
  schoolId: string | null;
  schoolName: string | null;
  schoolLevel: SchoolLevel | null;
  groups: RosterGroup[];
  persons: Person[];
  commitments: Commitment[];
  consents: Consent[];
  /** Commitment ids whose signature waits in the outbox. */
  waiting: Set<string>;
}

/**
 * What the commitment page reads, as one live query: the session and its school, the roster of its audience, the
 * school year's commitments and the school's consent answers. A signature changes the commitments and the outbox,
 * so the page re-reads and shows the row locked.
 */
export function useCommitmentData(sessionId: Ref<string>, requestedSchool: Ref<string | null>) {
  const store = useSessionStore();
  const db = getRuntime().db;
  return useLiveQuery<CommitmentData>(
    async () => {
      const empty: CommitmentData = {
        session: null,
        activityType: null,
        schoolId: null,
        schoolName: null,
        schoolLevel: null,
        groups: [],
        persons: [],
        commitments: [],
        consents: [],
        waiting: new Set(),
      };
      const session = await getSession(sessionId.value, db);
      if (!session) return empty;
      const units = await listUnits(db);
      const schoolId = rosterSchoolOf(session, schoolsOfUser(store.user?.grants ?? [], units), requestedSchool.value);
      const activityType = (await listActivityTypes(db)).find((t) => t.id === session.activityTypeId) ?? null;
      if (!schoolId) return { ...empty, session, activityType };
      const school = units.find((u) => u.id === schoolId);
      const level = SchoolLevelSchema.safeParse(school?.schoolLevel);
      const [{ classes, persons }, commitments, consents, waiting] = await Promise.all([
        rosterSource(schoolId, session.schoolYearId, db),
        commitmentsOfSchoolYear(schoolId, session.schoolYearId, db),
        consentsOfSchool(schoolId, db).catch(() => [] as Consent[]),
        pendingKeys('commitment', db),
      ]);
      return {
        session,
        activityType,
        schoolId,
        schoolName: school?.name ?? null,
        schoolLevel: level.success ? level.data : null,
        groups: sessionRoster(session.audience, schoolId, classes, persons),
        persons,
        commitments,
        consents,
        waiting,
      };
    },
    [sessionId, requestedSchool, () => store.user?.id],
  );
}
