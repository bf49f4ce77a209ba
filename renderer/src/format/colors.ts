/** Probability colour ramp (viridis, perceptual and colour-blind safe) and text contrast for it. */
import { interpolateViridis } from 'd3-scale-chromatic';

export function probColor(p: number | null): string {
  if (p === null) return 'transparent';
  return interpolateViridis(Math.max(0, Math.min(1, p)));
}

/** Dark text on the light (yellow-green) end, light text on the dark (purple) end. */
export function probInk(p: number | null): string {
  return p !== null && p > 0.55 ? '#111' : '#fff';
}

export function viridisGradient(): string {
  const stops = Array.from({ length: 11 }, (_, i) => `${interpolateViridis(i / 10)} ${i * 10}%`);
  return `linear-gradient(90deg, ${stops.join(', ')})`;
}
