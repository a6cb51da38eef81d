import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ChunkTooLargeError, type ByteRange, type FileStore, type WriteTarget } from './file-store';

const SHA256 = /^[0-9a-f]{64}$/;
const UPLOAD_ID = /^[0-9a-f-]{36}$/;

/**
 * Files on disk: `<root>/<aa>/<sha256>` for stored files, `<root>/tmp/<uploadId>` while uploading. A stored file
 * appears only by a rename of its complete, verified temporary file (atomic on one file system), so a crash
 * mid-upload can leave a temporary file behind but never a half file under its hash. Directories are made on
 * first write: a server that never receives a file leaves no trace.
 */
export class DiskFileStore implements FileStore {
  private readonly tmpDir: string;

  constructor(readonly root: string) {
    this.tmpDir = path.join(root, 'tmp');
  }

  pathOf(sha256: string): string {
    if (!SHA256.test(sha256)) throw new Error('not a sha256');
    return path.join(this.root, sha256.slice(0, 2), sha256);
  }

  tempPathOf(uploadId: string): string {
    if (!UPLOAD_ID.test(uploadId)) throw new Error('not an upload id');
    return path.join(this.tmpDir, uploadId);
  }

  async has(sha256: string): Promise<boolean> {
    return (await this.stat(sha256)) !== null;
  }

  async stat(sha256: string): Promise<{ size: number } | null> {
    try {
      const s = await fsp.stat(this.pathOf(sha256));
      return s.isFile() ? { size: s.size } : null;
    } catch {
      return null;
    }
  }

  async openRead(sha256: string, range?: ByteRange): Promise<Readable> {
    const file = this.pathOf(sha256);
    // Opened before returning, so that a missing file is an error here and not in the middle of a response.
    const handle = await fsp.open(file, 'r');
    return handle.createReadStream(range ? { start: range.start, end: range.end } : {});
  }

  async remove(sha256: string): Promise<void> {
    await fsp.rm(this.pathOf(sha256), { force: true });
  }

  createWriteTarget(uploadId: string): WriteTarget {
    const temp = this.tempPathOf(uploadId);
    const size = async (): Promise<number> => {
      try {
        return (await fsp.stat(temp)).size;
      } catch {
        return 0;
      }
    };
    return {
      size,
      append: async (chunk: Readable, maxSize: number): Promise<number> => {
        await fsp.mkdir(this.tmpDir, { recursive: true });
        const before = await size();
        let written = before;
        const guard = new Transform({
          transform(data: Buffer, _enc, done) {
            written += data.length;
            if (written > maxSize) done(new ChunkTooLargeError(maxSize));
            else done(null, data);
          },
        });
        try {
          // Appended as it arrives: a chunk is never held whole in memory.
          await pipeline(chunk, guard, fs.createWriteStream(temp, { flags: 'a' }));
        } catch (error) {
          if (error instanceof ChunkTooLargeError) {
            await fsp.truncate(temp, before).catch(() => undefined);
          }
          throw error;
        }
        return size();
      },
      read: () => fs.createReadStream(temp),
      commit: async (sha256: string): Promise<void> => {
        const target = this.pathOf(sha256);
        await fsp.mkdir(path.dirname(target), { recursive: true });
        // The bytes reach the disk before the name does, so a power cut cannot leave a named but empty file.
        const handle = await fsp.open(temp, 'r+');
        try {
          await handle.sync();
        } finally {
          await handle.close();
        }
        await fsp.rename(temp, target);
      },
      discard: async (): Promise<void> => {
        await fsp.rm(temp, { force: true });
      },
    };
  }

  async removeTargetsExcept(uploadIds: ReadonlySet<string>): Promise<number> {
    let names: string[];
    try {
      names = await fsp.readdir(this.tmpDir);
    } catch {
      return 0;
    }
    let removed = 0;
    for (const name of names) {
      if (uploadIds.has(name)) continue;
      await fsp.rm(path.join(this.tmpDir, name), { force: true });
      removed += 1;
    }
    return removed;
  }
}
