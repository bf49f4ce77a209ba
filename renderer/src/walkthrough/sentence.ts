/**
 * Building sentences from a trace's numbers: a tagged template whose interpolations are tokens (shown as
 * chips), numbers (formatted like the rest of the app) or plain words.
 */
import type { TraceIndex } from '../trace/trace-index';
import { formatNumber, formatProb, tokenLabel } from '../format/format';
import type { Sentence, SentencePart } from './types';

export function tok(trace: TraceIndex, id: number): SentencePart {
  const e = trace.tokenText(id);
  return { kind: 'token', id, text: tokenLabel(e.text, e.bytes) };
}

/** A probability, 2–3 significant digits (format.ts). */
export function prob(p: number | null | undefined): SentencePart {
  return { kind: 'num', text: formatProb(p) };
}

/** A uniform draw or an acceptance threshold: three decimals, as the acceptance panel shows them. */
export function u3(x: number): SentencePart {
  return { kind: 'num', text: x.toFixed(3) };
}

export function num(x: number | string, digits = 2): SentencePart {
  return { kind: 'num', text: typeof x === 'string' ? x : Number.isInteger(x) ? String(x) : formatNumber(x, digits) };
}

/** Several tokens in a row, separated by spaces. */
export function toks(trace: TraceIndex, ids: readonly number[]): SentencePart[] {
  const out: SentencePart[] = [];
  ids.forEach((id, i) => {
    if (i > 0) out.push({ kind: 'text', text: ' ' });
    out.push(tok(trace, id));
  });
  return out;
}

type Piece = string | number | SentencePart | readonly Piece[] | null | undefined | false;

function push(parts: SentencePart[], p: Piece): void {
  if (p === null || p === undefined || p === false) return;
  if (Array.isArray(p)) return (p as readonly Piece[]).forEach((x) => push(parts, x));
  if (typeof p === 'string' || typeof p === 'number') {
    const text = String(p);
    if (!text) return;
    const last = parts[parts.length - 1];
    if (last?.kind === 'text') last.text += text;
    else parts.push({ kind: 'text', text });
    return;
  }
  parts.push({ ...(p as SentencePart) });
}

export function plainText(parts: readonly SentencePart[]): string {
  return parts.map((p) => (p.kind === 'token' ? `\`${p.text}\`` : p.text)).join('');
}

/** say`The draft proposed ${tok(t, id)} with q = ${prob(q)}.` */
export function say(strings: TemplateStringsArray, ...values: Piece[]): Sentence {
  const parts: SentencePart[] = [];
  strings.forEach((s, i) => {
    push(parts, s);
    if (i < values.length) push(parts, values[i]);
  });
  return { parts, text: plainText(parts) };
}

/** Joins sentences into one (a space between). */
export function join(...sentences: (Sentence | null | undefined | false)[]): Sentence {
  const parts: SentencePart[] = [];
  for (const s of sentences) {
    if (!s) continue;
    if (parts.length) push(parts, ' ');
    for (const p of s.parts) push(parts, p);
  }
  return { parts, text: plainText(parts) };
}

export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}
