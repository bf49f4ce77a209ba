/**
 * How each vocabulary entry is shown: its raw bytes and a faithful text (`<0xNN>` for bytes that are not whole
 * UTF-8 characters). Works from tokenizer.json alone: ByteLevel BPE (GPT-2, Qwen2, SmolLM), Metaspace/SentencePiece
 * with byte fallback (Llama), and plain vocabularies.
 */
import { byteLevelCharToByte, bytesToFaithfulText, utf8Bytes } from './bytes';
import type { TokenEntry } from '../trace/schema';

type Scheme = 'byte-level' | 'metaspace' | 'plain';

function decoderTypes(decoder: unknown): string[] {
  if (!decoder || typeof decoder !== 'object') return [];
  const d = decoder as { type?: string; decoders?: unknown[] };
  return [d.type ?? '', ...(d.decoders ?? []).flatMap(decoderTypes)];
}

export class TokenDisplay {
  private readonly pieces: (string | undefined)[] = [];
  private readonly special = new Set<number>();
  private readonly cache = new Map<number, TokenEntry>();
  readonly scheme: Scheme;
  /** One past the largest id the tokenizer defines. */
  readonly vocabSize: number;

  constructor(tokenizerJson: Record<string, unknown>) {
    const model = (tokenizerJson.model ?? {}) as { vocab?: unknown };
    const vocab = model.vocab;
    if (Array.isArray(vocab)) {
      // Unigram: [[piece, score], ...]
      vocab.forEach((entry, id) => (this.pieces[id] = Array.isArray(entry) ? String(entry[0]) : String(entry)));
    } else if (vocab && typeof vocab === 'object') {
      for (const [piece, id] of Object.entries(vocab as Record<string, number>)) this.pieces[id] = piece;
    }
    for (const t of (tokenizerJson.added_tokens ?? []) as { id: number; content: string; special?: boolean }[]) {
      this.pieces[t.id] = t.content;
      if (t.special) this.special.add(t.id);
    }
    this.vocabSize = this.pieces.length;
    const types = [...decoderTypes(tokenizerJson.decoder), ...decoderTypes(tokenizerJson.pre_tokenizer)];
    this.scheme = types.includes('ByteLevel') ? 'byte-level' : types.some((t) => t === 'Metaspace' || t === 'ByteFallback' || t === 'Replace') ? 'metaspace' : 'plain';
  }

  piece(id: number): string | undefined {
    return this.pieces[id];
  }

  isSpecial(id: number): boolean {
    return this.special.has(id);
  }

  /** The raw bytes the token stands for; undefined for special tokens and unknown ids. */
  bytes(id: number): number[] | undefined {
    const piece = this.pieces[id];
    if (piece === undefined || this.special.has(id)) return undefined;
    if (this.scheme === 'byte-level') {
      const table = byteLevelCharToByte();
      const out: number[] = [];
      for (const ch of piece) {
        const b = table.get(ch);
        if (b === undefined) return utf8Bytes(piece); // an added non-special token written as plain text
        out.push(b);
      }
      return out;
    }
    if (this.scheme === 'metaspace') {
      const fallback = /^<0x([0-9A-Fa-f]{2})>$/.exec(piece);
      if (fallback) return [parseInt(fallback[1]!, 16)];
      return utf8Bytes(piece.replace(/\u2581/g, ' '));
    }
    return utf8Bytes(piece);
  }

  entry(id: number): TokenEntry {
    let e = this.cache.get(id);
    if (e) return e;
    const piece = this.pieces[id];
    if (piece === undefined) e = { id, text: `<unk:${id}>` };
    else if (this.special.has(id)) e = { id, text: piece, special: true };
    else {
      const bytes = this.bytes(id)!;
      e = { id, text: bytesToFaithfulText(bytes), bytes };
    }
    this.cache.set(id, e);
    return e;
  }

  /** Text of a token sequence from its bytes (special tokens as their content), invalid bytes as `<0xNN>`. */
  text(ids: readonly number[]): string {
    let out = '';
    let pending: number[] = [];
    for (const id of ids) {
      const b = this.bytes(id);
      if (b) pending.push(...b);
      else {
        out += bytesToFaithfulText(pending) + this.entry(id).text;
        pending = [];
      }
    }
    return out + bytesToFaithfulText(pending);
  }
}
