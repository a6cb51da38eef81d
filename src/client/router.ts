import { createRouter, createWebHistory, type RouterHistory, type Router } from 'vue-router';
import { useSessionStore } from './stores/session';
import { i18n } from './i18n';
import SignInPage from './features/auth/SignInPage.vue';
import HomePage from './features/home/HomePage.vue';
import SessionsPage from './features/attendance/SessionsPage.vue';
import AttendancePage from './features/attendance/AttendancePage.vue';
import NotFoundPage from './components/layout/NotFoundPage.vue';
import SettingsPage from './features/settings/SettingsPage.vue';
import NeedsAttentionPage from './features/sync/NeedsAttentionPage.vue';
import CalendarPage from './features/calendar/CalendarPage.vue';
import DuePage from './features/due/DuePage.vue';
import PrintPlanPage from './features/exports/PrintPlanPage.vue';
import SessionFormPage from './features/plans/SessionFormPage.vue';
import ProposalPage from './features/plans/ProposalPage.vue';
import ActivityTypesPage from './features/admin/ActivityTypesPage.vue';
import RequirementsPage from './features/admin/RequirementsPage.vue';

declare module 'vue-router' {
  interface RouteMeta {
    /** Reachable without signing in. */
    public?: boolean;
    /** Drawn without the app shell (top bar, navigation). */
    bare?: boolean;
    /** i18n key of the page title shown in the browser tab and read by screen readers on navigation. */
    titleKey: string;
  }
}

/**
 * Pages are bundled eagerly rather than split per route: the service worker precaches everything anyway, and a
 * tablet that updated in the background must never fail to load the chunk of an old route while offline.
 */
export function createAppRouter(history: RouterHistory = createWebHistory()): Router {
  const router = createRouter({
    history,
    routes: [
      {
        path: '/dang-nhap',
        name: 'sign-in',
        component: SignInPage,
        meta: { public: true, bare: true, titleKey: 'auth.signIn.title' },
      },
      { path: '/', name: 'home', component: HomePage, meta: { titleKey: 'home.title' } },
      { path: '/buoi', name: 'sessions', component: SessionsPage, meta: { titleKey: 'attendance.sessions.title' } },
      {
        path: '/buoi/:sessionId/diem-danh',
        name: 'attendance',
        component: AttendancePage,
        meta: { titleKey: 'attendance.sheet.title' },
      },
      { path: '/cai-dat', name: 'settings', component: SettingsPage, meta: { titleKey: 'settings.title' } },
      {
        path: '/can-xu-ly',
        name: 'needs-attention',
        component: NeedsAttentionPage,
        meta: { titleKey: 'settings.needsAttention.title' },
      },
      {
        path: '/ke-hoach/buoi-moi',
        name: 'plan-session-new',
        component: SessionFormPage,
        meta: { titleKey: 'plans.form.titleNew' },
      },
      {
        path: '/ke-hoach/buoi/:id/sua',
        name: 'plan-session-edit',
        component: SessionFormPage,
        meta: { titleKey: 'plans.form.titleEdit' },
      },
      { path: '/ke-hoach/de-xuat', name: 'plan-proposal', component: ProposalPage, meta: { titleKey: 'plans.proposal.title' } },
      {
        path: '/quan-tri/loai-hoat-dong',
        name: 'admin-activity-types',
        component: ActivityTypesPage,
        meta: { titleKey: 'admin.activityTypes.title' },
      },
      {
        path: '/quan-tri/yeu-cau',
        name: 'admin-requirements',
        component: RequirementsPage,
        meta: { titleKey: 'admin.requirements.title' },
      },
      { path: '/lich', name: 'calendar', component: CalendarPage, meta: { titleKey: 'calendar.title' } },
      { path: '/can-lam', name: 'due', component: DuePage, meta: { titleKey: 'due.title' } },
      { path: '/ke-hoach/in', name: 'plan-print', component: PrintPlanPage, meta: { titleKey: 'exports.titleNoYear' } },
      {
        path: '/:pathMatch(.*)*',
        name: 'not-found',
        component: NotFoundPage,
        meta: { public: true, titleKey: 'common.notFound.title' },
      },
    ],
  });

  // The session store has been restored before the router is installed (main.ts), so isSignedIn is settled here.
  router.beforeEach((to) => {
    const session = useSessionStore();
    if (!to.meta.public && !session.isSignedIn) {
      return { name: 'sign-in', query: to.fullPath === '/' ? {} : { redirect: to.fullPath } };
    }
    if (to.name === 'sign-in' && session.isSignedIn) return { name: 'home' };
    return true;
  });

  router.afterEach((to) => {
    const appName = i18n.global.t('common.appName');
    document.title = `${i18n.global.t(to.meta.titleKey)} · ${appName}`;
  });

  return router;
}
