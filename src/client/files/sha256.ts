import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';

/**
 * SHA-256 in the browser without `crypto.subtle`: the app is also served over plain http inside school networks,
 * where `crypto.subtle` does not exist, and subtle cannot hash a 500 MB file piece by piece anyway.
 */

const SLICE_BYTES = 4 * 1024 * 1024;

export function sha256OfBytes(bytes: ArrayBuffer | Uint8Array): string {
  return bytesToHex(sha256(bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes)));
}

/**
 * Hashes a Blob (a picked File) slice by slice, so only one slice is in memory at a time; reports progress and yields
 * to the page between slices so that the progress bar moves and a cancel is heard.
 */
export async function sha256OfBlob(
  blob: Blob,
  options: { onProgress?: (done: number, total: number) => void; signal?: AbortSignal } = {},
): Promise<string> {
  const hash = sha256.create();
  for (let offset = 0; offset < blob.size; offset += SLICE_BYTES) {
    options.signal?.throwIfAborted();
    const slice = await blob.slice(offset, Math.min(blob.size, offset + SLICE_BYTES)).arrayBuffer();
    hash.update(new Uint8Array(slice));
    options.onProgress?.(Math.min(blob.size, offset + SLICE_BYTES), blob.size);
  }
  if (blob.size === 0) options.onProgress?.(0, 0);
  return bytesToHex(hash.digest());
}
