import type { Material } from '../../../shared/domain/records';
import { viewKindOf } from '../../../shared/materials/library';
import { getOfflineMaterial, touchOfflineMaterial } from '../../db/repositories/offline-materials';
import { cachedFile, fileKey, type OfflineDeps } from './offline-cache';

export type MaterialSource =
  | { kind: 'pdf'; bytes: ArrayBuffer }
  | { kind: 'image'; url: string }
  | { kind: 'video'; url: string }
  | { kind: 'download'; url: string };

export interface OpenedMaterial {
  source: MaterialSource;
  /** Object URLs to revoke when the viewer closes. */
  objectUrls: string[];
  /** Shown from the device's copy of an older version (offline; the new one comes with the network). */
  outdated: boolean;
}

/** Neither on the device nor reachable: the viewer says to connect. */
export class NotAvailableOfflineError extends Error {
  constructor() {
    super('Tài liệu chưa được lưu trên thiết bị (material not saved on this device)');
    this.name = 'NotAvailableOfflineError';
  }
}

/**
 * Where the viewer gets a material's bytes: the device's copy (current version, else an older one while offline),
 * otherwise the network with the user's token. A cached video is played from its URL when a service worker controls
 * the page (the worker answers range requests from the cache, so seeking works offline and nothing is loaded twice);
 * without one, from a Blob of the cached bytes.
 */
export async function openMaterial(deps: OfflineDeps, material: Material, workerControls: boolean): Promise<OpenedMaterial> {
  const kind = viewKindOf(material.mime);
  const held = await getOfflineMaterial(material.id, deps.db);
  let sha = material.sha256;
  let response = await cachedFile(deps, sha);
  let outdated = false;
  const token = await deps.token();
  if (!response && held && held.sha256 !== sha && !token) {
    response = await cachedFile(deps, held.sha256);
    if (response) {
      sha = held.sha256;
      outdated = true;
    }
  }
  if (response && held) await touchOfflineMaterial(material.id, new Date(deps.now()).toISOString(), deps.db);
  if (response && kind === 'video' && workerControls) return { source: { kind, url: fileKey(sha) }, objectUrls: [], outdated };

  if (!response) {
    if (!token) throw new NotAvailableOfflineError();
    const fetched = await deps.fetch(fileKey(sha), { headers: { authorization: `Bearer ${token}` }, credentials: 'omit', cache: 'no-store' });
    if (!fetched.ok) throw new Error(`HTTP ${fetched.status}`);
    response = fetched;
  }
  if (kind === 'pdf') return { source: { kind, bytes: await response.arrayBuffer() }, objectUrls: [], outdated };
  const blob = new Blob([await response.arrayBuffer()], { type: material.mime });
  const url = URL.createObjectURL(blob);
  return { source: { kind, url }, objectUrls: [url], outdated };
}
