import type { Role } from '../../shared/auth';
import type { OrgTree } from '../services/org-tree';

export interface Grant {
  role: Role;
  unitId: string;
}

/** Who is asking: resolved from the bearer token on every request. */
export interface Principal {
  userId: string;
  username: string;
  displayName: string;
  personId: string | null;
  mustChangePassword: boolean;
  grants: Grant[];
}

/**
 * The one authorisation module: every route and every mutation asks it, never the client's word.
 * Scopes are unit subtrees; a grant on a cluster covers the cluster's schools.
 */
export class Access {
  private readonly covered = new Map<Role, Set<string>>();

  constructor(
    readonly principal: Principal,
    readonly tree: OrgTree,
  ) {
    for (const g of principal.grants) {
      const set = this.covered.get(g.role) ?? new Set<string>();
      for (const u of tree.subtree(g.unitId)) set.add(u);
      this.covered.set(g.role, set);
    }
  }

  get userId(): string {
    return this.principal.userId;
  }

  get isAdmin(): boolean {
    return this.covered.has('admin');
  }

  hasRole(role: Role): boolean {
    return this.covered.has(role);
  }

  private covers(roles: Role[], unitId: string): boolean {
    if (this.isAdmin) return this.tree.get(unitId) !== undefined;
    return roles.some((r) => this.covered.get(r)?.has(unitId) ?? false);
  }

  /** Read a school's rosters, sessions and records. Trainers read only through their assigned sessions. */
  canReadSchool(schoolId: string): boolean {
    return this.tree.isSchool(schoolId) && this.covers(['teacher', 'principal', 'officer'], schoolId);
  }

  /** Record attendance, drills and commitments at a school (teachers and principals of that school). */
  canRecordAt(schoolId: string): boolean {
    return this.tree.isSchool(schoolId) && this.covers(['teacher', 'principal'], schoolId);
  }

  /** Manage a school's roster, accounts and plan. */
  canManageSchool(schoolId: string): boolean {
    return this.tree.isSchool(schoolId) && this.covers(['principal'], schoolId);
  }

  /** Plan sessions or set requirements for a unit: its principal (a school), an officer covering it, an admin. */
  canPlanFor(unitId: string): boolean {
    if (this.tree.isSchool(unitId)) return this.covers(['principal', 'officer'], unitId);
    return this.covers(['officer'], unitId);
  }

  /** See a unit in the tree: units the user's grants cover, and every unit above them (names for context). */
  canSeeUnit(unitId: string): boolean {
    if (this.isAdmin) return this.tree.get(unitId) !== undefined;
    for (const g of this.principal.grants) {
      if (this.tree.ancestorsOrSelf(g.unitId).includes(unitId)) return true;
    }
    for (const set of this.covered.values()) if (set.has(unitId)) return true;
    return false;
  }

  /** Schools whose data this user may read, in the tree's order. */
  readableSchools(): string[] {
    const out: string[] = [];
    for (const id of this.tree.nodes.keys()) if (this.canReadSchool(id)) out.push(id);
    return out;
  }

  /**
   * The version streams this user's devices pull. Teachers and principals: their school and the units above it.
   * Officers, trainers and admins: the units they cover that are not schools, and the units above; school data
   * reaches them through the dashboards, online, not as a full copy on the device.
   */
  pullStreams(): string[] {
    const out = new Set<string>();
    for (const g of this.principal.grants) {
      if ((g.role === 'teacher' || g.role === 'principal') && this.tree.isSchool(g.unitId)) {
        for (const s of this.tree.streamsAbove(g.unitId)) out.add(s);
      } else {
        for (const a of this.tree.ancestorsOrSelf(g.unitId)) out.add(a);
        for (const u of this.tree.subtree(g.unitId)) if (!this.tree.isSchool(u)) out.add(u);
      }
    }
    return [...out].sort();
  }
}
