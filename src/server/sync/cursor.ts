/**
 * The pull cursor: for each version stream, the last version the device has applied. Opaque to the client.
 *
 * Binary, then base64url, because an officer pulls about 150 streams and the cursor rides in a query string:
 *   byte 0        format (1)
 *   per stream    a varint header: 0 = the stream id is a UUID, 16 bytes follow;
 *                                  n > 0 = the id is n bytes of UTF-8 that follow (ids that are not UUIDs)
 *                 then the version as an unsigned LEB128 varint.
 * Streams at version 0 are left out: an absent stream starts from the beginning. About 18 bytes a stream.
 */
export type StreamCursor = Map<string, number>;

const FORMAT = 1;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const MAX_VERSION = Number.MAX_SAFE_INTEGER;

export class CursorError extends Error {}

export function encodeCursor(cursor: StreamCursor): string {
  const bytes: number[] = [FORMAT];
  for (const [stream, version] of [...cursor].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (version <= 0) continue;
    const lower = stream.toLowerCase();
    if (UUID.test(lower) && lower === stream) {
      bytes.push(0);
      const hex = stream.replaceAll('-', '');
      for (let i = 0; i < 32; i += 2) bytes.push(parseInt(hex.slice(i, i + 2), 16));
    } else {
      const utf8 = new TextEncoder().encode(stream);
      writeVarint(bytes, utf8.length);
      for (const b of utf8) bytes.push(b);
    }
    writeVarint(bytes, version);
  }
  return Buffer.from(bytes).toString('base64url');
}

/** Reads a cursor; an absent or empty one is the start of every stream. Anything unreadable is a CursorError. */
export function decodeCursor(text: string | undefined): StreamCursor {
  const cursor: StreamCursor = new Map();
  if (text === undefined || text === '') return cursor;
  if (!/^[A-Za-z0-9_-]+$/.test(text)) throw new CursorError('not base64url');
  const bytes = Buffer.from(text, 'base64url');
  if (bytes[0] !== FORMAT) throw new CursorError('unknown cursor format');
  const reader = { bytes, at: 1 };
  while (reader.at < bytes.length) {
    const header = readVarint(reader);
    let stream: string;
    if (header === 0) {
      if (reader.at + 16 > bytes.length) throw new CursorError('truncated stream id');
      const hex = bytes.subarray(reader.at, reader.at + 16).toString('hex');
      reader.at += 16;
      stream = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
    } else {
      if (header > 200 || reader.at + header > bytes.length) throw new CursorError('bad stream id length');
      stream = bytes.subarray(reader.at, reader.at + header).toString('utf8');
      reader.at += header;
    }
    const version = readVarint(reader);
    if (version === 0 || cursor.has(stream)) throw new CursorError('bad cursor entry');
    cursor.set(stream, version);
  }
  return cursor;
}

function writeVarint(out: number[], value: number): void {
  let v = value;
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
}

function readVarint(reader: { bytes: Buffer; at: number }): number {
  let value = 0;
  let scale = 1;
  for (;;) {
    const b = reader.bytes[reader.at];
    if (b === undefined) throw new CursorError('truncated varint');
    reader.at += 1;
    value += (b & 0x7f) * scale;
    if (value > MAX_VERSION) throw new CursorError('version out of range');
    if ((b & 0x80) === 0) return value;
    scale *= 0x80;
  }
}
