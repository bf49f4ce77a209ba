/** Tokens are shown faithfully: raw bytes kept, partial UTF-8 pieces as <0xNN>, special tokens by name. */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TokenDisplay } from '../../engine/tokens/display';
import { bytesToFaithfulText } from '../../engine/tokens/bytes';
import { summarize } from '../../engine/trace/summary';
import { loadModel } from '../../engine/model/registry';
import type { TraceRecord } from '../../engine/trace/schema';

describe('faithful token text', () => {
  it('decodes whole UTF-8 characters and writes every stray byte as <0xNN>', () => {
    expect(bytesToFaithfulText([0x68, 0x69])).toBe('hi');
    expect(bytesToFaithfulText([0xc3, 0xa9])).toBe('é');
    expect(bytesToFaithfulText([0xc3])).toBe('<0xC3>');
    expect(bytesToFaithfulText([0xa9, 0x41])).toBe('<0xA9>A');
    expect(bytesToFaithfulText([0xe2, 0x82, 0xac])).toBe('€');
    expect(bytesToFaithfulText([0xe2, 0x82])).toBe('<0xE2><0x82>');
    expect(bytesToFaithfulText([0xf0, 0x9f, 0x98, 0x80])).toBe('😀');
    expect(bytesToFaithfulText([0xed, 0xa0, 0x80])).toBe('<0xED><0xA0><0x80>'); // surrogate half, not valid UTF-8
  });

  it('maps byte-level BPE pieces back to their bytes (bundled tokenizer)', async () => {
    const m = await loadModel('target');
    const d = m.tokenizer.display;
    expect(d.scheme).toBe('byte-level');
    const eos = d.entry(0);
    expect(eos).toMatchObject({ id: 0, special: true, text: '<|endoftext|>' });
    expect(eos.bytes).toBeUndefined();
    // Ids 1..256 are the raw bytes 0..255 in the bundled tokenizers.
    expect(d.entry(1 + 0x0a)).toMatchObject({ text: '\n', bytes: [0x0a] });
    expect(d.entry(1 + 0xc3)).toMatchObject({ text: '<0xC3>', bytes: [0xc3] });
    const ids = m.tokenizer.encode('def café():\n    return "€"');
    expect(d.text(ids)).toBe('def café():\n    return "€"');
    expect(m.tokenizer.decode(ids)).toBe('def café():\n    return "€"');
  });

  it('handles SentencePiece byte fallback and ▁ spaces (Llama-style tokenizer.json)', () => {
    const d = new TokenDisplay({
      model: { type: 'BPE', vocab: { '<unk>': 0, '<0x0A>': 1, '<0xC3>': 2, '<0xA9>': 3, '▁Hello': 4, 'world': 5 } },
      added_tokens: [{ id: 6, content: '<s>', special: true }],
      decoder: { type: 'Sequence', decoders: [{ type: 'Replace' }, { type: 'ByteFallback' }, { type: 'Fuse' }] },
    });
    expect(d.scheme).toBe('metaspace');
    expect(d.entry(4)).toMatchObject({ text: ' Hello', bytes: [0x20, 0x48, 0x65, 0x6c, 0x6c, 0x6f] });
    expect(d.entry(1)).toMatchObject({ text: '\n', bytes: [0x0a] });
    expect(d.entry(2).text).toBe('<0xC3>');
    expect(d.text([4, 2, 3])).toBe(' Helloé');
    expect(d.entry(6)).toMatchObject({ text: '<s>', special: true });
  });

  it('the summary text joins token bytes before decoding, so split characters come out whole', () => {
    const s = summarize([
      { type: 'tokens', entries: [{ id: 7, text: '<0xC3>', bytes: [0xc3] }, { id: 8, text: '<0xA9>', bytes: [0xa9] }, { id: 0, text: '<|endoftext|>', special: true }] },
      { type: 'commit', step: 0, outputIndex: 0, tokens: [{ id: 7, source: 'target' }], targetForwardPasses: 1 },
      { type: 'commit', step: 1, outputIndex: 1, tokens: [{ id: 8, source: 'target' }, { id: 0, source: 'target' }], targetForwardPasses: 1, finish: 'eos' },
    ]);
    expect(s.text).toBe('é<|endoftext|>');
    expect(s.acceptLengths).toEqual([1, 2]);
    expect(s.finishReason).toBe('eos');
    expect(s.tokenIds).toEqual([7, 8, 0]);
  });
});

describe('summary statistics', () => {
  it('τ counts committed tokens per target pass, acceptance rate accepted/drafted', () => {
    const call = (callId: number, model: 'target' | 'draft'): TraceRecord => ({
      type: 'model_call',
      step: 0,
      callId,
      model,
      purpose: 'other',
      inputIds: [[1]],
      positionIds: [[0]],
      maskKind: 'causal',
      cacheLenIn: 0,
      cacheLenOut: 1,
      outputs: [],
      startMs: callId,
      durationMs: 1,
    });
    const s = summarize([
      { type: 'tokens', entries: [{ id: 1, text: 'a', bytes: [0x61] }] },
      call(0, 'target'),
      call(1, 'draft'),
      call(2, 'draft'),
      { type: 'draft', step: 0, model: 'draft', kind: 'chain', source: 'draft', nodes: [{ node: 0, parent: -1, tokenId: 1, depth: 1 }, { node: 1, parent: 0, tokenId: 1, depth: 2 }] },
      call(3, 'target'),
      { type: 'verify', step: 0, rule: 'greedy', decisions: [], acceptedLength: 1 },
      { type: 'commit', step: 0, outputIndex: 0, tokens: [{ id: 1, source: 'accepted' }, { id: 1, source: 'bonus' }], targetForwardPasses: 1 },
    ]);
    expect(s.targetForwardPasses).toBe(2);
    expect(s.draftForwardPasses).toBe(2);
    expect(s.newTokens).toBe(2);
    expect(s.tau).toBe(1);
    expect(s.acceptanceRate).toBe(0.5);
    expect(s.text).toBe('aa');
    expect(s.wallMs).toBe(4);
  });
});
