import fs from 'node:fs/promises';
import path from 'node:path';
import { fileTypeFromFile } from 'file-type';
import { MATERIAL_MIME_TYPES } from '../../shared/materials/library';

/** The largest material file the store accepts (the agreed upload limit for purpose "material"). */
export const MAX_MATERIAL_BYTES = 500 * 1024 * 1024;

export interface StoredMaterialFile {
  mime: string;
  size: number;
}

/** Finds a stored file's type and size, or null when there is no such complete file. */
export type MaterialFileLookup = (sha256: string) => Promise<StoredMaterialFile | null>;

/**
 * The default lookup reads the file store's agreed layout (`DATA_DIR/files/<aa>/<sha256>`, written only by the
 * upload protocol's commit after the hash was verified) and sniffs the bytes itself, so a material can only name a
 * complete file of a type the library shows, whatever the uploader declared. Content-addressed bytes are the same
 * file whichever upload produced them, so a file uploaded for another purpose but of a material type is accepted.
 */
export function diskMaterialFiles(dataDir: string): MaterialFileLookup {
  return async (sha256) => {
    if (!/^[0-9a-f]{64}$/.test(sha256)) return null;
    const file = path.join(dataDir, 'files', sha256.slice(0, 2), sha256);
    let size: number;
    try {
      const st = await fs.stat(file);
      if (!st.isFile()) return null;
      size = st.size;
    } catch {
      return null;
    }
    if (size === 0 || size > MAX_MATERIAL_BYTES) return null;
    const sniffed = await fileTypeFromFile(file);
    const mime = sniffed?.mime;
    if (!mime || !(MATERIAL_MIME_TYPES as readonly string[]).includes(mime)) return null;
    return { mime, size };
  };
}
