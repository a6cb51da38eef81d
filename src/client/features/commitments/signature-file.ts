import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import type { TruongAnDb } from '../../db/database';
import type { SignatureImage } from './signature-strokes';

/** The file queue's entry point as agreed with the files feature (src/client/files/file-queue.ts). */
type QueueFile = (
  db: TruongAnDb,
  input: { bytes: ArrayBuffer; mime: string; purpose: 'evidence' | 'signature' | 'material'; userId: string; name?: string },
) => Promise<string>;

// Eager: every page's code is precached for offline use, so nothing here may load lazily. The glob is empty while
// the file queue is not in the build, and the fallback below keeps signatures on the device in the same shape.
const queueModules = import.meta.glob<{ queueFile?: QueueFile }>('../../files/file-queue.ts', { eager: true });

/**
 * Keeps a signature image on the device for upload (the file queue) and answers its sha256, which the
 * `commitment.sign` mutation then references. The image is queued before the mutation so that the row never names
 * bytes the device does not hold.
 */
export async function storeSignature(db: TruongAnDb, image: SignatureImage, userId: string): Promise<string> {
  const queueFile = Object.values(queueModules)[0]?.queueFile;
  if (queueFile) return queueFile(db, { bytes: image.bytes, mime: image.mime, purpose: 'signature', userId, name: 'chu-ky.png' });
  const hash = bytesToHex(sha256(new Uint8Array(image.bytes)));
  // The `files` store row as the file queue writes it (agreed shape), so that its uploader picks it up later.
  await db.table('files').put({
    sha256: hash,
    userId,
    purpose: 'signature',
    mime: image.mime,
    size: image.bytes.byteLength,
    name: 'chu-ky.png',
    bytes: image.bytes,
    state: 'pending',
    createdAt: new Date().toISOString(),
  });
  return hash;
}
