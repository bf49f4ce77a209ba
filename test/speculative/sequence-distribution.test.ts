/**
 * Sequence-level losslessness of the REAL speculative sampling loops (decoding-algorithms §12.2 item 2), on a
 * target/draft pair with a 4-token vocabulary (test/fixtures/models/tiny-vocab-*, made by make_tiny_vocab.py).
 *
 * Every run goes through startRun exactly as the app runs it and emits 4 tokens: the first from the prefill, then
 * one speculative step (γ = 2 drafts + the bonus/residual token) and, after a rejection, more steps. The counts of
 * the 4⁴ = 256 whole output sequences over many seeds are compared, by chi-square, with the exact sequence
 * distribution obtained by enumerating the target's own next-token probabilities (cache-less forwards, independent
 * of the loop's cached passes). Seeds are fixed, so a pass is reproducible and cannot flake; the significance floor
 * is fixed in advance. Also: the acceptance frequency of the first step's drafts against Σ min(p, q).
 * An always-accept rule makes the sequence test fail (p ≈ 0): the output then follows the draft, not the target.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startRun } from '../../engine/index';
import { loadModel } from '../../engine/model/registry';
import type { LoadedModel } from '../../engine/model/loader';
import { overlapMass, softmax } from '../../engine/speculative/dist';
import type { GenerationParams, TraceRecord } from '../../engine/trace/schema';
import { chiSquareTest } from './stats';

const FIXTURES = join(__dirname, '../fixtures/models');
const TARGET = join(FIXTURES, 'tiny-vocab-target');
const DRAFT = join(FIXTURES, 'tiny-vocab-draft');
const PROMPT = 'abcab';
const LENGTH = 4;
/** Chosen before looking at the data; Bonferroni over the three sequence tests keeps the family at 3·10⁻³. */
const P_FLOOR = 1e-3;

/** Processed distribution after `ids`, from one cache-less forward: softmax(logits / T) (top_k 50 is a no-op on 4 tokens). */
async function nextTokenDist(model: LoadedModel, ids: readonly number[], temperature = 1): Promise<Float32Array> {
  const out = await model.primary.forward({ inputIds: [[...ids]], cache: model.primary.emptyCache(1), logits: 'last' });
  return softmax(out.logits, temperature);
}

/** P(sequence) for all V^length continuations of `prompt`, indexed by the sequence read as base-V digits. */
async function exactSequenceProbs(model: LoadedModel, prompt: readonly number[], length: number, temperature = 1): Promise<Float64Array> {
  const V = model.manifest.vocabSize;
  const probs = new Float64Array(V ** length);
  const walk = async (prefix: number[], index: number, prob: number): Promise<void> => {
    if (prefix.length === length) {
      probs[index] = prob;
      return;
    }
    const dist = await nextTokenDist(model, [...prompt, ...prefix], temperature);
    for (let x = 0; x < V; x++) await walk([...prefix, x], index * V + x, prob * dist[x]!);
  };
  await walk([], 0, 1);
  return probs;
}

interface Sampled {
  counts: Float64Array;
  /** The first verify record of every run (the step right after the prefill token). */
  firstVerify: Extract<TraceRecord, { type: 'verify' }>[];
}

async function sampleRuns(method: string, methodParams: Record<string, number | string>, runs: number, firstSeed: number, V: number, temperature = 1): Promise<Sampled> {
  const counts = new Float64Array(V ** LENGTH);
  const firstVerify: Sampled['firstVerify'] = [];
  for (let i = 0; i < runs; i++) {
    const params: GenerationParams = { max_new_tokens: LENGTH, do_sample: true, temperature, seed: firstSeed + i, eos_token_id: [], method: methodParams };
    let verify: Sampled['firstVerify'][number] | undefined;
    const footer = await startRun({ method, prompt: PROMPT, model: TARGET, draft: DRAFT, params }, (r) => {
      if (r.type === 'verify' && !verify) verify = r;
    }).done;
    if (footer.status !== 'completed') throw new Error(`${method} seed ${firstSeed + i}: ${footer.status} ${footer.error ?? ''}`);
    const ids = footer.summary.tokenIds;
    expect(ids).toHaveLength(LENGTH);
    counts[ids.reduce((index, t) => index * V + t, 0)]++;
    if (verify) firstVerify.push(verify);
  }
  return { counts, firstVerify };
}

function expectWithin4Sigma(observed: number, trials: number, expected: number, what: string): void {
  const sigma = Math.sqrt((expected * (1 - expected)) / trials);
  expect(Math.abs(observed / trials - expected), `${what}: ${observed}/${trials} vs expected ${expected.toFixed(4)} (σ ${sigma.toFixed(4)})`).toBeLessThanOrEqual(4 * sigma);
}

