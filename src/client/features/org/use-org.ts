import { useI18n } from 'vue-i18n';
import { useSessionStore } from '../../stores/session';
import { getRuntime } from '../../sync/runtime';
import { OrgError, type OrgDeps } from './org-api';

/** The dependencies of the online calls for the signed-in user, and the message of a failure in the interface language. */
export function useOrg() {
  const { t } = useI18n();
  const store = useSessionStore();
  const runtime = getRuntime();
  const deps = (): OrgDeps => ({
    db: runtime.db,
    userId: store.user?.id ?? '',
    now: runtime.now,
    isOnline: runtime.isOnline,
  });
  const problem = (error: unknown): string => {
    if (error instanceof OrgError) return t(`org.problems.${error.problem}`, { detail: error.message });
    return t('org.problems.server', { detail: error instanceof Error ? error.message : String(error) });
  };
  return { t, store, runtime, deps, problem };
}
