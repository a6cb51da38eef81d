import { afterEach, describe, expect, it, vi } from 'vitest';
import { mount, type VueWrapper } from '@vue/test-utils';
import PrimeVue from 'primevue/config';
import { i18n } from '../../../../src/client/i18n';
import SignaturePad from '../../../../src/client/features/commitments/SignaturePad.vue';
import {
  drawStrokes,
  inkLength,
  isSignatureEmpty,
  outputSize,
  type InkContext,
  type SignatureImage,
  type SignatureStroke,
} from '../../../../src/client/features/commitments/signature-strokes';

let wrapper: VueWrapper | null = null;
afterEach(() => {
  wrapper?.unmount();
  wrapper = null;
  document.body.innerHTML = '';
});

type Encode = (strokes: readonly SignatureStroke[], w: number, h: number) => Promise<SignatureImage>;

function mountPad(encode: Encode) {
  wrapper = mount(SignaturePad, {
    props: { encode, label: 'Ô ký tên' },
    global: { plugins: [i18n, [PrimeVue, { unstyled: true }]] as never[] },
    attachTo: document.body,
  });
  return wrapper;
}

/** A pointer event as a finger or a stylus sends it (happy-dom's PointerEvent keeps these fields). */
function pointer(type: string, x: number, y: number, extra: Partial<PointerEventInit> = {}): PointerEvent {
  return new PointerEvent(type, { bubbles: true, cancelable: true, clientX: x, clientY: y, pointerId: 7, pointerType: 'touch', button: 0, ...extra });
}

async function drawLine(w: VueWrapper, points: [number, number][], extra: Partial<PointerEventInit> = {}) {
  const canvas = w.find('[data-testid="signature-canvas"]').element;
  const [first, ...rest] = points;
  canvas.dispatchEvent(pointer('pointerdown', first![0], first![1], extra));
  for (const [x, y] of rest.slice(0, -1)) canvas.dispatchEvent(pointer('pointermove', x, y, extra));
  const last = rest[rest.length - 1]!;
  canvas.dispatchEvent(pointer('pointerup', last[0], last[1], extra));
  await w.vm.$nextTick();
}

const fakeImage = (): SignatureImage => ({ bytes: new Uint8Array([137, 80, 78, 71]).buffer, mime: 'image/png', width: 600, height: 220 });

