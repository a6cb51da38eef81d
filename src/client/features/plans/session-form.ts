import type { TypedSchema, TypedSchemaError } from 'vee-validate';
import type { SchoolYear, Session, SessionAudience } from '../../../shared/domain';
import { expandRecurrence, MAX_OCCURRENCES, type Recurrence } from '../../../shared/plan/recurrence';
import {
  checkSessionFields,
  MESSAGES,
  SessionFieldsSchema,
  sessionOutsideSchoolYear,
  type SessionFields,
} from '../../../shared/plan/session-input';
import type { MutationArgs } from '../../../shared/sync/mutations';
import { hanoiDate, hanoiStartOfDay, type LocalDate } from '../../../shared/time';
import { issuesToErrors } from '../../components/forms/zod-schema';

/**
 * What the session form edits. Dates and times are PrimeVue DatePicker values: JavaScript Dates whose wall-clock
 * parts (read with the local getters) are the Hà Nội date and time the planner chose, whatever the device's zone.
 */
export interface SessionFormValues {
  title: string;
  activityTypeId: string | null;
  scenarioCode: string | null;
  date: Date | null;
  startTime: Date | null;
  endTime: Date | null;
  place: string;
  audience: SessionAudience;
  facilitatorPersonId: string | null;
  periods: number | null;
  repeat: boolean;
  repeatFreq: Recurrence['freq'];
  repeatUntil: Date | null;
}

export const EMPTY_AUDIENCE: SessionAudience = { classIds: [], grades: [], staff: false, youthStaffOnly: false, parents: false };

/** The form's own messages (fields the shared schema never sees empty); the rest are the shared MESSAGES. */
export interface FormMessages {
  typeRequired: string;
  dateRequired: string;
  timeRequired: string;
  untilRequired: string;
  tooManyOccurrences: string;
  /** The interface-language wording of a shared (Vietnamese) message; identity in Vietnamese. */
  localise(message: string): string;
}

