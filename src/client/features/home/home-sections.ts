import type { Role } from '../../../shared/auth';

export interface HomeSectionSpec {
  /** Message key under `home.sections`, and the hook later features replace with their own content. */
  id: string;
  icon: string;
}

/**
 * What each role looks at first this week, from the plan's duties: a teacher takes attendance and collects
 * ATGT commitments, the school leadership runs drills and checks coverage, a trainer prepares sessions, an
 * officer follows the schools of their scope, an administrator keeps accounts in order.
 */
export const HOME_SECTIONS: Record<Role, readonly HomeSectionSpec[]> = {
  teacher: [
    { id: 'weekSessions', icon: 'pi pi-calendar' },
    { id: 'attendanceToMark', icon: 'pi pi-list-check' },
    { id: 'classCommitments', icon: 'pi pi-file-check' },
  ],
  principal: [
    { id: 'weekDrills', icon: 'pi pi-shield' },
    { id: 'schoolActivities', icon: 'pi pi-calendar' },
    { id: 'attendanceReview', icon: 'pi pi-exclamation-circle' },
  ],
  trainer: [
    { id: 'assignedTrainings', icon: 'pi pi-graduation-cap' },
    { id: 'upcomingMaterials', icon: 'pi pi-book' },
  ],
  officer: [
    { id: 'unitCoverage', icon: 'pi pi-chart-bar' },
    { id: 'schoolsBehind', icon: 'pi pi-flag' },
  ],
  admin: [{ id: 'accountsToReview', icon: 'pi pi-users' }],
};
