import type { Readable } from 'node:stream';

/** A byte range, both ends inclusive (as in an HTTP Range header). */
export interface ByteRange {
  start: number;
  end: number;
}

/**
 * Where an upload's bytes collect until they are verified. Each upload has its own target, found again by the
 * upload's id in a later request (or after a restart): its size is how far the upload got.
 */
export interface WriteTarget {
  /** Bytes received so far (0 when nothing was written yet). */
  size(): Promise<number>;
  /**
   * Appends a chunk. Refuses (throws `ChunkTooLargeError`) and leaves the target at its old size when the chunk
   * would carry it past `maxSize`. A chunk cut short by a dropped connection leaves what arrived: the client
   * resumes from the size.
   */
  append(chunk: Readable, maxSize: number): Promise<number>;
  /** The whole content so far, for hashing and type sniffing before the commit. */
  read(): Readable;
  /** Makes the content the stored file `sha256`, atomically: readers see all of it or nothing. */
  commit(sha256: string): Promise<void>;
  /** Forgets the bytes received (cancelled, refused or expired upload). */
  discard(): Promise<void>;
}

/**
 * The file store behind the routes: content-addressed, so a file is stored once however often it is uploaded.
 * `DiskFileStore` keeps files under DATA_DIR/files; an S3-compatible store implements the same interface
 * (multipart upload as the write target) without touching the routes.
 */
export interface FileStore {
  has(sha256: string): Promise<boolean>;
  createWriteTarget(uploadId: string): WriteTarget;
  /** The stored file's bytes, or a range of them; throws when the file is missing. */
  openRead(sha256: string, range?: ByteRange): Promise<Readable>;
  stat(sha256: string): Promise<{ size: number } | null>;
  remove(sha256: string): Promise<void>;
  /** Write targets whose upload is no longer known (crashed or expired uploads): removed at start. */
  removeTargetsExcept(uploadIds: ReadonlySet<string>): Promise<number>;
}

export class ChunkTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`chunk goes past ${limit} bytes`);
    this.name = 'ChunkTooLargeError';
  }
}
