import { liveQuery } from 'dexie';
import { defineStore } from 'pinia';
import { computed, onScopeDispose, ref, shallowRef } from 'vue';
import type { SessionUser } from '../../shared/auth';
import { getAccount, listDeviceAccounts, signOutAccount } from '../db/repositories/accounts';
import { deleteMeta, getMeta, setMeta } from '../db/repositories/meta';
import type { DeviceAccount } from '../db/schema';
import { signIn as signInAccount, tokenUsable } from '../sync/accounts';
import { loadTranslator } from '../sync/messages';
import { getRuntime } from '../sync/runtime';

export interface DeviceAccountSummary {
  userId: string;
  username: string;
  displayName: string;
}

/**
 * Who is signed in on this device. Several users may be signed in on a shared tablet; one is current. Signing out
 * or switching never deletes anyone's unsynced work.
 */
export const useSessionStore = defineStore('session', () => {
  const runtime = getRuntime();
  const currentUserId = ref<string | null>(null);
  const accounts = shallowRef<DeviceAccount[]>([]);
  const deviceAccounts = shallowRef<DeviceAccountSummary[]>([]);

  const subscription = liveQuery(async () => ({
    all: await runtime.db.accounts.toArray(),
    listed: await listDeviceAccounts(runtime.db),
  })).subscribe({
    next: ({ all, listed }) => {
      accounts.value = all;
      deviceAccounts.value = listed.map((a) => ({
        userId: a.userId,
        username: a.username,
        displayName: a.user.displayName,
      }));
    },
  });
  onScopeDispose(() => subscription.unsubscribe());

  // The account row is re-read live: the engine flags needsReauth and stores refreshed tokens behind the store's back.
  const account = computed(() => accounts.value.find((a) => a.userId === currentUserId.value) ?? null);
  const user = computed<SessionUser | null>(() => account.value?.user ?? null);
  const isSignedIn = computed(() => user.value !== null);
  const needsReauth = computed(() => account.value !== null && !tokenUsable(account.value, runtime.now()));

  function becomeCurrent(next: DeviceAccount | null): void {
    currentUserId.value = next?.userId ?? null;
    runtime.currentUserId = next?.userId ?? null;
    if (next && !accounts.value.some((a) => a.userId === next.userId)) accounts.value = [...accounts.value, next];
    else if (next) accounts.value = accounts.value.map((a) => (a.userId === next.userId ? next : a));
  }

  /** Once at app start: the last user stays signed in, online or not; an expired token only asks for a sign-in. */
  async function restore(): Promise<void> {
    await loadTranslator();
    const userId = await getMeta<string>('currentUserId', runtime.db);
    const saved = userId ? await getAccount(userId, runtime.db) : undefined;
    becomeCurrent(saved && saved.token !== null ? saved : null);
    void runtime.engine.start();
  }

  /** Signs in online, or offline with the verifier from an earlier online sign-in; throws with a translated message. */
  async function signIn(username: string, password: string): Promise<void> {
    await loadTranslator();
    const { account: signedIn } = await signInAccount(
      { db: runtime.db, api: runtime.api, isOnline: runtime.isOnline, now: runtime.now, ...runtime.crypto },
      username,
      password,
    );
    await setMeta('currentUserId', signedIn.userId, runtime.db);
    becomeCurrent(signedIn);
    void runtime.engine.start();
  }

  /** Revokes the token when online and forgets it; the user's queued changes and the device's data stay. */
  async function signOut(): Promise<void> {
    const leaving = account.value;
    if (!leaving) return;
    if (leaving.token && runtime.isOnline()) {
      try {
        await runtime.api.logout(leaving.token);
      } catch {
        // Offline or already revoked: forgetting the token on the device is what matters here.
      }
    }
    await signOutAccount(leaving.userId, runtime.db);
    await deleteMeta('currentUserId', runtime.db);
    becomeCurrent(null);
  }

  /** Hands the tablet to another user: this user stays signed in (their changes keep syncing) but is no longer current. */
  async function switchUser(): Promise<void> {
    await deleteMeta('currentUserId', runtime.db);
    becomeCurrent(null);
  }

  return { user, isSignedIn, deviceAccounts, needsReauth, restore, signIn, signOut, switchUser };
});
