import { useSessionStore } from '../../stores/session';
import { getRuntime } from '../../sync/runtime';
import { ReportError, type ReportDeps } from './reports-api';

/** The signed-in user's connection to the report routes; throws `signIn` when nobody is signed in. */
export function useReportDeps(): () => ReportDeps {
  const store = useSessionStore();
  return () => {
    const runtime = getRuntime();
    const userId = store.user?.id;
    if (!userId) throw new ReportError('signIn');
    return { db: runtime.db, userId, now: runtime.now, isOnline: runtime.isOnline };
  };
}

/** The page's words for a failure: the problem's sentence, with the server's own reason where it gave one. */
export function problemText(t: (key: string, named?: Record<string, unknown>) => string, error: unknown): string {
  const e = error instanceof ReportError ? error : new ReportError('server');
  return t(`reports.problem.${e.problem}`, { message: e.message });
}
