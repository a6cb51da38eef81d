import { unitsAbove } from '../../shared/domain/org-tree';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';

export interface OrgNode {
  id: string;
  kind: string;
  name: string;
  parentId: string | null;
  clusterId: string | null;
  schoolLevel: string | null;
}

/**
 * The organisation tree in memory. Hà Nội has about 3,300 units, so the whole tree is small; scope decisions are
 * then plain set look-ups instead of a recursive query per request.
 */
export class OrgTree {
  readonly nodes = new Map<string, OrgNode>();
  private readonly children = new Map<string, string[]>();
  private readonly clusterMembers = new Map<string, string[]>();

  constructor(nodes: OrgNode[]) {
    for (const n of nodes) this.nodes.set(n.id, n);
    for (const n of nodes) {
      if (n.parentId) push(this.children, n.parentId, n.id);
      if (n.clusterId) push(this.clusterMembers, n.clusterId, n.id);
    }
  }

  get(id: string): OrgNode | undefined {
    return this.nodes.get(id);
  }

  isSchool(id: string): boolean {
    return this.nodes.get(id)?.kind === 'school';
  }

  /** The unit and every unit above it in the management tree, nearest first. Guards against a cycle in bad data. */
  ancestorsOrSelf(id: string): string[] {
    const out: string[] = [];
    let cur: string | null = id;
    while (cur && !out.includes(cur)) {
      const node = this.nodes.get(cur);
      if (!node) break;
      out.push(cur);
      cur = node.parentId;
    }
    return out;
  }

  /** Everything a grant on `id` covers: its subtree, and for a cluster (at any level) the schools that belong to it. */
  subtree(id: string): Set<string> {
    const out = new Set<string>();
    const stack = [id];
    while (stack.length > 0) {
      const cur = stack.pop()!;
      if (out.has(cur) || !this.nodes.has(cur)) continue;
      out.add(cur);
      for (const c of this.children.get(cur) ?? []) stack.push(c);
      for (const m of this.clusterMembers.get(cur) ?? []) stack.push(m);
    }
    return out;
  }

  schoolsUnder(id: string): string[] {
    return [...this.subtree(id)].filter((u) => this.isSchool(u));
  }

  /**
   * The version streams a device of a school pulls: the school's own, and those of every unit whose shared rows
   * (activity types, requirements, school years, unit-wide sessions, libraries) apply to it.
   */
  streamsAbove(schoolId: string): string[] {
    return [schoolId, ...unitsAbove(schoolId, this.nodes)];
  }
}

function push(map: Map<string, string[]>, key: string, value: string): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/**
 * Loads the tree and keeps it for a short time. Changes to units made by this process call `invalidate()`;
 * the TTL bounds how stale another server instance behind the same database can be.
 */
export class OrgTreeCache {
  private tree: OrgTree | null = null;
  private loadedAt = 0;
  private loading: Promise<OrgTree> | null = null;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly ttlMs = 30_000,
  ) {}

  async get(): Promise<OrgTree> {
    if (this.tree && Date.now() - this.loadedAt < this.ttlMs) return this.tree;
    this.loading ??= this.load().finally(() => {
      this.loading = null;
    });
    return this.loading;
  }

  invalidate(): void {
    this.tree = null;
  }

  private async load(): Promise<OrgTree> {
    const rows = await this.db
      .selectFrom('units')
      .select(['id', 'kind', 'name', 'parent_id', 'cluster_id', 'school_level'])
      .execute();
    const tree = new OrgTree(
      rows.map((r) => ({
        id: r.id,
        kind: r.kind,
        name: r.name,
        parentId: r.parent_id,
        clusterId: r.cluster_id,
        schoolLevel: r.school_level,
      })),
    );
    this.tree = tree;
    this.loadedAt = Date.now();
    return tree;
  }
}
