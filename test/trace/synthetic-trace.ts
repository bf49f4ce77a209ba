/**
 * A hand-built, schema-valid trace of plain greedy decoding, used where a real engine run is not needed
 * (reader speed at 10,000 steps, exporter structure) and as the committed fixture's source.
 * Deterministic: the same arguments give the same records.
 */
import type { TraceRecord } from '../../engine/trace/schema';
import { TRACE_FORMAT, TRACE_SCHEMA_VERSION } from '../../engine/trace/schema';

export interface SyntheticOptions {
  steps: number;
  topK?: number;
  vocabSize?: number;
  promptIds?: number[];
}

/** Small LCG so fixtures do not depend on Math.random. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

export function syntheticTrace(options: SyntheticOptions): TraceRecord[] {
  const { steps, topK = 20, vocabSize = 512, promptIds = [1, 17, 42, 99, 7] } = options;
  const rand = lcg(12345);
  const records: TraceRecord[] = [];
  records.push({
    type: 'header',
    format: TRACE_FORMAT,
    schemaVersion: TRACE_SCHEMA_VERSION,
    appVersion: '0.1.0',
    createdAt: '2026-01-01T00:00:00.000Z',
    method: { name: 'autoregressive', family: 'autoregressive', lossless: true },
    params: { max_new_tokens: steps, do_sample: false, seed: 0 },
    models: [
      {
        role: 'target',
        id: 'synthetic',
        files: [{ name: 'onnx/model.onnx', sha256: '0'.repeat(64), bytes: 1234 }],
        manifest: {
          ioConvention: 'optimum',
          dtype: 'float32',
          vocabSize,
          numLayers: 2,
          numHeads: 4,
          numKvHeads: 4,
          headDim: 16,
          kvCache: true,
          positionIds: true,
          treeMask: false,
          attentions: false,
          hiddenStates: false,
        },
      },
    ],
    tokenizer: { vocabSize, bosTokenId: 1, eosTokenIds: [2] },
    prompt: { text: 'synthetic prompt', tokenIds: promptIds },
  });
  const seen = new Set<number>();
  const generated: number[] = [];
  let clock = 0;
  let cacheLen = 0;
  let lastToken = promptIds[promptIds.length - 1];
  for (let step = 0; step < steps; step++) {
    const fed = step === 0 ? promptIds : [lastToken];
    const callId = step;
    const duration = 1 + rand() * 3;
    records.push({
      type: 'model_call',
      step,
      callId,
      model: 'target',
      purpose: step === 0 ? 'prefill' : 'decode',
      inputIds: [fed],
      positionIds: [fed.map((_, i) => cacheLen + i)],
      maskKind: 'causal',
      cacheLenIn: cacheLen,
      cacheLenOut: cacheLen + fed.length,
      outputs: ['logits'],
      startMs: clock,
      durationMs: duration,
    });
    clock += duration;
    cacheLen += fed.length;
    // A descending top-k list; the first entry is the argmax.
    const ids: number[] = [];
    while (ids.length < topK) {
      const id = 3 + Math.floor(rand() * (vocabSize - 3));
      if (!ids.includes(id)) ids.push(id);
    }
    let logit = 10 + rand() * 5;
    const topk = ids.map((id) => {
      logit -= rand() * 2;
      return { id, logit, logprob: logit - 12 };
    });
    const fresh = ids.filter((id) => !seen.has(id));
    if (fresh.length > 0) {
      for (const id of fresh) seen.add(id);
      records.push({ type: 'tokens', entries: fresh.map((id) => ({ id, text: `t${id}`, bytes: [116, 48 + (id % 10)] })) });
    }
    const distId = `c${callId}.r0.p${fed.length - 1}`;
    records.push({
      type: 'distribution',
      step,
      distId,
      callId,
      model: 'target',
      row: 0,
      index: fed.length - 1,
      position: promptIds.length + step,
      vocabSize,
      raw: { topk, logsumexp: 12, entropy: 1 + rand() },
      stages: [],
      processed: { topk, logsumexp: 12, entropy: 1 + rand(), support: vocabSize },
    });
    const chosen = topk[0];
    records.push({
      type: 'choice',
      step,
      distId,
      tokenId: chosen.id,
      rule: 'argmax',
      prob: Math.exp(chosen.logprob ?? 0),
      logprob: chosen.logprob,
      rank: 0,
    });
    generated.push(chosen.id);
    lastToken = chosen.id;
    records.push({
      type: 'commit',
      step,
      outputIndex: step,
      tokens: [{ id: chosen.id, source: 'target', distId }],
      targetForwardPasses: step + 1,
      ...(step === steps - 1 ? { finish: 'length' as const } : {}),
    });
  }
  records.push({
    type: 'footer',
    status: 'completed',
    summary: {
      text: generated.map((id) => `t${id}`).join(''),
      tokenIds: generated,
      newTokens: steps,
      targetForwardPasses: steps,
      draftForwardPasses: 0,
      acceptLengths: generated.map(() => 1),
      tau: 1,
      acceptanceRate: null,
      wallMs: clock,
      tokensPerSecond: steps / (clock / 1000),
      finishReason: 'length',
    },
  });
  return records;
}

export function toJsonl(records: readonly unknown[]): string {
  return records.map((r) => JSON.stringify(r)).join('\n') + '\n';
}
