import type { InjectionKey } from 'vue';

/** Why the app could not restore the last session (IndexedDB blocked, quota…), shown instead of swallowed. */
export const STARTUP_ERROR: InjectionKey<string | null> = Symbol('startup-error');
