import { isError, type ImportBatchView, type ImportPreviewRow, type ProblemCode } from '../../../shared/roster-import';
import type { RoleGrant } from '../../../shared/auth';
import type { Unit } from '../../../shared/domain/org';

/** Rows per page of the preview: a 2,000-row file is read a page at a time, problems first (the server sorts them so). */
export const PAGE_SIZE = 50;

export type RowFilter = 'problems' | 'all';

export function rowSeverity(row: Pick<ImportPreviewRow, 'problems'>): 'error' | 'warning' | 'ok' {
  if (row.problems.some(isError)) return 'error';
  return row.problems.length > 0 ? 'warning' : 'ok';
}

export function filterRows(rows: readonly ImportPreviewRow[], filter: RowFilter): ImportPreviewRow[] {
  return filter === 'problems' ? rows.filter((r) => r.problems.length > 0) : [...rows];
}

export function pageOf<T>(rows: readonly T[], page: number, size = PAGE_SIZE): { rows: T[]; page: number; pages: number } {
  const pages = Math.max(1, Math.ceil(rows.length / size));
  const p = Math.min(Math.max(0, page), pages - 1);
  return { rows: rows.slice(p * size, (p + 1) * size), page: p, pages };
}

/** Applying needs the user's confirmation whenever rows will be skipped. */
export function canApply(view: Pick<ImportBatchView, 'status' | 'summary'>, skipConfirmed: boolean): boolean {
  if (view.status !== 'previewed') return false;
  return view.summary.errors === 0 || skipConfirmed;
}

export function problemKey(code: ProblemCode): string {
  return `rosterImport.problems.${code}`;
}

/**
 * The schools this user may import into: a principal's own school; an officer's or admin's schools known to the
 * device, by name. The server checks again on every call.
 */
export function importSchools(grants: readonly RoleGrant[], units: readonly Pick<Unit, 'id' | 'kind' | 'name' | 'parentId' | 'clusterId'>[]): { id: string; name: string }[] {
  const byId = new Map(units.map((u) => [u.id, u]));
  const out = new Map<string, string>();
  for (const g of grants) {
    if (g.role === 'principal') out.set(g.unitId, byId.get(g.unitId)?.name ?? g.unitId);
  }
  const wide = grants.filter((g) => g.role === 'officer' || g.role === 'admin').map((g) => g.unitId);
  if (wide.length > 0) {
    const under = (u: Pick<Unit, 'id' | 'parentId' | 'clusterId'>): boolean => {
      let cur: Pick<Unit, 'id' | 'parentId' | 'clusterId'> | undefined = u;
      for (let depth = 0; cur && depth < 20; depth++) {
        if (wide.includes(cur.id) || (cur.clusterId && wide.includes(cur.clusterId))) return true;
        cur = cur.parentId ? byId.get(cur.parentId) : undefined;
      }
      return false;
    };
    for (const u of units) if (u.kind === 'school' && under(u)) out.set(u.id, u.name);
  }
  return [...out].map(([id, name]) => ({ id, name })).sort((a, b) => a.name.localeCompare(b.name, 'vi'));
}
