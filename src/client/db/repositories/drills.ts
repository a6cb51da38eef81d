import type { ActivityType, Class, DrillRecord, Person, Session } from '../../../shared/domain';
import type { DrillHeadcount } from '../../../shared/drill';
import { getDb, type TruongAnDb } from '../database';
import { parseEntityRow, parseEntityRows } from '../validate';
import { pendingKeys } from './outbox';

/** One class of a drill: its active pupils (the class size) and its latest headcount, if reported. */
export interface DrillClass {
  cls: Class;
  pupils: Person[];
  headcount: DrillHeadcount | null;
}

/** Everything the drill screen shows, read in one go from the device database. */
export interface DrillView {
  session: Session;
  activityType: ActivityType | null;
  schoolId: string;
  classes: DrillClass[];
  record: DrillRecord | null;
  /** Earlier drill records of the school, for the scenario in turn. */
  pastRecords: DrillRecord[];
  /** Rows with local changes not yet on the server ("chờ đồng bộ"). */
  pendingHeadcounts: Set<string>;
  recordPending: boolean;
}

const collator = new Intl.Collator('vi');

/**
 * The drill of a session at a school. The classes are those the session's audience names (by class or grade), or
 * every active class of the school for the year when it names none (the whole school evacuates).
 */
export async function drillView(sessionId: string, requestedSchool: string | null, db: TruongAnDb = getDb()): Promise<DrillView | null> {
  const rawSession = await db.entity('session').get(sessionId);
  const session = rawSession ? parseEntityRow('session', rawSession) : null;
  if (!session) return null;
  const schoolId = session.schoolId ?? requestedSchool;
  if (!schoolId) return null;
  const [rawType, rawClasses, rawPeople, rawRecords, rawHeadcounts, pendingHc, pendingRecords] = await Promise.all([
    db.entity('activityType').get(session.activityTypeId),
    db.entity('class').where('[schoolId+schoolYearId]').equals([schoolId, session.schoolYearId]).toArray(),
    db.entity('person').where('[schoolId+kind]').equals([schoolId, 'student']).toArray(),
    db.entity('drillRecord').where('schoolId').equals(schoolId).toArray(),
    db.entity('drillHeadcount').where('sessionId').equals(sessionId).toArray(),
    pendingKeys('drillHeadcount', db),
    pendingKeys('drillRecord', db),
  ]);
  const activityType = rawType ? parseEntityRow('activityType', rawType) : null;
  const allClasses = parseEntityRows('class', rawClasses).rows.filter((c) => c.status === 'active');
  const { classIds, grades } = session.audience;
  const named = allClasses.filter((c) => classIds.includes(c.id) || grades.includes(c.grade));
  const chosen = (named.length > 0 ? named : allClasses).sort((a, b) => a.grade - b.grade || collator.compare(a.name, b.name));
  const pupils = parseEntityRows('person', rawPeople).rows.filter((p) => p.status === 'active');
  const headcounts = parseEntityRows('drillHeadcount', rawHeadcounts).rows.filter((h) => h.schoolId === schoolId);
  const records = parseEntityRows('drillRecord', rawRecords).rows;
  const record = records.find((r) => r.sessionId === sessionId) ?? null;
  return {
    session,
    activityType,
    schoolId,
    classes: chosen.map((cls) => ({
      cls,
      pupils: pupils.filter((p) => p.classId === cls.id).sort((a, b) => collator.compare(a.fullName, b.fullName)),
      headcount: headcounts.find((h) => h.classId === cls.id) ?? null,
    })),
    record,
    pastRecords: records.filter((r) => r.sessionId !== sessionId),
    pendingHeadcounts: new Set(headcounts.filter((h) => pendingHc.has(h.id)).map((h) => h.classId)),
    recordPending: record !== null && pendingRecords.has(record.id),
  };
}
