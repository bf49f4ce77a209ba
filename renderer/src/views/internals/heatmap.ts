/** Canvas drawing for attention heatmaps: a viridis lookup table, one ImageData pixel per cell, scaled without smoothing. */
import { interpolateViridis, rgb } from 'd3';
import type { TraceIndex } from '../../trace/trace-index';
import type { AttentionMatrix } from './internals-model';

/** 256 RGB entries of viridis. */
export const VIRIDIS_LUT: Uint8ClampedArray<ArrayBuffer> = (() => {
  const lut = new Uint8ClampedArray(256 * 3);
  for (let i = 0; i < 256; i++) {
    const c = rgb(interpolateViridis(i / 255));
    lut.set([c.r, c.g, c.b], i * 3);
  }
  return lut;
})();

/** RGBA pixels (width = size, height = rows): masked cells grey, weights through the LUT. */
export function heatmapPixels(m: AttentionMatrix): Uint8ClampedArray<ArrayBuffer> {
  const rows = m.queryPositions.length;
  const px = new Uint8ClampedArray(rows * m.size * 4);
  for (let i = 0; i < rows * m.size; i++) {
    if (!m.allowed[i]) {
      px.set([128, 128, 128, 255], i * 4);
      continue;
    }
    const v = Math.max(0, Math.min(255, Math.round(m.weights[i]! * 255)));
    px.set([VIRIDIS_LUT[v * 3]!, VIRIDIS_LUT[v * 3 + 1]!, VIRIDIS_LUT[v * 3 + 2]!, 255], i * 4);
  }
  return px;
}

export function drawHeatmap(canvas: HTMLCanvasElement, m: AttentionMatrix, cell: number, detailed: boolean): void {
  const rows = m.queryPositions.length;
  const dpr = window.devicePixelRatio || 1;
  canvas.width = Math.round(m.size * cell * dpr);
  canvas.height = Math.round(rows * cell * dpr);
  const ctx = canvas.getContext('2d');
  if (!ctx || rows === 0) return;
  const src = document.createElement('canvas');
  src.width = m.size;
  src.height = rows;
  src.getContext('2d')!.putImageData(new ImageData(heatmapPixels(m), m.size, rows), 0, 0);
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(src, 0, 0, canvas.width, canvas.height);
  if (!detailed) return;
  ctx.scale(dpr, dpr);
  // Hatch masked cells so the mask reads as structure, not as low weight.
  ctx.strokeStyle = 'rgba(255,255,255,0.35)';
  ctx.lineWidth = 1;
  ctx.beginPath();
  for (let r = 0; r < rows; r++) for (let k = 0; k < m.size; k++) {
    if (m.allowed[r * m.size + k]) continue;
    ctx.moveTo(k * cell, (r + 1) * cell);
    ctx.lineTo((k + 1) * cell, r * cell);
  }
  ctx.stroke();
  ctx.strokeStyle = '#ff3b6b';
  ctx.lineWidth = 2;
  ctx.strokeRect(1, m.currentRow * cell + 1, m.size * cell - 2, cell - 2);
}

/** The token at an absolute sequence position: prompt, then committed output. */
export function tokenAtPosition(trace: TraceIndex, pos: number): number | undefined {
  const prompt = trace.header?.prompt.tokenIds ?? [];
  if (pos < prompt.length) return prompt[pos];
  return trace.output[pos - prompt.length]?.id;
}
