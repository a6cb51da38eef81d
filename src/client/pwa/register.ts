import { ref, type Ref } from 'vue';
import { useRegisterSW } from 'virtual:pwa-register/vue';

/** A tablet may stay open on one page for a whole school day: look for a new version every hour. */
const UPDATE_CHECK_MS = 60 * 60 * 1000;

export interface PwaRegistration {
  /** A new version is installed and waits for the user to accept it. */
  needRefresh: Ref<boolean>;
  /** The app shell is cached: the next visit starts without a network. */
  offlineReady: Ref<boolean>;
  registerError: Ref<string | null>;
  /** Activates the waiting version and reloads the page into it. */
  update: () => Promise<void>;
}

/**
 * Registers the service worker at once (not on the window's load event), so that the very first online visit
 * already caches the app for later offline visits. Call from one component only (UpdatePrompt).
 */
export function usePwaRegistration(): PwaRegistration {
  const registerError = ref<string | null>(null);
  const { needRefresh, offlineReady, updateServiceWorker } = useRegisterSW({
    immediate: true,
    onRegisteredSW(_swUrl, registration) {
      if (!registration) return;
      setInterval(() => {
        // Offline, update() only fails; the next check while online finds the new version.
        if (navigator.onLine && !registration.installing) void registration.update().catch(() => undefined);
      }, UPDATE_CHECK_MS);
    },
    onRegisterError(error: unknown) {
      registerError.value = error instanceof Error ? error.message : String(error);
    },
  });
  return { needRefresh, offlineReady, registerError, update: () => updateServiceWorker(true) };
}
