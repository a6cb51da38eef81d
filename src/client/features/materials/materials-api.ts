import { MaterialSchema, type Material } from '../../../shared/domain/records';
import type { MaterialCreateInput, MaterialPage, MaterialQuery, MaterialUpdateInput } from '../../../shared/materials/library';
import { ApiError, NetworkError } from '../../api';
import { getAccount } from '../../db/repositories/accounts';
import { getRuntime } from '../../sync/runtime';

/**
 * The library's online calls, for the upload form (files feature) and the library's own actions. Writes need the
 * network (publishing is an officer's or principal's desk task, not offline work); after each, a sync brings the
 * row to this device like any other change.
 */
async function call(method: string, path: string, body?: unknown): Promise<unknown> {
  const runtime = getRuntime();
  const token = runtime.currentUserId ? (await getAccount(runtime.currentUserId, runtime.db))?.token : null;
  let res: Response;
  try {
    res = await globalThis.fetch(path, {
      method,
      headers: {
        accept: 'application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? null : JSON.stringify(body),
      credentials: 'omit',
      cache: 'no-store',
    });
  } catch (error) {
    throw new NetworkError(error);
  }
  const json = (await res.json().catch(() => null)) as { error?: string; message?: string; fields?: [] } | null;
  if (!res.ok) throw new ApiError(res.status, json?.error ?? 'http_error', json?.message ?? `HTTP ${res.status}`, json?.fields);
  return json;
}

async function written(promise: Promise<unknown>): Promise<Material> {
  const material = MaterialSchema.parse(await promise);
  void getRuntime().engine.syncNow().catch(() => undefined);
  return material;
}

/** POST /api/materials, after the file's upload completed (purpose "material"). */
export function publishMaterial(input: Partial<MaterialCreateInput> & Pick<MaterialCreateInput, 'sha256' | 'title' | 'ownerUnitId'>): Promise<Material> {
  return written(call('POST', '/api/materials', input));
}

/** POST /api/materials/:id/versions: a new file replaces the old one for new downloads; devices refresh their copies. */
export function addMaterialVersion(id: string, sha256: string): Promise<Material> {
  return written(call('POST', `/api/materials/${id}/versions`, { sha256 }));
}

export function updateMaterial(id: string, input: MaterialUpdateInput): Promise<Material> {
  return written(call('PATCH', `/api/materials/${id}`, input));
}

export function archiveMaterial(id: string): Promise<Material> {
  return written(call('DELETE', `/api/materials/${id}`));
}

/** GET /api/materials: the server's search over every library the user sees (the device holds only what it pulls). */
export async function searchLibraryOnline(query: Partial<MaterialQuery>): Promise<MaterialPage> {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  const page = (await call('GET', `/api/materials?${params.toString()}`)) as { items: unknown[]; total: number };
  return { items: page.items.map((m) => MaterialSchema.parse(m)), total: page.total };
}
