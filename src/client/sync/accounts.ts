import { toRaw } from 'vue';
import type { LoginResponse } from '../../shared/auth';
import { ApiError, NetworkError, type ApiClient } from '../api';
import type { TruongAnDb } from '../db/database';
import { findAccountByUsername, getAccount, putAccount, updateAccount } from '../db/repositories/accounts';
import type { DeviceAccount, PasswordVerifier } from '../db/schema';
import { SyncMessageError } from './messages';

/**
 * Iterations of PBKDF2-SHA256 for the offline verifier: enough to make guessing from a stolen tablet's profile
 * slow, few enough that a school's cheap tablet signs in within about a second.
 */
export const VERIFIER_ITERATIONS = 210_000;
/** A token is renewed when it expires within this window, so a user who opens the app weekly is never cut off. */
export const REFRESH_WITHIN_MS = 24 * 60 * 60 * 1000;

export interface CryptoDeps {
  subtle?: SubtleCrypto;
  randomBytes?: (length: number) => Uint8Array;
  iterations?: number;
}

export async function createVerifier(password: string, deps: CryptoDeps = {}): Promise<PasswordVerifier> {
  const iterations = deps.iterations ?? VERIFIER_ITERATIONS;
  const salt = (deps.randomBytes ?? defaultRandomBytes)(16);
  const hash = await derive(password, salt, iterations, deps.subtle);
  return { algorithm: 'PBKDF2-SHA256', iterations, salt: toBase64(salt), hash: toBase64(hash) };
}

export async function checkVerifier(password: string, verifier: PasswordVerifier, deps: CryptoDeps = {}): Promise<boolean> {
  const expected = fromBase64(verifier.hash);
  const actual = await derive(password, fromBase64(verifier.salt), verifier.iterations, deps.subtle);
  if (actual.length !== expected.length) return false;
  // Compare every byte whatever the first difference: the time taken must not tell how close a guess was.
  let difference = 0;
  for (let i = 0; i < actual.length; i += 1) difference |= actual[i]! ^ expected[i]!;
  return difference === 0;
}

async function derive(password: string, salt: Uint8Array, iterations: number, subtle?: SubtleCrypto): Promise<Uint8Array> {
  const api = subtle ?? globalThis.crypto.subtle;
  const key = await api.importKey('raw', new TextEncoder().encode(password), 'PBKDF2', false, ['deriveBits']);
  const bits = await api.deriveBits(
    { name: 'PBKDF2', hash: 'SHA-256', salt: salt as BufferSource, iterations },
    key,
    256,
  );
  return new Uint8Array(bits);
}

function defaultRandomBytes(length: number): Uint8Array {
  return globalThis.crypto.getRandomValues(new Uint8Array(length));
}

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