describe('speculative sampling on a 4-token vocabulary: whole output sequences ~ the target', () => {
  const setup = (async () => {
    const [target, draft] = await Promise.all([loadModel(TARGET), loadModel(DRAFT)]);
    const prompt = target.tokenizer.encode(PROMPT);
    return { target, draft, prompt, V: target.manifest.vocabSize, exact: await exactSequenceProbs(target, prompt, LENGTH) };
  })();

  it('the fixture pair has a tiny shared vocabulary and differing distributions', async () => {
    const { target, draft, prompt, V, exact } = await setup;
    expect(V).toBe(4);
    expect(draft.manifest.vocabSize).toBe(V);
    expect(exact.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    const p = await nextTokenDist(target, prompt);
    const q = await nextTokenDist(draft, prompt);
    const overlap = overlapMass(p, q);
    expect(overlap).toBeGreaterThan(0.3);
    expect(overlap).toBeLessThan(0.97); // a draft equal to the target would make the test vacuous
  });

  it('chain speculative sampling (γ = 2): sequence chi-square and per-position acceptance ≈ Σ min(p, q)', async () => {
    const { target, draft, prompt, V, exact } = await setup;
    const runs = 1500;
    const { counts, firstVerify } = await sampleRuns('speculative', { num_assistant_tokens: 2 }, runs, 1, V);
    const fit = chiSquareTest(counts, exact);
    expect(fit.df, 'too few populated cells for a meaningful test').toBeGreaterThan(30);
    expect(fit.pValue, `chi-square ${fit.stat.toFixed(1)} on ${fit.df} df`).toBeGreaterThan(P_FLOOR);

    // Exact acceptance of the first step: its context is prompt + x₁ with x₁ ~ p. Position 1 is accepted with
    // probability Σ_x₁ p(x₁) Σ min(p, q); given that, the accepted token is ~ min(p, q)/α, and position 2 is
    // accepted with Σ min(p, q) of the context extended by it.
    const p0 = await nextTokenDist(target, prompt);
    let alpha1 = 0;
    let both = 0;
    for (let x1 = 0; x1 < V; x1++) {
      const ctx1 = [...prompt, x1];
      const [p1, q1] = await Promise.all([nextTokenDist(target, ctx1), nextTokenDist(draft, ctx1)]);
      alpha1 += p0[x1]! * overlapMass(p1, q1);
      for (let x2 = 0; x2 < V; x2++) {
        const [p2, q2] = await Promise.all([nextTokenDist(target, [...ctx1, x2]), nextTokenDist(draft, [...ctx1, x2])]);
        both += p0[x1]! * Math.min(p1[x2]!, q1[x2]!) * overlapMass(p2, q2);
      }
    }
    expect(firstVerify).toHaveLength(runs);
    const first = firstVerify.filter((v) => v.decisions[0]!.accepted).length;
    const second = firstVerify.filter((v) => v.decisions[0]!.accepted && v.decisions[1]?.accepted).length;
    expect(firstVerify.every((v) => v.decisions.length >= 1 && v.decisions[0]!.node === 0)).toBe(true);
    expectWithin4Sigma(first, runs, alpha1, 'position 1 acceptance');
    expectWithin4Sigma(second, first, both / alpha1, 'position 2 acceptance given position 1');
  }, 120_000);

  it('chain speculative sampling at T = 0.7 with γ = 1 (two speculative steps per run): sequence chi-square', async () => {
    const { target, prompt, V } = await setup;
    const exact = await exactSequenceProbs(target, prompt, LENGTH, 0.7);
    const runs = 1200;
    const { counts, firstVerify } = await sampleRuns('speculative', { num_assistant_tokens: 1 }, runs, 50_001, V, 0.7);
    expect(firstVerify.every((v) => v.decisions.length === 1)).toBe(true);
    const fit = chiSquareTest(counts, exact);
    expect(fit.df).toBeGreaterThan(25);
    expect(fit.pValue, `chi-square ${fit.stat.toFixed(1)} on ${fit.df} df`).toBeGreaterThan(P_FLOOR);
  }, 120_000);

  it('SpecInfer token tree ⟨2,2⟩ with i.i.d. sampled siblings and recursive rejection: sequence chi-square', async () => {
    const { V, exact } = await setup;
    const runs = 1500;
    const { counts, firstVerify } = await sampleRuns('specinfer', { expansion: '2,2' }, runs, 100_001, V);
    // The first step's tree really branched: two root children and four grandchildren.
    expect(firstVerify.every((v) => v.decisions.length >= 2)).toBe(true);
    const fit = chiSquareTest(counts, exact);
    expect(fit.df).toBeGreaterThan(25);
    expect(fit.pValue, `chi-square ${fit.stat.toFixed(1)} on ${fit.df} df`).toBeGreaterThan(P_FLOOR);
  }, 120_000);
});
