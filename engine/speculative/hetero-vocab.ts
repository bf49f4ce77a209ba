/**
 * Speculative decoding with a drafter whose vocabulary differs from the target's (Timor et al., "Accelerating LLM
 * Inference with Lossless Speculative Decoding Algorithms for Heterogeneous Vocabularies", ICML 2025).
 *
 * Variant implemented: string-level exact match (SLEM). The drafter's tokens are turned into text, the text is
 * re-tokenised with the target tokenizer, and the target verifies those candidate ids with the ordinary exact rule
 * (greedy match, or sample-then-match when sampling) — lossless because only target-chosen tokens are committed.
 * Text is handled as bytes so that a draft ending inside a multi-byte UTF-8 character is held back, not mangled.
 *
 * Boundary handling: re-tokenising the draft text alone would ignore merges with the committed text, so the text
 * of the last `lookbehind` committed target tokens is prepended and must re-tokenise to exactly those tokens; if it
 * does not (a merge across the boundary), shorter lookbehinds are tried, down to none.
 */

export interface VocabBridge {
  /** Target tokenizer: UTF-8 text → ids. */
  targetEncode(text: string): number[];
  /** Target ids → the bytes they stand for. */
  targetBytes(ids: readonly number[]): Uint8Array;
  /** Draft ids → bytes (special ids give no bytes). */
  draftBytes(ids: readonly number[]): Uint8Array;
  /** Bytes → draft ids (for feeding committed text to the drafter). */
  draftIds(bytes: Uint8Array): number[];
}

/** The bundled byte-level drafter: id 0 = <|endoftext|>, ids 1..256 = bytes 0..255. */
export const byteDrafterIds = {
  draftBytes(ids: readonly number[]): Uint8Array {
    return Uint8Array.from(ids.filter((id) => id >= 1 && id <= 256).map((id) => id - 1));
  },
  draftIds(bytes: Uint8Array): number[] {
    return Array.from(bytes, (b) => b + 1);
  },
};

/** Length of the longest prefix of `bytes` that does not end inside a UTF-8 multi-byte sequence. */
export function completeUtf8Length(bytes: Uint8Array): number {
  let i = bytes.length;
  // Walk back over at most 3 continuation bytes to the lead byte of the last sequence.
  let back = 0;
  while (back < 3 && i - back - 1 >= 0 && (bytes[i - back - 1] & 0xc0) === 0x80) back++;
  const leadIndex = i - back - 1;
  if (leadIndex < 0) return back === 0 ? 0 : i; // only continuation bytes: leave them to the decoder
  const lead = bytes[leadIndex];
  const needed = lead < 0x80 ? 1 : (lead & 0xe0) === 0xc0 ? 2 : (lead & 0xf0) === 0xe0 ? 3 : (lead & 0xf8) === 0xf0 ? 4 : 1;
  return back + 1 >= needed ? i : leadIndex;
}

export interface TargetCandidates {
  /** Drafted bytes turned into text (complete characters only). */
  draftText: string;
  /** Drafted bytes held back because they end inside a character. */
  heldBackBytes: number;
  /** Committed target tokens whose text was prepended and re-tokenised unchanged. */
  lookbehindTokens: number;
  /** The target ids proposed for verification. */
  candidates: number[];
  /** True when the final re-tokenised id was dropped because the draft text may end inside it. */
  droppedPartialLast: boolean;
}

export interface CandidateOptions {
  /** Committed target tokens to re-tokenise with the draft text (default 2). */
  lookbehind?: number;
  /** Drop the last candidate when drafting stopped on length: its token may continue past the draft (default true). */
  dropPartialLast?: boolean;
}

/** Convert drafted bytes into target candidate ids, given the committed target ids. */
export function targetCandidatesFromDraft(
  bridge: VocabBridge,
  committedTargetIds: readonly number[],
  draftedBytes: Uint8Array,
  options: CandidateOptions = {},
): TargetCandidates {
  const { lookbehind = 2, dropPartialLast = true } = options;
  const usable = completeUtf8Length(draftedBytes);
  const decoder = new TextDecoder('utf-8', { fatal: false });
  const draftText = decoder.decode(draftedBytes.subarray(0, usable));
  const result = (lookbehindTokens: number, candidates: number[]): TargetCandidates => {
    const drop = dropPartialLast && candidates.length > 1;
    return { draftText, heldBackBytes: draftedBytes.length - usable, lookbehindTokens, candidates: drop ? candidates.slice(0, -1) : candidates, droppedPartialLast: drop };
  };
  if (draftText.length === 0) return result(0, []);
  for (let m = Math.min(lookbehind, committedTargetIds.length); m >= 0; m--) {
    const tail = committedTargetIds.slice(committedTargetIds.length - m);
    const tailBytes = bridge.targetBytes(tail);
    if (completeUtf8Length(tailBytes) !== tailBytes.length) continue; // tail splits a character: not text on its own
    const encoded = bridge.targetEncode(decoder.decode(tailBytes) + draftText);
    if (tail.every((id, i) => encoded[i] === id)) return result(m, encoded.slice(m));
  }
  return result(0, []);
}

/** Length of the common prefix of two byte strings. */
export function commonPrefixLength(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a[i] === b[i]) i++;
  return i;
}

export interface HeteroBookkeeping {
  /** Target candidates proposed and how many were accepted. */
  proposed: number;
  accepted: number;
  /** Bytes the drafter proposed, and how many of them the committed text confirmed. */
  draftedBytes: number;
  draftBytesConfirmed: number;
  /** Draft cache positions still valid: the drafter's fed bytes that agree with the new committed text. */
  draftCacheKeep: number;
}

/**
 * After a step: how much of the byte draft the committed target tokens confirmed, and where the drafter's cache
 * must be cropped (its fed bytes are the old context followed by the drafted bytes it fed back in).
 */
export function heteroBookkeeping(
  oldContextBytes: Uint8Array,
  draftedBytes: Uint8Array,
  draftFedLength: number,
  newContextBytes: Uint8Array,
  proposed: number,
  accepted: number,
): HeteroBookkeeping {
  const drafterView = new Uint8Array(oldContextBytes.length + draftedBytes.length);
  drafterView.set(oldContextBytes, 0);
  drafterView.set(draftedBytes, oldContextBytes.length);
  const agree = commonPrefixLength(drafterView, newContextBytes);
  return {
    proposed,
    accepted,
    draftedBytes: draftedBytes.length,
    draftBytesConfirmed: Math.max(0, Math.min(agree - oldContextBytes.length, draftedBytes.length)),
    draftCacheKeep: Math.min(agree, draftFedLength),
  };
}
