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

  /**
   * Keep a school's roster (classes, people, parent links) and its staff accounts: its principal, an officer
   * covering it, an admin. Erasing a person's data and exporting it ask the same.
   */
  canManagePeople(schoolId: string): boolean {
    return this.tree.isSchool(schoolId) && this.covers(['principal', 'officer'], schoolId);
  }

  /** Change the organisation tree at and below a unit (create, rename, move units; clusters): officers and admins. */
  canManageUnit(unitId: string): boolean {
    return this.tree.get(unitId) !== undefined && this.covers(['officer'], unitId);
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

  /**
   * Publish into a material library (materials helper, issue #6). A school's own library (`schoolId` set, owned by the
   * school itself): its principal and the officers covering it. A unit's library (department, commune, cluster): the
   * officers covering the unit, and trainers whose grant covers it (a trainer granted on the department publishes into
   * the Sở library). Teachers never publish.
   */
  canPublishMaterial(unitId: string, schoolId: string | null): boolean {
    if (schoolId !== null) return unitId === schoolId && this.tree.isSchool(schoolId) && this.covers(['principal', 'officer'], schoolId);
    if (this.tree.get(unitId) === undefined || this.tree.isSchool(unitId)) return false;
    return this.covers(['officer', 'trainer'], unitId);
  }

  /**
   * See a material: a school's own material only with the school's data (its people and the officers above it); a
   * unit's library by everyone below the unit and the officers covering it. Same units as the device pulls.
   */
  canSeeMaterial(ownerUnitId: string, schoolId: string | null): boolean {
    if (schoolId !== null) return this.canReadSchool(schoolId);
    return this.materialLibraries().has(ownerUnitId);
  }

  /** The unit libraries (non-school units) this user sees: the units above their grants, and those an officer covers. */
  materialLibraries(): Set<string> {
    const out = new Set<string>();
    if (this.isAdmin) {
      for (const id of this.tree.nodes.keys()) if (!this.tree.isSchool(id)) out.add(id);
      return out;
    }
    for (const g of this.principal.grants) {
      const above = this.tree.isSchool(g.unitId) ? this.tree.streamsAbove(g.unitId) : this.tree.ancestorsOrSelf(g.unitId);
      for (const u of above) if (!this.tree.isSchool(u)) out.add(u);
      if (g.role === 'officer' || g.role === 'trainer') {
        for (const u of this.tree.subtree(g.unitId)) if (!this.tree.isSchool(u)) out.add(u);
      }
    }
    return out;
  }

  /**
   * Write a term or year-end report (reports helper, issue #7): a school's by its principal; a unit's by the officers
   * covering it; admins anywhere.
   */
  canWriteReportFor(unitId: string): boolean {
    if (this.tree.isSchool(unitId)) return this.covers(['principal'], unitId);
    return this.tree.get(unitId) !== undefined && this.covers(['officer'], unitId);
  }

  /** Read a unit's reports: whoever may write them, and the officers above (who receive them). Teachers do not. */
  canReadReportsOf(unitId: string): boolean {
    if (this.tree.isSchool(unitId)) return this.covers(['principal', 'officer'], unitId);
    return this.tree.get(unitId) !== undefined && this.covers(['officer'], unitId);
  }

  /**
   * Acknowledge a submitted report: an officer of a unit above it (a grant on the report's own unit is the sender's
   * side, not the receiver's), or an admin.
   */
  canAcknowledgeReportOf(unitId: string): boolean {
    if (this.isAdmin) return this.tree.get(unitId) !== undefined;
    return this.principal.grants.some(
      (g) => g.role === 'officer' && g.unitId !== unitId && this.tree.subtree(g.unitId).has(unitId),
    );
  }
}
