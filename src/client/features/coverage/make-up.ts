import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { ActivityType, Person, SessionAudience } from '../../../shared/domain';
import { INDICATOR_TAGS, type IndicatorCode, type IndicatorResult } from '../../../shared/coverage/types';

/**
 * A make-up session (buổi bù) planned from the coverage page: the session form opens pre-filled with an activity
 * type that counts toward the indicator and an audience of exactly the people still missing it.
 */
export interface MakeUpDraft {
  indicator: IndicatorCode;
  schoolId: string;
  schoolYearId: string;
  activityTypeId: string | null;
  scenarioCode: string | null;
  title: string;
  audience: SessionAudience;
  /** How many people (or, for drills, scenarios) it is for: shown on the form. */
  count: number;
}

const NO_ONE: SessionAudience = { classIds: [], grades: [], staff: false, youthStaffOnly: false, parents: false };

/** The activity type a make-up session for the indicator should have: one that counts toward it (the Sở's own first). */
export function makeUpActivityType(types: readonly ActivityType[], code: IndicatorCode, preferScenario?: string): ActivityType | null {
  const tag = INDICATOR_TAGS[code];
  const counting = types.filter((t) => (t.indicators as readonly string[]).includes(tag));
  if (preferScenario) {
    const withScenario = counting.find((t) => t.scenarios.some((s) => s.code === preferScenario));
    if (withScenario) return withScenario;
  }
  return counting[0] ?? null;
}

/**
 * Who the make-up session is for. People-based indicators name the missing people themselves, except
 * parentsReached, whose missing items are students: the session is for their parents. A drill is for the whole
 * school (every grade with classes, and the staff), in the scenario whose turn it is.
 */
export function makeUpDraft(input: {
  result: IndicatorResult;
  schoolId: string;
  schoolYearId: string;
  activityTypes: readonly ActivityType[];
  persons: readonly Person[];
  grades: readonly number[];
  title: string;
}): MakeUpDraft | null {
  const { result } = input;
  if (result.missing.length === 0) return null;
  if (result.code === 'drillsHeld') {
    const scenario = result.missing.find((m) => m.scenarioCode)?.scenarioCode ?? null;
    const type = makeUpActivityType(input.activityTypes, 'drillsHeld', scenario ?? undefined);
    return {
      indicator: 'drillsHeld',
      schoolId: input.schoolId,
      schoolYearId: input.schoolYearId,
      activityTypeId: type?.id ?? null,
      scenarioCode: scenario && type?.scenarios.some((s) => s.code === scenario) ? scenario : null,
      title: input.title,
      audience: { ...NO_ONE, grades: [...new Set(input.grades)].sort((a, b) => a - b), staff: true },
      count: result.missing.length,
    };
  }
  const missingIds = new Set(result.missing.filter((m) => m.kind === 'person').map((m) => m.id));
  let personIds: string[];
  if (result.code === 'parentsReached') {
    personIds = input.persons
      .filter((p) => p.kind === 'parent' && p.status === 'active' && p.studentIds.some((s) => missingIds.has(s)))
      .map((p) => p.id);
  } else {
    personIds = [...missingIds];
  }
  if (personIds.length === 0) return null;
  const type = makeUpActivityType(input.activityTypes, result.code);
  return {
    indicator: result.code,
    schoolId: input.schoolId,
    schoolYearId: input.schoolYearId,
    activityTypeId: type?.id ?? null,
    scenarioCode: null,
    title: input.title,
    audience: { ...NO_ONE, personIds },
    count: personIds.length,
  };
}

/** The draft handed from the coverage page to the session form (same tab, so it needs no storage). */
export const useMakeUpStore = defineStore('makeUp', () => {
  const draft = ref<MakeUpDraft | null>(null);
  function set(next: MakeUpDraft): void {
    draft.value = next;
  }
  /** The form takes the draft once: a later "new session" starts empty. */
  function take(): MakeUpDraft | null {
    const out = draft.value;
    draft.value = null;
    return out;
  }
  return { draft, set, take };
});
