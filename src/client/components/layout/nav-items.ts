import type { RouteLocationRaw } from 'vue-router';
import type { Role } from '../../../shared/auth';

export interface NavItem {
  id: string;
  to: RouteLocationRaw;
  /** primeicons class. */
  icon: string;
  labelKey: string;
  /** Roles that see the item; absent means everyone signed in. The server still enforces scope on every call. */
  roles?: readonly Role[];
}

/** The places a user can go, in order. Each feature adds its entry here when its pages exist. */
export const NAV_ITEMS: readonly NavItem[] = [
  { id: 'home', to: { name: 'home' }, icon: 'pi pi-home', labelKey: 'common.nav.home' },
  {
    id: 'sessions',
    to: { name: 'sessions' },
    icon: 'pi pi-calendar',
    labelKey: 'attendance.nav.sessions',
    roles: ['teacher', 'principal', 'trainer'],
  },
  {
    id: 'plan',
    to: { name: 'plan-session-new' },
    icon: 'pi pi-calendar-plus',
    labelKey: 'plans.nav',
    roles: ['principal', 'officer'],
  },
  {
    id: 'requirements',
    to: { name: 'admin-requirements' },
    icon: 'pi pi-list-check',
    labelKey: 'admin.nav',
    roles: ['officer', 'admin'],
  },
  { id: 'calendar', to: { name: 'calendar' }, icon: 'pi pi-calendar-clock', labelKey: 'calendar.navItem' },
  { id: 'due', to: { name: 'due' }, icon: 'pi pi-flag', labelKey: 'due.navItem' },
  { id: 'materials', to: { name: 'materials' }, icon: 'pi pi-book', labelKey: 'materials.nav' },
  {
    id: 'coverage',
    to: { name: 'coverage' },
    icon: 'pi pi-chart-bar',
    labelKey: 'coverage.nav',
    roles: ['teacher', 'principal'],
  },
  {
    id: 'coverage-unit',
    to: { name: 'coverage-unit' },
    icon: 'pi pi-chart-line',
    labelKey: 'coverage.navUnit',
    roles: ['officer', 'admin'],
  },
  {
    id: 'reports',
    to: { name: 'reports' },
    icon: 'pi pi-file-export',
    labelKey: 'reports.nav',
    roles: ['principal', 'officer', 'admin'],
  },
  {
    id: 'roster',
    to: { name: 'roster' },
    icon: 'pi pi-users',
    labelKey: 'org.nav.roster',
    roles: ['teacher', 'principal'],
  },
  {
    id: 'roster-import',
    to: { name: 'roster-import' },
    icon: 'pi pi-file-import',
    labelKey: 'rosterImport.nav',
    roles: ['principal', 'officer', 'admin'],
  },
  {
    id: 'accounts',
    to: { name: 'admin-accounts' },
    icon: 'pi pi-id-card',
    labelKey: 'org.nav.accounts',
    roles: ['principal'],
  },
  { id: 'settings', to: { name: 'settings' }, icon: 'pi pi-cog', labelKey: 'settings.nav' },
];

export function navItemsFor(roles: readonly Role[]): NavItem[] {
  return NAV_ITEMS.filter((item) => !item.roles || item.roles.some((role) => roles.includes(role)));
}
