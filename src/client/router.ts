import { createRouter, createWebHistory, type RouterHistory, type Router } from 'vue-router';
import { useSessionStore } from './stores/session';
import { i18n } from './i18n';
import SignInPage from './features/auth/SignInPage.vue';
import HomePage from './features/home/HomePage.vue';
import SessionsPage from './features/attendance/SessionsPage.vue';
import AttendancePage from './features/attendance/AttendancePage.vue';
import MinutesPage from './features/attendance/MinutesPage.vue';
import CommitmentPage from './features/commitments/CommitmentPage.vue';
import DrillPage from './features/drill/DrillPage.vue';
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
import MaterialsLibraryPage from './features/materials/MaterialsLibraryPage.vue';
import MaterialViewerPage from './features/materials/MaterialViewerPage.vue';
import MaterialUploadPage from './features/materials/MaterialUploadPage.vue';
import ReportsPage from './features/reports/ReportsPage.vue';
import ReportDetailPage from './features/reports/ReportDetailPage.vue';
import ReportPrintPage from './features/reports/ReportPrintPage.vue';
import SchoolCoveragePage from './features/coverage/SchoolCoveragePage.vue';
import UnitCoveragePage from './features/coverage/UnitCoveragePage.vue';
import SchoolDrillDownPage from './features/coverage/SchoolDrillDownPage.vue';
import RosterPage from './features/org/RosterPage.vue';
import OrgUnitsPage from './features/org/OrgUnitsPage.vue';
import AccountsPage from './features/org/AccountsPage.vue';
import ChangePasswordPage from './features/org/ChangePasswordPage.vue';
import ImportPage from './features/roster/ImportPage.vue';

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
      {
        path: '/buoi/:sessionId/cam-ket',
        name: 'commitments',
        component: CommitmentPage,
        meta: { titleKey: 'commitments.title' },
      },
      {
        path: '/buoi/:sessionId/bien-ban',
        name: 'session-minutes',
        component: MinutesPage,
        meta: { titleKey: 'commitments.minutes.title' },
      },
      { path: '/buoi/:sessionId/dien-tap', name: 'drill', component: DrillPage, meta: { titleKey: 'drill.title' } },
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
      { path: '/tai-lieu', name: 'materials', component: MaterialsLibraryPage, meta: { titleKey: 'materials.library.title' } },
      {
        path: '/tai-lieu/tai-len',
        name: 'material-upload',
        component: MaterialUploadPage,
        meta: { titleKey: 'files.upload.title' },
      },
      { path: '/tai-lieu/:id', name: 'material-view', component: MaterialViewerPage, meta: { titleKey: 'materials.viewer.title' } },
      { path: '/ke-hoach/in', name: 'plan-print', component: PrintPlanPage, meta: { titleKey: 'exports.titleNoYear' } },
      { path: '/bao-phu', name: 'coverage', component: SchoolCoveragePage, meta: { titleKey: 'coverage.title' } },
      {
        path: '/bao-phu/don-vi/:unitId?',
        name: 'coverage-unit',
        component: UnitCoveragePage,
        meta: { titleKey: 'coverage.navUnit' },
      },
      {
        path: '/bao-phu/truong/:schoolId',
        name: 'coverage-school',
        component: SchoolDrillDownPage,
        meta: { titleKey: 'coverage.navUnit' },
      },
      { path: '/bao-cao', name: 'reports', component: ReportsPage, meta: { titleKey: 'reports.title' } },
      { path: '/bao-cao/:id', name: 'report', component: ReportDetailPage, meta: { titleKey: 'reports.title' } },
      {
        path: '/bao-cao/:id/in',
        name: 'report-print',
        component: ReportPrintPage,
        meta: { bare: true, titleKey: 'reports.title' },
      },
      { path: '/danh-sach', name: 'roster', component: RosterPage, meta: { titleKey: 'org.roster.title' } },
      { path: '/danh-sach/nhap', name: 'roster-import', component: ImportPage, meta: { titleKey: 'rosterImport.title' } },
      { path: '/quan-tri/don-vi', name: 'admin-units', component: OrgUnitsPage, meta: { titleKey: 'org.units.title' } },
      { path: '/quan-tri/tai-khoan', name: 'admin-accounts', component: AccountsPage, meta: { titleKey: 'org.accounts.title' } },
      { path: '/doi-mat-khau', name: 'change-password', component: ChangePasswordPage, meta: { titleKey: 'org.password.title' } },
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
    // An account signed in with an initial (or reset) password sets its own before anything else.
    if (session.user?.mustChangePassword && !to.meta.public && to.name !== 'change-password') return { name: 'change-password' };
    return true;
  });

  router.afterEach((to) => {
    const appName = i18n.global.t('common.appName');
    document.title = `${i18n.global.t(to.meta.titleKey)} · ${appName}`;
  });

  return router;
}