describe('signature pad', () => {
  it('records pointer events as strokes and hands the encoded image to save', async () => {
    const encode = vi.fn<Encode>(() => Promise.resolve(fakeImage()));
    const w = mountPad(encode);
    await drawLine(w, [
      [10, 100],
      [40, 80],
      [70, 120],
      [110, 90],
    ]);
    await drawLine(
      w,
      [
        [130, 100],
        [180, 100],
      ],
      { pointerType: 'pen', pressure: 0.9 },
    );
    const strokes = (w.vm as unknown as { strokes: SignatureStroke[] }).strokes;
    expect(strokes).toHaveLength(2);
    expect(strokes[0]!.map((p) => [p.x, p.y])).toEqual([
      [10, 100],
      [40, 80],
      [70, 120],
      [110, 90],
    ]);
    // A finger reports no pressure worth keeping; a stylus does.
    expect(strokes[0]![0]!.pressure).toBe(0.5);
    expect(strokes[1]![0]!.pressure).toBeCloseTo(0.9);

    await w.find('[data-testid="signature-save"]').trigger('click');
    await vi.waitFor(() => expect(w.emitted('save')).toHaveLength(1));
    expect(encode).toHaveBeenCalledTimes(1);
    expect(encode.mock.calls[0]![0]).toHaveLength(2);
    const [image] = w.emitted('save')![0] as [SignatureImage];
    expect(new Uint8Array(image.bytes)).toEqual(new Uint8Array([137, 80, 78, 71]));
  });

  it('cannot save an empty pad, nor a dot: it says so and emits nothing', async () => {
    const encode = vi.fn<Encode>(() => Promise.resolve(fakeImage()));
    const w = mountPad(encode);
    await w.find('[data-testid="signature-save"]').trigger('click');
    expect(w.find('[data-testid="signature-empty"]').exists()).toBe(true);
    await drawLine(w, [
      [50, 50],
      [52, 51],
    ]);
    await w.find('[data-testid="signature-save"]').trigger('click');
    expect(w.emitted('save')).toBeUndefined();
    expect(encode).not.toHaveBeenCalled();
  });

  it('clear empties the pad, so the cleared signature cannot be saved', async () => {
    const encode = vi.fn<Encode>(() => Promise.resolve(fakeImage()));
    const w = mountPad(encode);
    await drawLine(w, [
      [10, 10],
      [200, 150],
    ]);
    expect((w.vm as unknown as { strokes: SignatureStroke[] }).strokes).toHaveLength(1);
    await w.find('[data-testid="signature-clear"]').trigger('click');
    expect((w.vm as unknown as { strokes: SignatureStroke[] }).strokes).toHaveLength(0);
    await w.find('[data-testid="signature-save"]').trigger('click');
    expect(w.emitted('save')).toBeUndefined();
    expect(w.find('[data-testid="signature-empty"]').exists()).toBe(true);
  });

  it('ignores a second finger while one is drawing (a palm on the screen)', async () => {
    const w = mountPad(() => Promise.resolve(fakeImage()));
    const canvas = w.find('[data-testid="signature-canvas"]').element;
    canvas.dispatchEvent(pointer('pointerdown', 10, 10));
    canvas.dispatchEvent(pointer('pointerdown', 300, 200, { pointerId: 9 }));
    canvas.dispatchEvent(pointer('pointermove', 300, 100, { pointerId: 9 }));
    canvas.dispatchEvent(pointer('pointermove', 100, 10));
    canvas.dispatchEvent(pointer('pointerup', 150, 10));
    await w.vm.$nextTick();
    const strokes = (w.vm as unknown as { strokes: SignatureStroke[] }).strokes;
    expect(strokes).toHaveLength(1);
    expect(strokes[0]!.every((p) => p.x <= 150)).toBe(true);
  });
});

describe('signature strokes', () => {
  it('measures ink and calls a stray dot empty', () => {
    expect(inkLength([[{ x: 0, y: 0, pressure: 0.5 }, { x: 30, y: 40, pressure: 0.5 }]])).toBe(50);
    expect(isSignatureEmpty([])).toBe(true);
    expect(isSignatureEmpty([[{ x: 0, y: 0, pressure: 0.5 }, { x: 3, y: 4, pressure: 0.5 }]])).toBe(true);
    expect(isSignatureEmpty([[{ x: 0, y: 0, pressure: 0.5 }, { x: 300, y: 40, pressure: 0.5 }]])).toBe(false);
  });

  it('scales a large pad down to the stored size, keeping its shape', () => {
    expect(outputSize(1200, 440)).toEqual({ width: 600, height: 220, scale: 0.5 });
    expect(outputSize(300, 100)).toEqual({ width: 300, height: 100, scale: 1 });
  });

  it('draws every stroke as one path through its points', () => {
    const calls: string[] = [];
    const ctx: InkContext = {
      lineCap: 'butt',
      lineJoin: 'miter',
      lineWidth: 1,
      strokeStyle: '',
      beginPath: () => calls.push('begin'),
      moveTo: (x, y) => calls.push(`move ${x},${y}`),
      lineTo: (x, y) => calls.push(`line ${x},${y}`),
      quadraticCurveTo: () => calls.push('curve'),
      stroke: () => calls.push('stroke'),
    };
    drawStrokes(
      ctx,
      [
        [
          { x: 0, y: 0, pressure: 0.5 },
          { x: 10, y: 10, pressure: 0.5 },
          { x: 20, y: 0, pressure: 0.5 },
        ],
      ],
      2,
    );
    expect(calls).toEqual(['begin', 'move 0,0', 'curve', 'curve', 'line 40,0', 'stroke']);
    expect(ctx.lineCap).toBe('round');
  });
});
