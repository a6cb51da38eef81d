/** The two links a unit has upwards: its parent in the management tree and the cluster it also rolls up to. */
export interface UnitLinks {
  parentId: string | null;
  clusterId: string | null;
}

/**
 * The units above a unit: its parents up to the root, its cluster (the second roll-up axis) and the cluster's
 * parents, nearest first, the unit itself left out. A commune-wide or cluster-wide session, a requirement of a
 * commune office, a shared row's stream all reach a school through these. The tree is data from elsewhere: a
 * cycle in it must not hang anyone.
 */
export function unitsAbove(unitId: string, byId: ReadonlyMap<string, UnitLinks>): string[] {
  const out = new Set<string>();
  const climb = (start: string | null): void => {
    let id = start;
    while (id !== null && !out.has(id)) {
      out.add(id);
      id = byId.get(id)?.parentId ?? null;
    }
  };
  const unit = byId.get(unitId);
  climb(unit?.parentId ?? null);
  climb(unit?.clusterId ?? null);
  out.delete(unitId);
  return [...out];
}
