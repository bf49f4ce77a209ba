/**
 * What-if forks: the RunRequest that re-decodes a recorded run with a different token at one output position.
 * Pure and browser-safe (no node imports): the renderer builds fork requests with it, the engine tests check
 * that the engine honours them.
 *
 * Why the prefix is forced too, not just the new token. Forcing only position i would reproduce the parent's
 * tokens before i for autoregressive decoding: greedy output is a function of the prefix, and a sampled run
 * draws exactly one uniform per prefix token, in the same order, from the same seed. It would not for the
 * speculative family: drafts stop short of a forced index, so the step that reaches i drafts and verifies
 * fewer positions. A sampled run then consumes a different number of acceptance uniforms and can accept
 * different tokens before i (on the bundled models, 8 of 12 sampled chain-speculative forks forced at i alone
 * changed their prefix); even a greedy one computes its logits over a different batch of positions,
 * where float rounding can flip a near tie. Forcing the parent's own tokens at 0..i−1 makes the prefix
 * identical by construction for every method that honours `forced`.
 * The price: the fork's prefix is labelled `forced` and drafts nothing, and its random stream is not the
 * parent's continued (the autoregressive sampler draws no uniform for a forced token, so the continuation
 * starts at the seed's first draw). The continuation is a different, equally valid sample; running the same
 * fork request again reproduces it exactly.
 */
import type { RunRequest } from '../protocol/messages';
import type { HeaderRecord, TraceModel } from './schema';

export interface ForkPoint {
  outputIndex: number;
  tokenId: number;
}

/** A fork that cannot be made from this trace; the message says why. */
export class ForkError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ForkError';
  }
}

/** Methods that do not honour forced tokens, and why. */
const UNSUPPORTED: Record<string, string> = {
  beam_search: 'beam search keeps several hypotheses per position, so forcing one output token is not defined for it',
  sjd: 'speculative Jacobi decoding refuses forced tokens (its acceptance would be biased)',
};

/** Why runs of this trace cannot be forked, or null when they can. */
export function forkUnsupportedReason(header: HeaderRecord | undefined): string | null {
  if (!header) return 'the trace has no header yet';
  return UNSUPPORTED[header.method.name] ?? null;
}

/** A bundled model's folder is assets/models/<id>; older traces (before schema 1.3) only recorded where it was. */
function modelSpec(m: TraceModel): string {
  if (!m.path) return m.id;
  const tail = m.path.replace(/\\/g, '/').split('/').slice(-3);
  return tail[0] === 'assets' && tail[1] === 'models' && tail[2] === m.id ? m.id : m.path;
}

/**
 * The request that produced this trace, as closely as the header says: the effective parameters (seed
 * resolved), the prompt text, the model and draft as asked for (schema ≥ 1.3) or as found, and any forced
 * tokens it already had.
 */
export function requestFromHeader(header: HeaderRecord): RunRequest {
  const asked = header.request;
  const target = header.models.find((m) => m.role === 'target');
  const draft = header.models.find((m) => m.role === 'draft');
  const model = asked ? asked.model : target ? modelSpec(target) : undefined;
  const draftSpec = asked ? asked.draft : draft ? modelSpec(draft) : undefined;
  return {
    method: asked?.method ?? header.method.name,
    prompt: header.prompt.text,
    params: { ...header.params },
    ...(model !== undefined ? { model } : {}),
    ...(draftSpec !== undefined ? { draft: draftSpec } : {}),
    ...(asked?.record ? { record: { ...asked.record } } : {}),
    ...(asked?.forced?.length ? { forced: asked.forced.map((f) => ({ ...f })) } : {}),
  };
}

/**
 * The fork request: the parent's request with its outputs before `at.outputIndex` forced (see the top of this
 * file for why) and `at.tokenId` forced at `at.outputIndex`. The parent's own forced tokens after the fork point
 * are dropped: past it the fork decodes freely.
 */
export function forkRequest(header: HeaderRecord, parentOutput: readonly number[], at: ForkPoint, parentName: string): RunRequest {
  const refused = forkUnsupportedReason(header);
  if (refused) throw new ForkError(`cannot fork a ${header.method.name} run: ${refused}`);
  const i = at.outputIndex;
  if (!Number.isInteger(i) || i < 0 || i >= parentOutput.length) {
    throw new ForkError(`fork output index ${i} is outside the parent's output (0..${parentOutput.length - 1})`);
  }
  if (!Number.isInteger(at.tokenId) || at.tokenId < 0 || at.tokenId >= header.tokenizer.vocabSize) {
    throw new ForkError(`fork token ${at.tokenId} is outside the vocabulary (size ${header.tokenizer.vocabSize})`);
  }
  const base = requestFromHeader(header);
  const forced = parentOutput.slice(0, i).map((tokenId, outputIndex) => ({ outputIndex, tokenId }));
  forced.push({ outputIndex: i, tokenId: at.tokenId });
  return {
    ...base,
    forced,
    fork: { parent: parentName, parentCreatedAt: header.createdAt, outputIndex: i, tokenId: at.tokenId, originalTokenId: parentOutput[i]! },
  };
}
