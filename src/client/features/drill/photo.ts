/** The long side of an evidence photo after compression: plenty to see an exit or a crowd, ~200–400 KB as JPEG. */
export const PHOTO_MAX_SIDE = 1600;
export const PHOTO_QUALITY = 0.7;

/** The size a photo is drawn at: scaled down so its long side is at most `maxSide`, never scaled up. */
export function fitWithin(width: number, height: number, maxSide = PHOTO_MAX_SIDE): { width: number; height: number } {
  const long = Math.max(width, height);
  if (long <= maxSide || long === 0) return { width, height };
  const scale = maxSide / long;
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

/**
 * A camera photo compressed on the device (JPEG, long side ≤ 1600 px) before it is queued: a 12-megapixel
 * original is 3–6 MB, too much to keep offline on a shared tablet or to upload on a school's connection.
 * The bytes are returned as an ArrayBuffer: the file queue keeps ArrayBuffers, not Blobs (Safari).
 */
export async function compressPhoto(file: Blob, maxSide = PHOTO_MAX_SIDE, quality = PHOTO_QUALITY): Promise<ArrayBuffer> {
  // createImageBitmap applies the EXIF orientation, so a portrait photo stays upright.
  const bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
  try {
    const size = fitWithin(bitmap.width, bitmap.height, maxSide);
    const canvas = document.createElement('canvas');
    canvas.width = size.width;
    canvas.height = size.height;
    const context = canvas.getContext('2d');
    if (!context) throw new Error('canvas 2d context unavailable');
    context.drawImage(bitmap, 0, 0, size.width, size.height);
    const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/jpeg', quality));
    if (!blob) throw new Error('JPEG encoding failed');
    return await blob.arrayBuffer();
  } finally {
    bitmap.close();
  }
}
