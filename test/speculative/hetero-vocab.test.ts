import { describe, expect, it } from 'vitest';
import {
  byteDrafterIds, completeUtf8Length, heteroBookkeeping, targetCandidatesFromDraft, type VocabBridge,
} from '../../engine/speculative/hetero-vocab';

/** A tiny greedy longest-match target tokenizer over a fixed vocabulary (pure test helper, not the engine). */
function tinyTarget(pieces: string[]): VocabBridge & { ids: (s: string[]) => number[] } {
  const idOf = new Map(pieces.map((p, i) => [p, i]));
  const enc = new TextEncoder();
  return {
    ids: (s) => s.map((p) => idOf.get(p)!),
    targetEncode(text) {
      const out: number[] = [];
      let i = 0;
      while (i < text.length) {
        let best = '';
        for (const p of pieces) if (p.length > best.length && text.startsWith(p, i)) best = p;
        if (!best) throw new Error(`no piece for ${text.slice(i)}`);
        out.push(idOf.get(best)!);
        i += best.length;
      }
      return out;
    },
    targetBytes: (ids) => enc.encode(ids.map((id) => pieces[id]).join('')),
    ...byteDrafterIds,
  };
}

const enc = new TextEncoder();
const T = tinyTarget(['a', 'b', 'c', ' ', 'ab', 'abc', ' a', 'é', 'x']);

describe('UTF-8 completeness', () => {
  it('holds back an incomplete trailing character', () => {
    const bytes = enc.encode('aé'); // 61 c3 a9
    expect(completeUtf8Length(bytes)).toBe(3);
    expect(completeUtf8Length(bytes.subarray(0, 2))).toBe(1);
    expect(completeUtf8Length(enc.encode('€').subarray(0, 2))).toBe(0);
    expect(completeUtf8Length(new Uint8Array(0))).toBe(0);
  });
});

describe('draft bytes → target candidates (SLEM)', () => {
  it('re-tokenises the draft text with the committed tail', () => {
    const committed = T.ids(['x', 'b']);
    const r = targetCandidatesFromDraft(T, committed, enc.encode('abc ab'), { dropPartialLast: false });
    expect(r.lookbehindTokens).toBe(2);
    expect(r.candidates).toEqual(T.ids(['abc', ' a', 'b']));
  });
  it('drops the last candidate by default (the draft may stop inside it)', () => {
    const r = targetCandidatesFromDraft(T, T.ids(['x']), enc.encode('abc ab'));
    expect(r.candidates).toEqual(T.ids(['abc', ' a']));
    expect(r.droppedPartialLast).toBe(true);
  });
  it('shrinks the lookbehind when the boundary merges', () => {
    // committed "... a" + draft "bc" would re-tokenise the tail "a" into "abc": try shorter tails
    const committed = T.ids(['x', 'a']);
    const r = targetCandidatesFromDraft(T, committed, enc.encode('bc'), { dropPartialLast: false });
    expect(r.lookbehindTokens).toBe(0);
    expect(r.candidates).toEqual(T.ids(['b', 'c']));
  });
  it('holds back a split character', () => {
    const bytes = enc.encode('aé').subarray(0, 2);
    const r = targetCandidatesFromDraft(T, T.ids(['x']), bytes, { dropPartialLast: false });
    expect(r.draftText).toBe('a');
    expect(r.heldBackBytes).toBe(1);
    expect(r.candidates).toEqual(T.ids(['a']));
  });
  it('maps bytes to the byte drafter\'s ids and back', () => {
    expect(byteDrafterIds.draftIds(enc.encode('ab'))).toEqual([98, 99]);
    expect(Array.from(byteDrafterIds.draftBytes([0, 98, 99]))).toEqual([97, 98]);
  });
});

describe('acceptance bookkeeping', () => {
  it('counts confirmed draft bytes and where to crop the drafter cache', () => {
    const old = enc.encode('x ');
    const drafted = enc.encode('abc ab');
    // target accepted "abc" then chose "x": new text "x abcx"
    const b = heteroBookkeeping(old, drafted, old.length + drafted.length - 1, enc.encode('x abcx'), 2, 1);
    expect(b.draftBytesConfirmed).toBe(3);
    expect(b.draftCacheKeep).toBe(5);
    expect(b).toMatchObject({ proposed: 2, accepted: 1, draftedBytes: 6 });
  });
});
