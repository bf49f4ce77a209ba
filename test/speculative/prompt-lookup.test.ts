import { describe, expect, it } from 'vitest';
import { NgramTable, promptLookup } from '../../engine/speculative/prompt-lookup';

describe('prompt lookup decoding', () => {
  //            0  1  2  3  4  5  6  7  8  9 10 11
  const ctx = [1, 2, 3, 4, 5, 9, 2, 3, 7, 8, 2, 3];
  it('uses the longest n-gram and its earliest match with a continuation', () => {
    const r = promptLookup(ctx, { maxNgram: 3, minNgram: 1, numTokens: 3 });
    // 3-gram [8,2,3] only occurs at the end; 2-gram [2,3] first at 1
    expect(r.attempts.map((a) => a.ngramSize)).toEqual([3, 2]);
    expect(r.attempts[0].matchPositions).toEqual([9]);
    expect(r.attempts[1].matchPositions).toEqual([1, 6, 10]);
    expect(r.match).toEqual({ ngramSize: 2, position: 1, spanStart: 3, spanEnd: 6 });
    expect(r.candidates).toEqual([4, 5, 9]);
  });
  it('clips the span at the end of the context (HF) or requires a full span (original)', () => {
    const short = [5, 6, 7, 5, 6];
    expect(promptLookup(short, { maxNgram: 2, numTokens: 10 }).candidates).toEqual([7, 5, 6]);
    expect(promptLookup(short, { maxNgram: 2, numTokens: 10, variant: 'original' }).match).toBeNull();
    expect(promptLookup(short, { maxNgram: 2, numTokens: 3, variant: 'original' }).candidates).toEqual([7, 5, 6]);
  });
  it('never crosses an EOS and returns nothing without a match', () => {
    const r = promptLookup([4, 0, 4], { maxNgram: 1, numTokens: 5, eosTokenIds: [0] });
    expect(r.candidates).toEqual([]);
    expect(r.truncatedAtEos).toBe(true);
    const withEos = promptLookup([4, 6, 0, 7, 4], { maxNgram: 1, numTokens: 5, eosTokenIds: [0] });
    expect(withEos.candidates).toEqual([6]);
    expect(promptLookup([1, 2, 3], { maxNgram: 2 }).match).toBeNull();
  });
  it('falls back to shorter n-grams and skips the trailing self-match', () => {
    const r = promptLookup([7, 1, 9, 8, 1], { maxNgram: 2, numTokens: 2 });
    expect(r.match).toEqual({ ngramSize: 1, position: 1, spanStart: 2, spanEnd: 4 });
    expect(r.candidates).toEqual([9, 8]);
  });
});

describe('adaptive n-gram table', () => {
  it('counts n-grams as tokens are committed and drafts the most frequent chain', () => {
    const table = new NgramTable(3);
    table.observe([1, 2, 3, 1, 2, 4, 1, 2, 3]);
    expect(table.continuations([1, 2])).toEqual([{ token: 3, count: 2 }, { token: 4, count: 1 }]);
    const d = table.draft([9, 1, 2], 4);
    // [1,2]→3, [2,3]→1, [3,1]→2, [1,2]→3
    expect(d.tokens).toEqual([3, 1, 2, 3]);
    expect(d.steps[0]).toEqual({ token: 3, count: 2, total: 3 });
    table.observe([1, 2, 4, 1, 2, 4]);
    expect(table.continuations([1, 2])[0]).toEqual({ token: 4, count: 3 });
  });
  it('stops where the table has no continuation', () => {
    const table = new NgramTable(2);
    table.observe([5, 6]);
    expect(table.draft([5], 3).tokens).toEqual([6]);
    expect(() => new NgramTable(1)).toThrow(/order/);
  });
});
