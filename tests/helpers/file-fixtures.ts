import { createHash, randomBytes } from 'node:crypto';
import { strToU8, zipSync } from 'fflate';

/**
 * Tiny files whose types `file-type` recognises from their bytes, for the upload tests and the bench. `padding`
 * makes a file of a given size with the same signature (random bytes, so two files never share a hash).
 */

export const sha256Hex = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

function padded(head: Uint8Array, size: number): Uint8Array {
  if (size <= head.length) return head;
  const out = new Uint8Array(size);
  out.set(head);
  out.set(randomBytes(size - head.length), head.length);
  return out;
}

/** A PDF header followed by `size` bytes in all (type detection reads only the start). */
export function pdfBytes(size = 1024): Uint8Array {
  return padded(strToU8('%PDF-1.4\n%\u00e2\u00e3\u00cf\u00d3\n1 0 obj\n<<>>\nendobj\n'), size);
}

/** A valid 1×1 PNG, with random bytes after IEND when `size` asks for more. */
export function pngBytes(size = 0): Uint8Array {
  const png = Buffer.from(
    '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082',
    'hex',
  );
  return padded(new Uint8Array(png), size);
}

/** A JPEG start (SOI + JFIF APP0). */
export function jpegBytes(size = 512): Uint8Array {
  return padded(new Uint8Array(Buffer.from('ffd8ffe000104a46494600010100000100010000', 'hex')), size);
}

/** A minimal Word document: a zip with [Content_Types].xml and word/document.xml. */
export function docxBytes(): Uint8Array {
  return zipSync({
    '[Content_Types].xml': strToU8(
      '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
        '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
    ),
    'word/document.xml': strToU8(`<w:document>${randomBytes(8).toString('hex')}</w:document>`),
  });
}

/** A Linux executable (ELF header), to be renamed .pdf by the tests. */
export function elfBytes(size = 4096): Uint8Array {
  return padded(new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0x3e, 0]), size);
}

/** A Windows executable (MZ header). */
export function exeBytes(size = 4096): Uint8Array {
  const head = new Uint8Array(128);
  head.set([0x4d, 0x5a]);
  return padded(head, size);
}
