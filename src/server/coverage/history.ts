import type { Kysely } from 'kysely';
import type { LocalDate } from '../../shared/time';
import type { Database } from '../db/schema';
import type { OrgTree } from '../services/org-tree';

interface Membership {
  parentId: string;
  validFrom: string;
  validTo: string | null;
}

/**
 * The org tree as it was on a date, from `unit_memberships` (valid_from included, valid_to excluded: the first day
 * under the next parent). A school moved between units keeps its past years' coverage with the old parent. A unit
 * with no membership row valid on the date hangs where the current tree puts it, so only recorded moves change the
 * answer.
 */
export class TreeHistory {
  private readonly rows = new Map<string, Membership[]>();
  /** Every date on which some unit changed place: between two of them the tree stands still. */
  private readonly boundaries: string[];

  constructor(
    readonly tree: OrgTree,
    memberships: Array<{ unit_id: string; parent_id: string; axis: string; valid_from: string; valid_to: string | null }>,
  ) {
    for (const m of memberships) {
      const key = `${m.axis}:${m.unit_id}`;
      const list = this.rows.get(key);
      const row = { parentId: m.parent_id, validFrom: m.valid_from, validTo: m.valid_to };
      if (list) list.push(row);
      else this.rows.set(key, [row]);
    }
    this.boundaries = [...new Set(memberships.flatMap((m) => (m.valid_to === null ? [m.valid_from] : [m.valid_from, m.valid_to])))].sort();
  }

  static async load(db: Kysely<Database>, tree: OrgTree): Promise<TreeHistory> {
    const rows = await db.selectFrom('unit_memberships').select(['unit_id', 'parent_id', 'axis', 'valid_from', 'valid_to']).execute();
    return new TreeHistory(tree, rows);
  }

  private linkAt(unitId: string, axis: 'tree' | 'cluster', date: LocalDate): string | null {
    const list = this.rows.get(`${axis}:${unitId}`);
    const valid = list?.find((m) => m.validFrom <= date && (m.validTo === null || date < m.validTo));
    if (valid) return valid.parentId;
    const node = this.tree.get(unitId);
    return (axis === 'tree' ? node?.parentId : node?.clusterId) ?? null;
  }

  /** The management parent and cluster of a unit on a date. */
  placeOf(unitId: string, date: LocalDate): { parentId: string | null; clusterId: string | null } {
    return { parentId: this.linkAt(unitId, 'tree', date), clusterId: this.linkAt(unitId, 'cluster', date) };
  }

  /** Units above a unit on a date, nearest first: parents to the root, then its cluster and the cluster's parents. */
  unitsAbove(unitId: string, date: LocalDate): string[] {
    const out = new Set<string>();
    const climb = (start: string | null): void => {
      let id = start;
      while (id !== null && !out.has(id) && id !== unitId) {
        out.add(id);
        id = this.linkAt(id, 'tree', date);
      }
    };
    climb(this.linkAt(unitId, 'tree', date));
    climb(this.linkAt(unitId, 'cluster', date));
    return [...out];
  }

  /**
   * Every unit a unit was under at some time between two dates (both included): whose requirements and unit-wide
   * sessions may concern it during that stretch.
   */
  unitsAboveDuring(unitId: string, from: LocalDate, to: LocalDate): string[] {
    const out = new Set(this.unitsAbove(unitId, from));
    for (const d of this.boundaries) if (d > from && d <= to) for (const u of this.unitsAbove(unitId, d)) out.add(u);
    return [...out];
  }

  /** The schools under a unit (through the tree or a cluster) on a date; a school asks for itself. */
  schoolsUnder(unitId: string, date: LocalDate): string[] {
    if (this.tree.isSchool(unitId)) return [unitId];
    const out: string[] = [];
    for (const node of this.tree.nodes.values()) {
      if (node.kind === 'school' && this.unitsAbove(node.id, date).includes(unitId)) out.push(node.id);
    }
    return out;
  }
}
