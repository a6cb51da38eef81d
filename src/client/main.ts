import { createApp, watch } from 'vue';
import { createPinia } from 'pinia';
import PrimeVue from 'primevue/config';
import ToastService from 'primevue/toastservice';
import ConfirmationService from 'primevue/confirmationservice';
import { z } from 'zod';
import 'primeicons/primeicons.css';
import { configureValidationMessages } from '../shared/validation';
import App from './App.vue';
import { i18n, isLocale } from './i18n';
import { createAppRouter } from './router';
import { useSessionStore } from './stores/session';
import { TruongAnPreset, DARK_MODE_SELECTOR } from './components/theme/preset';
import { STARTUP_ERROR } from './components/layout/startup';
import { requestPersistentStorage } from './pwa/storage';
import { startMaterialPrefetch } from './features/materials/offline-runtime';

async function start(): Promise<void> {
  const app = createApp(App);
  const pinia = createPinia();
  app.use(pinia);
  app.use(i18n);
  app.use(PrimeVue, { theme: { preset: TruongAnPreset, options: { darkModeSelector: DARK_MODE_SELECTOR } } });
  app.use(ToastService);
  app.use(ConfirmationService);

  // Zod's built-in messages (wrong type, too long…) and the page language follow the chosen interface language.
  watch(
    () => i18n.global.locale.value,
    (locale) => {
      const lang = isLocale(locale) ? locale : 'vi';
      configureValidationMessages(z, lang);
      document.documentElement.lang = lang;
    },
    { immediate: true },
  );

  // The route guard needs to know who is signed in, so the session is restored before the first navigation.
  const session = useSessionStore(pinia);
  let startupError: string | null = null;
  try {
    await session.restore();
  } catch (error) {
    startupError = error instanceof Error ? error.message : String(error);
  }
  app.provide(STARTUP_ERROR, startupError);

  const router = createAppRouter();
  app.use(router);
  // Signing out, switching user or a revoked session can happen anywhere: leave protected pages at once.
  watch(
    () => session.isSignedIn,
    (signedIn) => {
      const current = router.currentRoute.value;
      if (!signedIn && !current.meta.public) void router.replace({ name: 'sign-in' });
    },
  );
  await router.isReady();
  app.mount('#app');

  void requestPersistentStorage().catch(() => false);
  // Materials of upcoming sessions are fetched for offline use after each sync (features/materials).
  startMaterialPrefetch();
}

void start();
