import type { TruongAnDb } from '../../db/database';
import { localFileUrl, queueFile } from '../../files/file-queue';
import { compressPhoto } from './photo';

/**
 * A camera photo as drill evidence: compressed here, put in the file queue (content-addressed, kept offline and
 * uploaded by the sync engine after its push), and its hash returned for `drill.observe` to reference.
 */
export async function queueEvidencePhoto(db: TruongAnDb, file: Blob, userId: string): Promise<string> {
  const bytes = await compressPhoto(file);
  return queueFile(db, { bytes, mime: 'image/jpeg', purpose: 'evidence', userId, name: 'dien-tap.jpg' });
}

/** Object URLs of the photos this device holds, by hash; photos taken on other tablets are not here. */
export async function localPhotoUrls(db: TruongAnDb, hashes: readonly string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const hash of hashes) {
    const url = await localFileUrl(db, hash);
    if (url) out.set(hash, url);
  }
  return out;
}
