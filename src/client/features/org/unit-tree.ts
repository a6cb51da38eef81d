import type { OrgUnitView } from '../../../shared/org/api';

export interface TreeRow {
  unit: OrgUnitView;
  depth: number;
}

/**
 * The units as an indented list: each unit under its parent, siblings in Vietnamese name order. Units whose parent
 * the user cannot see start at the top. A cycle in bad data cannot loop: each unit is listed once.
 */
export function treeRows(units: readonly OrgUnitView[]): TreeRow[] {
  const collator = new Intl.Collator('vi', { numeric: true });
  const ids = new Set(units.map((u) => u.id));
  const children = new Map<string | null, OrgUnitView[]>();
  for (const u of units) {
    const key = u.parentId !== null && ids.has(u.parentId) ? u.parentId : null;
    const list = children.get(key) ?? [];
    list.push(u);
    children.set(key, list);
  }
  for (const list of children.values()) list.sort((a, b) => collator.compare(a.name, b.name));
  const out: TreeRow[] = [];
  const seen = new Set<string>();
  const walk = (parent: string | null, depth: number) => {
    for (const u of children.get(parent) ?? []) {
      if (seen.has(u.id)) continue;
      seen.add(u.id);
      out.push({ unit: u, depth });
      walk(u.id, depth + 1);
    }
  };
  walk(null, 0);
  return out;
}
