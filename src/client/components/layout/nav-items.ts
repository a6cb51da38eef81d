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
  { id: 'settings', to: { name: 'settings' }, icon: 'pi pi-cog', labelKey: 'settings.nav' },
];

export function navItemsFor(roles: readonly Role[]): NavItem[] {
  return NAV_ITEMS.filter((item) => !item.roles || item.roles.some((role) => roles.includes(role)));
}
