import type { ActivityType, Requirement, Session } from '../domain/activities';
import type { SchoolLevel, SchoolYear } from '../domain/org';
import type { Class, Person } from '../domain/people';
import type { Attendance, Commitment } from '../domain/records';
import type { LocalDate } from '../time';

/**
 * The plan's targets (DOMAIN.md) as coverage indicators. camelCase twins of the snake_case `Indicator` of
 * activity types and requirements (`src/shared/domain/activities.ts`); `INDICATOR_TAGS` maps one to the other.
 */
export const INDICATOR_CODES = [
  'staffLegalEducation',
  'drillsHeld',
  'trafficCommitments',
  'youthStaffTrained',
  'parentsReached',
  'studentsVolunteering',
] as const;
export type IndicatorCode = (typeof INDICATOR_CODES)[number];

/** The `indicators` tag on activity types / requirements that makes a session count toward each indicator. */
export const INDICATOR_TAGS = {
  staffLegalEducation: 'staff_legal_education',
  drillsHeld: 'drills_held',
  trafficCommitments: 'traffic_commitments',
  youthStaffTrained: 'youth_staff_trained',
  parentsReached: 'parents_reached',
  studentsVolunteering: 'students_volunteering',
} as const satisfies Record<IndicatorCode, string>;

export type MissingKind = 'person' | 'class' | 'school' | 'scenario';

/** Someone or something that still keeps an indicator below 100 %. */
export interface MissingItem {
  kind: MissingKind;
  /** A person, class or school id; for a drill, `<requirementId>:<periodKey>`. */
  id: string;
  /** Full name, class name, school name, or for a drill the requirement's title and period label. */
  name: string;
  /** For people: their class (students), so the school page can group them. */
  classId?: string;
  schoolId?: string;
  /** For drills: the scenario code due (rotating requirements name the scenario whose turn it is), if any. */
  scenarioCode?: string;
  /** For drills: the due period's last day; before today = overdue. */
  dueDate?: LocalDate;
}

export interface IndicatorResult {
  code: IndicatorCode;
  numerator: number;
  denominator: number;
  /** numerator / denominator × 100, one decimal; null when the denominator is 0 (nothing is asked). */
  percentage: number | null;
  missing: MissingItem[];
  /** youthStaffTrained only: class periods (tiết) of the counted trainings attended, summed over the staff counted. */
  periods?: number;
}

/**
 * The stretch of time coverage is measured over: a school year, one of its terms, or any date range inside it
 * (Hà Nội local dates, both ends included). Sessions count when their Hà Nội start date lies in [from, to].
 */
export interface CoveragePeriod {
  schoolYearId: string;
  from: LocalDate;
  to: LocalDate;
  /** Set when the period is a term (for labels only). */
  termNo?: number;
}

/**
 * Everything one school's indicators are computed from: what the school's device holds offline, or what the
 * server reads for one school. Rows of other schools may be included; they are ignored.
 */
export interface SchoolCoverageInput {
  school: { id: string; name: string; schoolLevel: SchoolLevel | null; unitsAbove(date: LocalDate): string[] };
  year: SchoolYear;
  /** Hà Nội date "now": drills due in periods ending before it are overdue. */
  today: LocalDate;
  activityTypes: ActivityType[];
  requirements: Requirement[];
  classes: Class[];
  persons: Person[];
  sessions: Session[];
  attendance: Attendance[];
  commitments: Commitment[];
}

/** One class's share of the person-based indicators (the school page's drill-down). */
export interface ClassCoverage {
  classId: string;
  name: string;
  grade: number;
  indicators: Array<Pick<IndicatorResult, 'code' | 'numerator' | 'denominator' | 'percentage'>>;
}

/** One month's value of an indicator (for trend charts): cumulative from the period's start to the month's end. */
export interface TrendPoint {
  /** YYYY-MM */
  month: string;
  numerator: number;
  denominator: number;
  percentage: number | null;
}

export type { ActivityType, Requirement, Session, Class, Person, Attendance, Commitment, SchoolYear };
