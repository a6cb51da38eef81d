import type { Requirement, SchoolYear } from '../../../shared/domain';
import type { ProposedSession } from '../../../shared/plan/proposal';
import { duePeriods } from '../../../shared/plan/requirements';
import type { MutationArgs } from '../../../shared/sync/mutations';
import { checkSessionForm, valuesFromSession, type FormMessages, type SessionFormValues } from './session-form';

/** One proposed session under review: chosen or not, and the planner's edits of date, time, place and audience. */
export interface ReviewRow {
  key: string;
  proposal: ProposedSession;
  selected: boolean;
  values: SessionFormValues;
}

export interface ReviewGroup {
  requirementId: string;
  requirement: Requirement | null;
  rows: ReviewRow[];
}

/** Review rows for the proposals, all selected, each editable as the session form edits a session. */
export function reviewRows(proposals: readonly ProposedSession[]): ReviewRow[] {
  return proposals.map((proposal, i) => ({
    key: `${proposal.requirementId}:${proposal.periodKey}:${i}`,
    proposal,
    selected: true,
    values: valuesFromSession({
      ...proposal.fields,
      id: proposal.requirementId,
      schoolId: proposal.schoolId,
      scopeUnitId: proposal.scopeUnitId,
      schoolYearId: proposal.schoolYearId,
      seriesId: null,
      status: 'planned',
      revision: 0,
      createdBy: proposal.requirementId,
    }),
  }));
}

/** Rows grouped per requirement, in the order the requirements first appear (the proposals are in time order). */
export function groupByRequirement(rows: readonly ReviewRow[], requirements: readonly Requirement[]): ReviewGroup[] {
  const byId = new Map(requirements.map((r) => [r.id, r]));
  const groups = new Map<string, ReviewGroup>();
  for (const row of rows) {
    const id = row.proposal.requirementId;
    let group = groups.get(id);
    if (!group) groups.set(id, (group = { requirementId: id, requirement: byId.get(id) ?? null, rows: [] }));
    group.rows.push(row);
  }
  return [...groups.values()];
}

/** The label of a proposal's period ("Học kỳ I", "09/2025", "30/09/2025"), made of data. */
export function periodLabel(proposal: ProposedSession, requirement: Requirement | null, year: SchoolYear): string {
  if (!requirement) return proposal.periodKey;
  return duePeriods(requirement, year).find((p) => p.key === proposal.periodKey)?.label ?? proposal.periodKey;
}

/** The messages of a row's edits (field → messages), by the same rules as the session form and the server. */
export function rowErrors(row: ReviewRow, year: SchoolYear, messages: FormMessages): Record<string, string> {
  const out: Record<string, string> = {};
  for (const error of checkSessionForm(row.values, year, messages).errors) out[error.path ?? ''] = error.errors.join('; ');
  return out;
}

/**
 * One `session.create` per selected row, with the planner's edits; rows left unselected are not saved. Throws when a
 * selected row does not pass the rules (the page shows its messages first and saves nothing).
 */
export function createArgsOfSelected(
  rows: readonly ReviewRow[],
  year: SchoolYear,
  messages: FormMessages,
  newId: () => string,
): MutationArgs<'session.create'>[] {
  return rows
    .filter((row) => row.selected)
    .map((row) => {
      const check = checkSessionForm(row.values, year, messages, {
        trainerUserId: row.proposal.fields.trainerUserId,
        materialIds: row.proposal.fields.materialIds,
      });
      if (!check.fields) throw new Error(check.errors.flatMap((e) => e.errors).join('; '));
      return {
        ...check.fields,
        id: newId(),
        schoolId: row.proposal.schoolId,
        scopeUnitId: row.proposal.scopeUnitId,
        schoolYearId: row.proposal.schoolYearId,
        seriesId: null,
      };
    });
}
