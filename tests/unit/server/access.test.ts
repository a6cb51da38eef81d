import { describe, expect, it } from 'vitest';
import type { Role } from '../../../src/shared/auth';
import { Access } from '../../../src/server/auth/access';
import { OrgTree, type OrgNode } from '../../../src/server/services/org-tree';

/*
 * dept ─┬─ communeA ── schoolA ┐
 *       ├─ communeB ── schoolB  ├ cluster (schoolA, schoolC)
 *       ├─ cluster             │
 *       └─ schoolC ─────────────┘
 */
const node = (id: string, kind: string, parentId: string | null, clusterId: string | null = null): OrgNode => ({
  id,
  kind,
  name: id,
  parentId,
  clusterId,
  schoolLevel: kind === 'school' ? 'th' : null,
});

const tree = new OrgTree([
  node('dept', 'department', null),
  node('communeA', 'commune', 'dept'),
  node('communeB', 'commune', 'dept'),
  node('cluster', 'cluster', 'dept'),
  node('schoolA', 'school', 'communeA', 'cluster'),
  node('schoolB', 'school', 'communeB'),
  node('schoolC', 'school', 'dept', 'cluster'),
]);

const SCHOOLS = ['schoolA', 'schoolB', 'schoolC'];

function accessOf(...grants: [Role, string][]): Access {
  return new Access(
    {
      userId: 'u1',
      username: 'u1',
      displayName: 'U1',
      personId: null,
      mustChangePassword: false,
      grants: grants.map(([role, unitId]) => ({ role, unitId })),
    },
    tree,
  );
}

describe('OrgTree', () => {
  it('gives a unit’s subtree, including the schools of a cluster', () => {
    expect([...tree.subtree('communeA')].sort()).toEqual(['communeA', 'schoolA']);
    expect([...tree.subtree('cluster')].sort()).toEqual(['cluster', 'schoolA', 'schoolC']);
    expect(tree.subtree('dept').size).toBe(7);
    expect([...tree.subtree('schoolB')]).toEqual(['schoolB']);
    expect(tree.subtree('unknown').size).toBe(0);
    expect(tree.schoolsUnder('cluster').sort()).toEqual(['schoolA', 'schoolC']);
  });

  it('lists ancestors nearest first', () => {
    expect(tree.ancestorsOrSelf('schoolA')).toEqual(['schoolA', 'communeA', 'dept']);
    expect(tree.ancestorsOrSelf('schoolC')).toEqual(['schoolC', 'dept']);
    expect(tree.ancestorsOrSelf('unknown')).toEqual([]);
  });

  it('gives a school device the streams of every unit above it on both axes', () => {
    expect(tree.streamsAbove('schoolA').sort()).toEqual(['cluster', 'communeA', 'dept', 'schoolA']);
    expect(tree.streamsAbove('schoolB').sort()).toEqual(['communeB', 'dept', 'schoolB']);
  });

  it('stops on a cycle in bad data instead of looping', () => {
    const cyclic = new OrgTree([node('p', 'commune', 'q'), node('q', 'commune', 'p'), node('s', 'school', 'p', 's')]);
    expect(cyclic.ancestorsOrSelf('s')).toEqual(['s', 'p', 'q']);
    expect([...cyclic.subtree('p')].sort()).toEqual(['p', 'q', 's']);
    expect(cyclic.streamsAbove('s').sort()).toEqual(['p', 'q', 's']);
  });
});

describe('Access', () => {
  const readable = (a: Access) => SCHOOLS.filter((s) => a.canReadSchool(s));

  it('scopes a teacher and a principal to their school', () => {
    const teacher = accessOf(['teacher', 'schoolA']);
    expect(readable(teacher)).toEqual(['schoolA']);
    expect(teacher.canRecordAt('schoolA')).toBe(true);
    expect(teacher.canRecordAt('schoolB')).toBe(false);
    expect(teacher.canManageSchool('schoolA')).toBe(false);
    expect(teacher.canPlanFor('schoolA')).toBe(false);
    const principal = accessOf(['principal', 'schoolA']);
    expect(principal.canManageSchool('schoolA')).toBe(true);
    expect(principal.canPlanFor('schoolA')).toBe(true);
    expect(principal.canManageSchool('schoolC')).toBe(false);
  });

  it('lets an officer read and plan across their subtree but not record', () => {
    const commune = accessOf(['officer', 'communeA']);
    expect(readable(commune)).toEqual(['schoolA']);
    expect(commune.canRecordAt('schoolA')).toBe(false);
    expect(commune.canPlanFor('communeA')).toBe(true);
    expect(commune.canPlanFor('schoolA')).toBe(true);
    expect(commune.canPlanFor('communeB')).toBe(false);
    expect(readable(accessOf(['officer', 'cluster']))).toEqual(['schoolA', 'schoolC']);
    expect(readable(accessOf(['officer', 'dept']))).toEqual(SCHOOLS);
  });

  it('never treats a unit that is not a school as a school', () => {
    const dept = accessOf(['officer', 'dept']);
    expect(dept.canReadSchool('communeA')).toBe(false);
    expect(accessOf(['teacher', 'communeA']).canRecordAt('communeA')).toBe(false);
  });

  it('gives a trainer no school by role alone', () => {
    const trainer = accessOf(['trainer', 'dept']);
    expect(readable(trainer)).toEqual([]);
    expect(trainer.hasRole('trainer')).toBe(true);
  });

  it('lets an admin act on every unit that exists, and on no unknown one', () => {
    const admin = accessOf(['admin', 'dept']);
    expect(admin.isAdmin).toBe(true);
    expect(readable(admin)).toEqual(SCHOOLS);
    expect(admin.canRecordAt('schoolB')).toBe(true);
    expect(admin.canSeeUnit('communeB')).toBe(true);
    expect(admin.canSeeUnit('unknown')).toBe(false);
    expect(admin.canReadSchool('unknown')).toBe(false);
  });

  it('shows the units above a grant (for names) but not siblings', () => {
    const teacher = accessOf(['teacher', 'schoolA']);
    expect(teacher.canSeeUnit('communeA')).toBe(true);
    expect(teacher.canSeeUnit('dept')).toBe(true);
    expect(teacher.canSeeUnit('communeB')).toBe(false);
    expect(teacher.canSeeUnit('schoolB')).toBe(false);
  });

  it('grants nothing without a role', () => {
    const nobody = accessOf();
    expect(readable(nobody)).toEqual([]);
    expect(nobody.canSeeUnit('dept')).toBe(false);
    expect(nobody.pullStreams()).toEqual([]);
    expect(nobody.readableSchools()).toEqual([]);
  });

  it('pulls the school and the units above it for school staff, and only the units above schools for others', () => {
    expect(accessOf(['teacher', 'schoolA']).pullStreams()).toEqual(['cluster', 'communeA', 'dept', 'schoolA']);
    expect(accessOf(['principal', 'schoolB']).pullStreams()).toEqual(['communeB', 'dept', 'schoolB']);
    expect(accessOf(['officer', 'cluster']).pullStreams()).toEqual(['cluster', 'dept']);
    expect(accessOf(['officer', 'dept']).pullStreams()).toEqual(['cluster', 'communeA', 'communeB', 'dept']);
    expect(accessOf(['officer', 'communeA']).pullStreams()).toEqual(['communeA', 'dept']);
    // Two grants: the union, each once.
    expect(accessOf(['teacher', 'schoolA'], ['teacher', 'schoolC']).pullStreams()).toEqual([
      'cluster',
      'communeA',
      'dept',
      'schoolA',
      'schoolC',
    ]);
  });
});
