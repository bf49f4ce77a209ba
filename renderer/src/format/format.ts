/**
 * Number and token formatting shared by every view. Pure functions, unit-tested in test/renderer.
 */

/** Probability with 2–3 significant digits; tiny values in exponent form so they never read as 0. */
export function formatProb(p: number | null | undefined): string {
  if (p === null || p === undefined || Number.isNaN(p)) return '—';
  if (p === 0) return '0';
  if (p === 1) return '1';
  if (p < 0.001) return p.toExponential(1);
  const s = p.toPrecision(p >= 0.1 ? 3 : 2);
  // "0.500" reads as noise; keep at least one decimal.
  return s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '.0') : s;
}

/** Percentage with up to one decimal (acceptance rates). */
export function formatPercent(x: number | null | undefined): string {
  if (x === null || x === undefined || Number.isNaN(x)) return '—';
  const v = x * 100;
  return `${v >= 10 ? v.toFixed(0) : v.toFixed(1)}%`;
}

/** Log-probability or logit with an explicit sign: "−0.23", "+1.50"; masked values (null / -inf) as −∞. */
export function formatSigned(x: number | null | undefined, digits = 2): string {
  if (x === null || x === undefined || x === -Infinity) return '−∞';
  if (x === Infinity) return '+∞';
  if (Number.isNaN(x)) return '—';
  const s = Math.abs(x).toFixed(digits);
  if (Number(s) === 0) return s;
  return `${x < 0 ? '−' : '+'}${s}`;
}

/** Milliseconds: "0.42 ms", "12.3 ms", "1.25 s". */
export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || Number.isNaN(ms)) return '—';
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  if (ms >= 10) return `${ms.toFixed(1)} ms`;
  return `${ms.toFixed(2)} ms`;
}

const COUNT = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** A whole count with thousands separators ("50,257"); one shared formatter, not one per call. */
export function formatCount(n: number): string {
  return COUNT.format(n);
}

/** A plain number with sensible precision (τ, tokens/s, entropy). */
export function formatNumber(x: number | null | undefined, digits = 2): string {
  if (x === null || x === undefined || Number.isNaN(x)) return '—';
  if (Math.abs(x) >= 1000) return Math.round(x).toLocaleString('en-US');
  return x.toFixed(digits);
}

/** One visual piece of a token: ordinary text, a whitespace marker, or a raw byte. */
export type TokenPiece =
  | { kind: 'text'; text: string }
  | { kind: 'space' | 'newline' | 'tab' | 'cr'; text: string }
  | { kind: 'byte'; text: string };

const MARKERS: Record<string, { kind: 'space' | 'newline' | 'tab' | 'cr'; text: string }> = {
  ' ': { kind: 'space', text: '·' },
  '\n': { kind: 'newline', text: '↵' },
  '\t': { kind: 'tab', text: '→' },
  '\r': { kind: 'cr', text: '␍' },
};

const BYTE_RUN = /<0x([0-9A-Fa-f]{2})>/g;

function hex(b: number): string {
  return b.toString(16).toUpperCase().padStart(2, '0');
}

/**
 * Splits a token into display pieces: whitespace becomes visible markers, byte pieces become hex.
 * `<0xNN>` runs (how the trace writes bytes that are not valid UTF-8 alone) and replacement characters
 * (when the raw bytes are known) are both shown as hex, never as U+FFFD.
 */
export function tokenPieces(text: string, bytes?: readonly number[]): TokenPiece[] {
  if (text.includes('\uFFFD') && bytes && bytes.length > 0) {
    return bytes.map((b) => ({ kind: 'byte', text: hex(b) }));
  }
  const pieces: TokenPiece[] = [];
  let buffer = '';
  const flush = () => {
    if (buffer) pieces.push({ kind: 'text', text: buffer });
    buffer = '';
  };
  let last = 0;
  const pushText = (s: string) => {
    for (const ch of s) {
      const m = MARKERS[ch];
      if (m) {
        flush();
        pieces.push({ ...m });
      } else if (ch === '\uFFFD') {
        flush();
        pieces.push({ kind: 'byte', text: '??' });
      } else {
        const code = ch.codePointAt(0)!;
        // Other control characters would be invisible: show them as hex too.
        if (code < 0x20 || code === 0x7f) {
          flush();
          pieces.push({ kind: 'byte', text: hex(code) });
        } else buffer += ch;
      }
    }
  };
  for (const m of text.matchAll(BYTE_RUN)) {
    pushText(text.slice(last, m.index));
    flush();
    pieces.push({ kind: 'byte', text: m[1]!.toUpperCase() });
    last = m.index! + m[0].length;
  }
  pushText(text.slice(last));
  flush();
  return pieces;
}

/** The token as one plain string with markers (for tooltips, SVG labels and the accessible name). */
export function tokenLabel(text: string, bytes?: readonly number[]): string {
  return tokenPieces(text, bytes)
    .map((p) => (p.kind === 'byte' ? `<${p.text}>` : p.text))
    .join('');
}

/** JSON-ish escaped form for the inspector: exactly what the piece contains. */
export function tokenLiteral(text: string): string {
  return JSON.stringify(text);
}
