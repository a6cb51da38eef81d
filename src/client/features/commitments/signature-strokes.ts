/**
 * A signature as the pad records it: strokes of points in the pad's own coordinates (CSS pixels of the drawing area),
 * with the pressure a stylus reports. Kept as data so that the pad can redraw it at any size and a test can check it
 * without a canvas.
 */
export interface SignaturePoint {
  x: number;
  y: number;
  /** 0–1; a finger or mouse reports 0.5. */
  pressure: number;
}
export type SignatureStroke = SignaturePoint[];

/** The stored image is at most this wide and tall: enough to recognise a hand, small enough to stay under 30 KB. */
export const SIGNATURE_MAX_WIDTH = 600;
export const SIGNATURE_MAX_HEIGHT = 220;

/** A signature needs some ink: a tap or a stray dot is not one. */
export const MIN_INK_LENGTH = 40;

/** Total length of the strokes in pad pixels. */
export function inkLength(strokes: readonly SignatureStroke[]): number {
  let total = 0;
  for (const stroke of strokes) {
    for (let i = 1; i < stroke.length; i++) {
      const a = stroke[i - 1]!;
      const b = stroke[i]!;
      total += Math.hypot(b.x - a.x, b.y - a.y);
    }
  }
  return total;
}

export function isSignatureEmpty(strokes: readonly SignatureStroke[]): boolean {
  return inkLength(strokes) < MIN_INK_LENGTH;
}

/** The output size for a pad of the given size: the same aspect, scaled down to fit the stored maximum. */
export function outputSize(width: number, height: number): { width: number; height: number; scale: number } {
  const scale = Math.min(1, SIGNATURE_MAX_WIDTH / Math.max(1, width), SIGNATURE_MAX_HEIGHT / Math.max(1, height));
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)), scale };
}

/** Minimal 2D context the drawing needs (a canvas's, or a test double). */
export interface InkContext {
  lineCap: CanvasLineCap;
  lineJoin: CanvasLineJoin;
  lineWidth: number;
  strokeStyle: string | CanvasGradient | CanvasPattern;
  beginPath(): void;
  moveTo(x: number, y: number): void;
  lineTo(x: number, y: number): void;
  quadraticCurveTo(cpx: number, cpy: number, x: number, y: number): void;
  stroke(): void;
}

/**
 * Draws strokes smoothed through the midpoints of their segments (quadratic curves), line width following the
 * pressure, in dark grey: one colour keeps the PNG palette tiny.
 */
export function drawStrokes(ctx: InkContext, strokes: readonly SignatureStroke[], scale: number): void {
  ctx.lineCap = 'round';
  ctx.lineJoin = 'round';
  ctx.strokeStyle = '#1f2937';
  for (const stroke of strokes) {
    const first = stroke[0];
    if (!first) continue;
    ctx.lineWidth = Math.max(1.5, (1.5 + 2.5 * first.pressure) * scale * 1.2);
    ctx.beginPath();
    ctx.moveTo(first.x * scale, first.y * scale);
    if (stroke.length === 1) {
      ctx.lineTo(first.x * scale + 0.1, first.y * scale + 0.1);
    }
    for (let i = 1; i < stroke.length; i++) {
      const p = stroke[i - 1]!;
      const q = stroke[i]!;
      const mx = ((p.x + q.x) / 2) * scale;
      const my = ((p.y + q.y) / 2) * scale;
      ctx.quadraticCurveTo(p.x * scale, p.y * scale, mx, my);
    }
    const last = stroke[stroke.length - 1]!;
    ctx.lineTo(last.x * scale, last.y * scale);
    ctx.stroke();
  }
}

export interface SignatureImage {
  bytes: ArrayBuffer;
  mime: 'image/png';
  width: number;
  height: number;
}

/**
 * Renders the strokes into a PNG at the stored size, transparent background. PNG, not WebP: every browser encodes it
 * (Safari's canvas does not write WebP) and two-tone line art compresses to a few KB anyway.
 */
export async function encodeSignature(
  strokes: readonly SignatureStroke[],
  padWidth: number,
  padHeight: number,
): Promise<SignatureImage> {
  const size = outputSize(padWidth, padHeight);
  const canvas = document.createElement('canvas');
  canvas.width = size.width;
  canvas.height = size.height;
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('canvas 2d unavailable');
  drawStrokes(ctx, strokes, size.scale);
  const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/png'));
  if (!blob) throw new Error('canvas encoding failed');
  return { bytes: await blob.arrayBuffer(), mime: 'image/png', width: size.width, height: size.height };
}
