import type { TypedSchema, TypedSchemaError } from 'vee-validate';
import type { z } from 'zod';
import {
  ActivityTypeSchema,
  RequirementSchema,
  type ActivityType,
  type AudienceKind,
  type Indicator,
  type Requirement,
  type SchoolLevel,
} from '../../../shared/domain';
import { issuesToErrors } from '../../components/forms/zod-schema';
import { dateToPicker, pickerToDate } from '../plans/session-form';

/** The requirement form, flat: the target, frequency and audience unions become plain fields. */
export interface RequirementFormValues {
  id: string;
  ownerUnitId: string | null;
  schoolYearId: string;
  title: string;
  targetKind: Requirement['target']['kind'];
  schoolLevels: SchoolLevel[];
  targetUnitId: string | null;
  activityTypeId: string | null;
  scenarioCode: string | null;
  rotateScenarios: boolean;
  frequencyKind: Requirement['frequency']['kind'];
  count: number | null;
  dueDate: Date | null;
  audienceKind: AudienceKind;
  grade: number | null;
  indicator: Indicator | null;
  /** Library materials the requirement points schools to (materials feature). */
  materialIds: string[];
}

export function emptyRequirementValues(id: string, schoolYearId: string, ownerUnitId: string | null): RequirementFormValues {
  return {
    id,
    ownerUnitId,
    schoolYearId,
    title: '',
    targetKind: 'all',
    schoolLevels: [],
    targetUnitId: null,
    activityTypeId: null,
    scenarioCode: null,
    rotateScenarios: false,
    frequencyKind: 'year',
    count: 1,
    dueDate: null,
    audienceKind: 'students',
    grade: null,
    indicator: null,
    materialIds: [],
  };
}

export function requirementValues(req: Requirement): RequirementFormValues {
  const t = req.target;
  const f = req.frequency;
  return {
    id: req.id,
    ownerUnitId: req.ownerUnitId,
    schoolYearId: req.schoolYearId,
    title: req.title,
    targetKind: t.kind,
    schoolLevels: t.kind === 'level' ? [...t.schoolLevels] : [],
    targetUnitId: t.kind === 'subtree' || t.kind === 'cluster' ? t.unitId : null,
    activityTypeId: req.activityTypeId,
    scenarioCode: req.scenarioCode,
    rotateScenarios: req.rotateScenarios,
    frequencyKind: f.kind,
    count: f.kind === 'byDate' ? null : f.count,
    dueDate: f.kind === 'byDate' ? dateToPicker(f.dueDate) : null,
    audienceKind: req.audience.kind,
    grade: req.audience.grade,
    indicator: req.indicator,
    materialIds: [...(req.materialIds ?? [])],
  };
}

/** The requirement row the form describes (not yet validated). */
export function requirementOf(v: RequirementFormValues): unknown {
  const target =
    v.targetKind === 'all'
      ? { kind: 'all' }
      : v.targetKind === 'level'
        ? { kind: 'level', schoolLevels: v.schoolLevels }
        : { kind: v.targetKind, unitId: v.targetUnitId };
  const frequency =
    v.frequencyKind === 'byDate'
      ? { kind: 'byDate', dueDate: v.dueDate ? pickerToDate(v.dueDate) : null }
      : { kind: v.frequencyKind, count: v.count };
  return {
    id: v.id,
    ownerUnitId: v.ownerUnitId,
    schoolYearId: v.schoolYearId,
    title: v.title.trim(),
    target,
    activityTypeId: v.activityTypeId,
    scenarioCode: v.scenarioCode,
    rotateScenarios: v.rotateScenarios,
    frequency,
    audience: { kind: v.audienceKind, grade: v.audienceKind === 'grade' || v.audienceKind === 'parents' ? v.grade : null },
    indicator: v.indicator,
    materialIds: v.materialIds,
  };
}

/** Where a nested field of the row is shown in the flat form. */
const REQUIREMENT_FIELD: Record<string, keyof RequirementFormValues> = {
  'target.schoolLevels': 'schoolLevels',
  'target.unitId': 'targetUnitId',
  'frequency.count': 'count',
  'frequency.dueDate': 'dueDate',
  'audience.grade': 'grade',
  'audience.kind': 'audienceKind',
};

function flatErrors(issues: readonly z.core.$ZodIssue[], map: Record<string, string>): TypedSchemaError[] {
  const out = new Map<string, string[]>();
  for (const e of issuesToErrors(issues)) {
    const path = e.path ?? '';
    const field = map[path] ?? Object.entries(map).find(([k]) => path.startsWith(`${k}`))?.[1] ?? path.split(/[.[]/)[0] ?? path;
    out.set(field, [...(out.get(field) ?? []), ...e.errors]);
  }
  return [...out].map(([path, errors]) => ({ path, errors }));
}

/** The requirement form validated by the shared RequirementSchema, the one the server applies to requirement.save. */
export function requirementFormSchema(extra: (v: RequirementFormValues) => TypedSchemaError[] = () => []): TypedSchema<
  RequirementFormValues,
  Requirement
> {
  return {
    __type: 'VVTypedSchema',
    async parse(values) {
      const v = values as RequirementFormValues;
      const parsed = RequirementSchema.safeParse(requirementOf(v));
      const errors = [...(parsed.success ? [] : flatErrors(parsed.error.issues, REQUIREMENT_FIELD)), ...extra(v)];
      return errors.length === 0 && parsed.success ? { value: parsed.data, errors: [] } : { errors };
    },
  };
}

/** The activity-type form is the row itself; the shared schema checks it as the server does. */
export function activityTypeFormSchema(duplicateScenario: () => string): TypedSchema<ActivityType, ActivityType> {
  return {
    __type: 'VVTypedSchema',
    async parse(values) {
      const v = values as ActivityType;
      const parsed = ActivityTypeSchema.safeParse({
        ...v,
        name: v.name?.trim(),
        nameEn: v.nameEn?.trim(),
        scenarios: (v.scenarios ?? []).map((s) => ({ code: s.code.trim(), name: s.name.trim(), nameEn: s.nameEn.trim() })),
      });
      if (parsed.success) {
        const codes = parsed.data.scenarios.map((s) => s.code);
        const duplicate = codes.findIndex((c, i) => codes.indexOf(c) !== i);
        if (duplicate >= 0) return { errors: [{ path: `scenarios[${duplicate}].code`, errors: [duplicateScenario()] }] };
        return { value: parsed.data, errors: [] };
      }
      return { errors: issuesToErrors(parsed.error.issues) };
    },
  };
}

export function emptyActivityType(id: string, ownerUnitId: string): ActivityType {
  return {
    id,
    ownerUnitId,
    code: 'other',
    name: '',
    nameEn: '',
    scenarios: [],
    audiences: ['students'],
    indicators: [],
    carriesCommitment: false,
    carriesPeriods: false,
  };
}

/** A scenario code from its Vietnamese name: "Động đất" → "dong_dat" (the code pattern allows a–z and _). */
export function scenarioCodeOf(name: string): string {
  return name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'd')
    .toLowerCase()
    .replace(/[^a-z]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 40);
}
