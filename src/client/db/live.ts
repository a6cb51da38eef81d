import { liveQuery, type Subscription } from 'dexie';
import { getCurrentScope, onScopeDispose, shallowRef, watch, type Ref, type WatchSource } from 'vue';

/**
 * A Dexie live query as a Vue ref: re-runs when the tables it read change (in this tab or another) and when
 * `deps` change, and unsubscribes when the calling component or scope goes away.
 * The ref holds `undefined` until the first result, so views can tell "loading" from "empty".
 */
export function useLiveQuery<T>(
  query: () => T | Promise<T>,
  deps: WatchSource<unknown>[] = [],
  onError?: (error: unknown) => void,
): Readonly<Ref<T | undefined>> {
  const result = shallowRef<T | undefined>(undefined);
  let subscription: Subscription | null = null;

  const subscribe = (): void => {
    subscription?.unsubscribe();
    subscription = liveQuery(query).subscribe({
      next: (value) => {
        result.value = value;
      },
      error: (error: unknown) => {
        if (onError) onError(error);
        else console.error('Truy vấn dữ liệu trên máy thất bại (local query failed)', error);
      },
    });
  };

  const stopWatch = deps.length > 0 ? watch(deps, subscribe) : null;
  subscribe();

  if (getCurrentScope()) {
    onScopeDispose(() => {
      stopWatch?.();
      subscription?.unsubscribe();
      subscription = null;
    });
  }
  return result;
}
