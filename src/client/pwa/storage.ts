/**
 * Asks the browser to keep this origin's storage under pressure: without it, Chromium and Safari may evict
 * IndexedDB — and with it the outbox of unsynced attendance — when the disk fills up. Browsers decide silently
 * (Chromium by engagement), so the answer is only reported, never awaited by the interface.
 */
export async function requestPersistentStorage(): Promise<boolean> {
  const storage = globalThis.navigator?.storage;
  if (!storage?.persist || !storage.persisted) return false;
  if (await storage.persisted()) return true;
  return storage.persist();
}