/** The Hà Nội date shown by a DatePicker value. */
export function pickerToDate(value: Date): LocalDate {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${value.getFullYear()}-${pad(value.getMonth() + 1)}-${pad(value.getDate())}`;
}

/** A DatePicker value showing a Hà Nội date. */
export function dateToPicker(date: LocalDate): Date {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(y, m - 1, d);
}

/** A DatePicker (time only) value showing the Hà Nội time of an instant. */
export function instantToPickerTime(instant: string): Date {
  const minutes = Math.round((Date.parse(instant) - Date.parse(hanoiStartOfDay(hanoiDate(instant)))) / 60_000);
  const d = new Date(2000, 0, 1);
  d.setHours(Math.floor(minutes / 60), minutes % 60, 0, 0);
  return d;
}

/** The instant of a Hà Nội date at the wall-clock time shown by a time picker. */
export function hanoiInstant(date: LocalDate, time: Date): string {
  const minutes = time.getHours() * 60 + time.getMinutes();
  return new Date(Date.parse(hanoiStartOfDay(date)) + minutes * 60_000).toISOString();
}

/** The form filled from a session, for editing or rescheduling it. */
export function valuesFromSession(session: Session): SessionFormValues {
  return {
    title: session.title,
    activityTypeId: session.activityTypeId,
    scenarioCode: session.scenarioCode,
    date: dateToPicker(hanoiDate(session.startsAt)),
    startTime: instantToPickerTime(session.startsAt),
    endTime: instantToPickerTime(session.endsAt),
    place: session.place ?? '',
    audience: { ...session.audience, classIds: [...session.audience.classIds], grades: [...session.audience.grades] },
    facilitatorPersonId: session.facilitatorPersonId,
    periods: session.periods,
    repeat: false,
    repeatFreq: 'weekly',
    repeatUntil: null,
  };
}

/** A new session's form: school hours of the given day (07:30–09:00), nothing else chosen. */
export function emptyValues(date: LocalDate | null): SessionFormValues {
  const at = (h: number, m: number) => {
    const d = new Date(2000, 0, 1);
    d.setHours(h, m, 0, 0);
    return d;
  };
  return {
    title: '',
    activityTypeId: null,
    scenarioCode: null,
    date: date ? dateToPicker(date) : null,
    startTime: at(7, 30),
    endTime: at(9, 0),
    place: '',
    audience: { ...EMPTY_AUDIENCE, classIds: [], grades: [] },
    facilitatorPersonId: null,
    periods: null,
    repeat: false,
    repeatFreq: 'weekly',
    repeatUntil: null,
  };
}

/**
 * The shared session fields of the form's values. `keep` carries what the form does not edit (the trainer and the
 * materials of an existing session). Null while a required choice is missing.
 */
export function fieldsOf(
  values: SessionFormValues,
  keep: Pick<SessionFields, 'trainerUserId' | 'materialIds'> = { trainerUserId: null, materialIds: [] },
): SessionFields | null {
  if (!values.activityTypeId || !values.date || !values.startTime || !values.endTime) return null;
  const date = pickerToDate(values.date);
  const place = values.place.trim();
  return {
    title: values.title,
    activityTypeId: values.activityTypeId,
    scenarioCode: values.scenarioCode,
    startsAt: hanoiInstant(date, values.startTime),
    endsAt: hanoiInstant(date, values.endTime),
    place: place === '' ? null : place,
    audience: values.audience,
    facilitatorPersonId: values.facilitatorPersonId,
    trainerUserId: keep.trainerUserId,
    materialIds: keep.materialIds,
    periods: values.periods,
  };
}

/** Where each shared field's message is shown in this form. */
const FIELD_OF: Record<string, keyof SessionFormValues> = {
  startsAt: 'startTime',
  endsAt: 'endTime',
};

const SESSION_RULES = SessionFieldsSchema.superRefine(checkSessionFields);

export interface SessionFormCheck {
  errors: TypedSchemaError[];
  fields: SessionFields | null;
  /** Every occurrence of the series (one for a single session). */
  occurrences: { startsAt: string; endsAt: string }[];
}

/**
 * Checks the form with the very rules the server applies to `session.create` / `session.update` (the shared schema
 * and the school-year rule), each message placed next to the field it is about.
 */
export function checkSessionForm(
  values: SessionFormValues,
  year: Pick<SchoolYear, 'startDate' | 'endDate' | 'label'> | null,
  messages: FormMessages,
  keep?: Pick<SessionFields, 'trainerUserId' | 'materialIds'>,
): SessionFormCheck {
  const errors = new Map<string, string[]>();
  const add = (field: string, message: string) => errors.set(field, [...(errors.get(field) ?? []), message]);
  if (!values.activityTypeId) add('activityTypeId', messages.typeRequired);
  if (!values.date) add('date', messages.dateRequired);
  if (!values.startTime) add('startTime', messages.timeRequired);
  if (!values.endTime) add('endTime', messages.timeRequired);

  // The shared schema checks what is there even while a choice is missing, so every message shows at once.
  const probe = fieldsOf(
    {
      ...values,
      activityTypeId: values.activityTypeId ?? '00000000-0000-7000-8000-000000000000',
      date: values.date ?? new Date(2000, 0, 1),
      startTime: values.startTime ?? new Date(2000, 0, 1, 0, 0),
      endTime: values.endTime ?? new Date(2000, 0, 1, 23, 59),
    },
    keep,
  )!;
  const parsed = SESSION_RULES.safeParse(probe);
  if (!parsed.success) {
    for (const error of issuesToErrors(parsed.error.issues, { message: (issue) => messages.localise(issue.message) })) {
      const path = error.path ?? '';
      const top = path.split(/[.[]/)[0] ?? path;
      const field = FIELD_OF[top] ?? top;
      if (values[field as keyof SessionFormValues] === null && errors.has(field)) continue;
      for (const message of error.errors) add(field, message);
    }
  }

  const fields = fieldsOf(values, keep);
  let occurrences = fields ? [{ startsAt: fields.startsAt, endsAt: fields.endsAt }] : [];
  if (fields && year) {
    const outside = sessionOutsideSchoolYear(fields, year);
    if (outside) add('date', messages.localise(outside.message));
  }
  if (fields && values.repeat) {
    if (!values.repeatUntil) add('repeatUntil', messages.untilRequired);
    else {
      const until = pickerToDate(values.repeatUntil);
      occurrences = expandRecurrence(fields, { freq: values.repeatFreq, until }, MAX_OCCURRENCES + 1);
      if (occurrences.length > MAX_OCCURRENCES) add('repeatUntil', messages.tooManyOccurrences);
      else if (year && occurrences.some((o) => sessionOutsideSchoolYear(o, year))) {
        add('repeatUntil', messages.localise(MESSAGES.outsideSchoolYear(year.label)));
      }
    }
  }
  return {
    errors: [...errors].map(([path, list]) => ({ path, errors: list })),
    fields: errors.size === 0 ? fields : null,
    occurrences,
  };
}

/** The form as a vee-validate schema: validation runs checkSessionForm, so the messages are the server's. */
export function sessionFormSchema(
  context: () => { year: Pick<SchoolYear, 'startDate' | 'endDate' | 'label'> | null; messages: FormMessages },
): TypedSchema<SessionFormValues, SessionFormValues> {
  return {
    __type: 'VVTypedSchema',
    async parse(values) {
      const { year, messages } = context();
      const result = checkSessionForm(values as SessionFormValues, year, messages);
      return result.errors.length > 0 ? { errors: result.errors } : { value: values as SessionFormValues, errors: [] };
    },
  };
}

/**
 * One `session.create` per occurrence of the series, all with the same fields but the times, and one shared
 * series id when there is more than one (so the series can be recognised later).
 */
export function createArgsForSeries(
  fields: SessionFields,
  occurrences: readonly { startsAt: string; endsAt: string }[],
  where: { schoolId: string | null; scopeUnitId: string; schoolYearId: string },
  newId: () => string,
): MutationArgs<'session.create'>[] {
  const seriesId = occurrences.length > 1 ? newId() : null;
  return occurrences.map((o) => ({
    ...fields,
    startsAt: o.startsAt,
    endsAt: o.endsAt,
    id: newId(),
    schoolId: where.schoolId,
    scopeUnitId: where.scopeUnitId,
    schoolYearId: where.schoolYearId,
    seriesId,
  }));
}

/** Grade numbers to offer for a unit-wide session, whose schools' classes the device does not hold. */
export const ALL_GRADES = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12] as const;

/** The classes of a school grouped by grade, in grade order, for the audience picker. */
export function classesByGrade<C extends { grade: number }>(classes: readonly C[]): { grade: number; classes: C[] }[] {
  const groups = new Map<number, C[]>();
  for (const c of classes) groups.set(c.grade, [...(groups.get(c.grade) ?? []), c]);
  return [...groups].sort(([a], [b]) => a - b).map(([grade, list]) => ({ grade, classes: list }));
}

/** Whether two values of a session field are the same (arrays and the audience compared by content). */
export function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(normalise(a)) === JSON.stringify(normalise(b));
}

function normalise(value: unknown): unknown {
  if (Array.isArray(value)) return [...value].map(normalise).sort();
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => [k, normalise(v)]),
    );
  }
  return value;
}