function fromBase64(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

export interface SignInDeps extends CryptoDeps {
  db: TruongAnDb;
  api: ApiClient;
  isOnline: () => boolean;
  now: () => number;
}

export interface SignInResult {
  account: DeviceAccount;
  mode: 'online' | 'offline';
}

/**
 * Signs in online when the network answers, else on this device with the verifier kept from an earlier online
 * sign-in. A token that expired offline does not block anything: the account is flagged `needsReauth` and the
 * user keeps working until the next online sign-in.
 */
export async function signIn(deps: SignInDeps, username: string, password: string): Promise<SignInResult> {
  if (deps.isOnline()) {
    try {
      const response = await deps.api.login(username.trim(), password);
      return { account: await storeOnlineSignIn(deps, response, password), mode: 'online' };
    } catch (error) {
      if (error instanceof ApiError) {
        if (error.status === 401) throw new SyncMessageError('wrongCredentials');
        if (error.status < 500) throw new Error(error.message, { cause: error });
        // A server in trouble is treated like no network: the device can still let a known user in.
      } else if (!(error instanceof NetworkError)) {
        throw error;
      }
    }
  }
  return { account: await signInOffline(deps, username, password), mode: 'offline' };
}

async function storeOnlineSignIn(deps: SignInDeps, response: LoginResponse, password: string): Promise<DeviceAccount> {
  const account: DeviceAccount = {
    userId: response.user.id,
    username: response.user.username.toLowerCase(),
    user: structuredClone(toRaw(response.user)),
    token: response.token,
    expiresAt: response.expiresAt,
    verifier: await createVerifier(password, deps),
    needsReauth: false,
    lastSignInAt: new Date(deps.now()).toISOString(),
  };
  await deps.db.transaction('rw', deps.db.accounts, async () => {
    // A username may have moved to another user on the server; the device keeps one account per username.
    const previous = await findAccountByUsername(account.username, deps.db);
    if (previous && previous.userId !== account.userId) await deps.db.accounts.delete(previous.userId);
    await putAccount(account, deps.db);
  });
  return account;
}

async function signInOffline(deps: SignInDeps, username: string, password: string): Promise<DeviceAccount> {
  const account = await findAccountByUsername(username, deps.db);
  if (!account?.verifier) throw new SyncMessageError('firstSignInNeedsNetwork');
  if (!(await checkVerifier(password, account.verifier, deps))) throw new SyncMessageError('wrongCredentials');
  const needsReauth = account.needsReauth || !tokenUsable(account, deps.now());
  const lastSignInAt = new Date(deps.now()).toISOString();
  await updateAccount(account.userId, { needsReauth, lastSignInAt }, deps.db);
  return { ...account, needsReauth, lastSignInAt };
}

/** A token the server should still accept, as far as this device can tell. */
export function tokenUsable(account: DeviceAccount | undefined, now: number): account is DeviceAccount & { token: string } {
  if (!account?.token || account.needsReauth) return false;
  return account.expiresAt === null || Date.parse(account.expiresAt) > now;
}

/**
 * Renews a token that expires within a day. 401 flags the account for a new sign-in; a network failure leaves
 * it as it is (the old token still works until it expires).
 */
export async function refreshIfDue(
  deps: { db: TruongAnDb; api: ApiClient; now: () => number },
  userId: string,
): Promise<DeviceAccount | undefined> {
  const account = await getAccount(userId, deps.db);
  if (!tokenUsable(account, deps.now())) return account;
  if (account.expiresAt !== null && Date.parse(account.expiresAt) - deps.now() > REFRESH_WITHIN_MS) return account;
  try {
    const response = await deps.api.refresh(account.token);
    const changes = {
      token: response.token,
      expiresAt: response.expiresAt,
      user: structuredClone(toRaw(response.user)),
      needsReauth: false,
    };
    await updateAccount(userId, changes, deps.db);
    return { ...account, ...changes };
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      await updateAccount(userId, { needsReauth: true }, deps.db);
      return { ...account, needsReauth: true };
    }
    if (error instanceof NetworkError || (error instanceof ApiError && error.status >= 500)) return account;
    throw error;
  }
}

/** The code of the ApiError `fetchAsAccount` throws when the account has no usable token (the server was not asked). */
export const SIGN_IN_NEEDED = 'sign_in_needed';

/** What an online call made as one of the device's accounts needs. */
export interface AccountCallDeps {
  db: TruongAnDb;
  userId: string;
  now: () => number;
  isOnline: () => boolean;
  fetch?: (input: string, init?: RequestInit) => Promise<Response>;
}

export interface AccountCall {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** A JSON body, or raw bytes with their content type (a roster file). */
  json?: unknown;
  bytes?: { data: ArrayBuffer; type: string };
  timeoutMs?: number;
}

/**
 * A request to the server as the device account `deps.userId`, for the features that act online (organisation,
 * reports, imports, dashboards). Throws `NetworkError` when the device is offline or the server cannot be reached,
 * `ApiError` 401 when the account has no usable token (without asking the server), and `ApiError` with the server's
 * status and message for any other refusal; each feature turns those into the problems its page explains.
 */
export async function fetchAsAccount(deps: AccountCallDeps, path: string, call: AccountCall = {}): Promise<Response> {
  if (!deps.isOnline()) throw new NetworkError();
  const account = await getAccount(deps.userId, deps.db);
  if (!tokenUsable(account, deps.now())) throw new ApiError(401, SIGN_IN_NEEDED, 'Cần đăng nhập lại (sign in again)');
  const headers: Record<string, string> = { authorization: `Bearer ${account.token}`, accept: 'application/json' };
  let body: BodyInit | undefined;
  if (call.bytes) {
    headers['content-type'] = call.bytes.type;
    body = call.bytes.data;
  } else if (call.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(call.json);
  }
  const doFetch = deps.fetch ?? ((input: string, init?: RequestInit) => globalThis.fetch(input, init));
  let response: Response;
  try {
    response = await doFetch(path, {
      method: call.method ?? 'GET',
      headers,
      body,
      credentials: 'omit',
      cache: 'no-store',
      signal: AbortSignal.timeout(call.timeoutMs ?? 60_000),
    });
  } catch (error) {
    throw new NetworkError(error);
  }
  if (!response.ok) {
    let message = `HTTP ${response.status}`;
    let code = 'http_error';
    try {
      const json = (await response.json()) as { message?: unknown; error?: unknown };
      if (typeof json.message === 'string') message = json.message;
      if (typeof json.error === 'string') code = json.error;
    } catch {
      // Not JSON: the status says enough.
    }
    throw new ApiError(response.status, code, message);
  }
  return response;
}
