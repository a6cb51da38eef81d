import type { SchoolLevel } from '../../../shared/domain/org';
import type { SchoolCoverageInput } from '../../../shared/coverage/types';
import { SCHOOL_LEVELS } from '../../../shared/domain/org';
import { currentSchoolYear } from '../../../shared/plan/due-wire';
import { schoolContextFromUnits } from '../../../shared/plan/requirements';
import type { LocalDate } from '../../../shared/time';
import type { TruongAnDb } from '../../db/database';
import { listActivityTypes, listUnits } from '../../db/repositories/attendance-view';
import { sessionsForSchool } from '../../db/repositories/sessions';
import { parseEntityRows } from '../../db/validate';
import { listRequirements, listSchoolYears } from '../calendar/plan-source';

/**
 * Everything `computeSchoolCoverage` needs about one school, read from this device (a teacher's or principal's
 * tablet holds the whole school: rosters, sessions, attendance, commitments). Works offline. Null when the device
 * has no school year for it yet (never synced).
 */
export async function loadSchoolCoverageInput(
  db: TruongAnDb,
  schoolId: string,
  today: LocalDate,
  schoolYearId?: string,
): Promise<SchoolCoverageInput | null> {
  const [units, years, activityTypes, requirements] = await Promise.all([
    listUnits(db),
    listSchoolYears(db),
    listActivityTypes(db),
    listRequirements(db),
  ]);
  const year = years.find((y) => y.id === schoolYearId) ?? currentSchoolYear(years, today);
  if (!year) return null;
  const unit = units.find((u) => u.id === schoolId);
  const context = schoolContextFromUnits(schoolId, units);
  const [classes, persons, attendance, commitments, sessions] = await Promise.all([
    db.entity('class').where('schoolId').equals(schoolId).toArray(),
    db.entity('person').where('schoolId').equals(schoolId).toArray(),
    db.entity('attendance').where('schoolId').equals(schoolId).toArray(),
    db.entity('commitment').where('schoolId').equals(schoolId).toArray(),
    sessionsForSchool(schoolId, { unitIds: context.unitsAbove(today) }, db),
  ]);
  const level = unit?.schoolLevel ?? null;
  return {
    school: {
      id: schoolId,
      name: unit?.name ?? '',
      schoolLevel: (SCHOOL_LEVELS as readonly string[]).includes(level ?? '') ? (level as SchoolLevel) : null,
      unitsAbove: (date) => context.unitsAbove(date),
    },
    year,
    today,
    activityTypes,
    requirements: requirements.filter((r) => r.schoolYearId === year.id),
    classes: parseEntityRows('class', classes).rows,
    persons: parseEntityRows('person', persons).rows,
    sessions: sessions.filter((s) => s.schoolYearId === year.id),
    attendance: parseEntityRows('attendance', attendance).rows,
    commitments: parseEntityRows('commitment', commitments).rows,
  };
}
