/**
 * Decodescope trace format, version 1.
 *
 * A trace is JSON Lines: one `header` record, then event records in the order they happened, then one
 * `footer` record. A file without a footer is a truncated trace: every complete record is still usable.
 *
 * This module is the single source of truth for the format. It is shared by the engine (writer), the
 * renderer (reader) and the CLI (validate/stats/export). `npm run schema` writes the JSON Schema that
 * third parties can validate against (assets/schema/trace-1.schema.json).
 *
 * Rules for evolving it: a minor version may add optional fields and new record types; readers ignore
 * unknown fields and skip (and report) unknown record types of the same major version. A field name is
 * never reused with a new meaning.
 */
import { z } from 'zod';

// The renderer's CSP forbids eval; zod must not compile validators with `new Function`.
z.config({ jitless: true });

export const TRACE_FORMAT = 'decodescope.trace';
export const TRACE_SCHEMA_VERSION = '1.4.0';
export const TRACE_MAJOR = 1;

const int = z.number().int();
const nonNegInt = z.number().int().nonnegative();
const finite = z.number();
/** -Infinity is not JSON; masked logits are written as null. */
const logitValue = z.number().nullable();

// ---------------------------------------------------------------------------------------------
// Shared pieces

/** One vocabulary entry as the UI shows it: id, the decoded piece, and its raw bytes. */
export const TokenEntry = z.object({
  id: nonNegInt,
  /** The piece as text; byte pieces that are not valid UTF-8 on their own are written as `<0xNN>` runs. */
  text: z.string(),
  /** The raw bytes the token stands for (byte-level BPE), when known. */
  bytes: z.array(z.number().int().min(0).max(255)).optional(),
  special: z.boolean().optional(),
});
export type TokenEntry = z.infer<typeof TokenEntry>;

/** One entry of a top-k list. `logit` is the (processed or raw) score; `logprob` is log-softmax over the full vocabulary. */
export const TopKEntry = z.object({
  id: nonNegInt,
  logit: logitValue,
  logprob: logitValue,
});
export type TopKEntry = z.infer<typeof TopKEntry>;

export const ModelRole = z.enum(['target', 'draft', 'eagle', 'medusa', 'early-exit', 'other']);
export type ModelRole = z.infer<typeof ModelRole>;

/** What a loaded model can do. Every view asks this instead of guessing from names. */
export const CapabilityManifest = z.object({
  ioConvention: z.enum(['optimum', 'optimum-merged', 'optimum-no-position-ids', 'custom']),
  dtype: z.enum(['float32', 'float16']),
  vocabSize: nonNegInt,
  numLayers: nonNegInt,
  numHeads: nonNegInt.optional(),
  numKvHeads: nonNegInt,
  headDim: nonNegInt,
  hiddenSize: nonNegInt.optional(),
  kvCache: z.boolean(),
  positionIds: z.boolean(),
  /** Accepts a 4-D float mask [batch, 1, seq, past+seq]: tree and lookahead verification in one pass. */
  treeMask: z.boolean(),
  attentions: z.boolean(),
  hiddenStates: z.boolean(),
  exitLogits: z.boolean().optional(),
  medusaHeads: nonNegInt.optional(),
  useCacheBranch: z.boolean().optional(),
  numLogitsToKeep: z.boolean().optional(),
  externalData: z.boolean().optional(),
});
export type CapabilityManifest = z.infer<typeof CapabilityManifest>;

export const ModelFile = z.object({ name: z.string(), sha256: z.string(), bytes: nonNegInt });

export const TraceModel = z.object({
  role: ModelRole,
  /** A short name (the folder name for bundled models). */
  id: z.string(),
  path: z.string().optional(),
  files: z.array(ModelFile),
  manifest: CapabilityManifest,
});
export type TraceModel = z.infer<typeof TraceModel>;

/** Generation parameters with Hugging Face names (snake_case as in generation_config.json). */
export const GenerationParams = z.object({
  max_new_tokens: z.number().int().min(1).max(100000),
  do_sample: z.boolean(),
  temperature: z.number().positive().optional(),
  top_k: z.number().int().min(0).optional(),
  top_p: z.number().gt(0).max(1).optional(),
  min_p: z.number().min(0).max(1).optional(),
  typical_p: z.number().gt(0).max(1).optional(),
  repetition_penalty: z.number().positive().optional(),
  num_beams: z.number().int().min(1).optional(),
  length_penalty: z.number().optional(),
  penalty_alpha: z.number().min(0).max(1).optional(),
  seed: z.number().int().optional(),
  eos_token_id: z.array(nonNegInt).optional(),
  /** Method-specific knobs (draft length, tree budget, Jacobi block size, …), recorded as given. */
  method: z.record(z.string(), z.union([z.number(), z.string(), z.boolean()])).optional(),
});
export type GenerationParams = z.infer<typeof GenerationParams>;

export const MethodInfo = z.object({
  name: z.string(),
  family: z.string(),
  lossless: z.boolean(),
  /** Which variant of a paper's rule ran, where papers differ. */
  variant: z.string().optional(),
});

/**
 * 1.3.0. The run request as the engine received it, so a run can be re-decoded exactly (what-if forks): the
 * model and draft as asked for (a bundled id or a folder path; `models[].path` is where they were found), the
 * opt-in recordings and any forced tokens. `params` in the header are the effective ones (seed resolved).
 */
export const RecordedRequest = z.object({
  method: z.string(),
  model: z.string().optional(),
  draft: z.string().optional(),
  record: z.object({ attentions: z.boolean().optional(), hiddenStates: z.boolean().optional(), logitLens: z.boolean().optional() }).optional(),
  forced: z.array(z.object({ outputIndex: nonNegInt, tokenId: nonNegInt })).optional(),
});
export type RecordedRequest = z.infer<typeof RecordedRequest>;

/**
 * 1.3.0. A what-if fork: this run re-decoded its parent with `tokenId` forced at output `outputIndex` (where the
 * parent had `originalTokenId`). The parent is named for people and identified by its header's createdAt.
 */
export const ForkInfo = z.object({
  parent: z.string(),
  parentCreatedAt: z.string().optional(),
  outputIndex: nonNegInt,
  tokenId: nonNegInt,
  originalTokenId: nonNegInt.optional(),
});
export type ForkInfo = z.infer<typeof ForkInfo>;

// ---------------------------------------------------------------------------------------------
// Records

export const HeaderRecord = z.object({
  type: z.literal('header'),
  format: z.literal(TRACE_FORMAT),
  schemaVersion: z.string().regex(/^\d+\.\d+\.\d+$/, 'must be MAJOR.MINOR.PATCH'),
  appVersion: z.string(),
  createdAt: z.string(),
  method: MethodInfo,
  params: GenerationParams,
  models: z.array(TraceModel),
  tokenizer: z.object({
    sha256: z.string().optional(),
    vocabSize: nonNegInt,
    bosTokenId: nonNegInt.nullable().optional(),
    eosTokenIds: z.array(nonNegInt),
  }),
  prompt: z.object({ text: z.string(), tokenIds: z.array(nonNegInt) }),
  runtime: z
    .object({ onnxruntime: z.string().optional(), host: z.string().optional(), threads: nonNegInt.optional() })
    .optional(),
  /** Name of the binary sidecar holding large tensors, if any were recorded. */
  sidecar: z.string().optional(),
  request: RecordedRequest.optional(),
  fork: ForkInfo.optional(),
});
export type HeaderRecord = z.infer<typeof HeaderRecord>;

/** Token dictionary: emitted before the first record that mentions these ids. Keeps text out of every top-k list. */
export const TokensRecord = z.object({ type: z.literal('tokens'), entries: z.array(TokenEntry) });

/** One forward pass of one model. */
export const ModelCallRecord = z.object({
  type: z.literal('model_call'),
  step: nonNegInt,
  /** Unique within the trace; distributions point back at it. */
  callId: nonNegInt,
  model: ModelRole,
  purpose: z.enum(['prefill', 'decode', 'draft', 'verify', 'candidates', 'jacobi', 'lookahead', 'other']),
  /** Token ids fed, per batch row. */
  inputIds: z.array(z.array(nonNegInt)),
  positionIds: z.array(z.array(int)),
  maskKind: z.enum(['causal', 'padding', 'tree', 'lookahead', 'custom']),
  /** For tree/lookahead masks: for each fed position, the fed positions it may see (besides the cache). */
  maskParents: z.array(z.array(nonNegInt)).optional(),
  cacheLenIn: nonNegInt,
  cacheLenOut: nonNegInt,
  outputs: z.array(z.string()),
  startMs: finite,
  durationMs: finite,
  tensors: z.array(z.lazy(() => TensorRef)).optional(),
});
export type ModelCallRecord = z.infer<typeof ModelCallRecord>;

export const ProcessorStage = z.object({
  /** HF processor name: repetition_penalty, temperature, top_k, top_p, min_p, typical_p. */
  name: z.string(),
  params: z.record(z.string(), z.number()),
  /** How many vocabulary entries this stage removed (set to -inf). */
  removedCount: nonNegInt,
  /** Of the raw top-k ids, the ones this stage removed. */
  removedIds: z.array(nonNegInt),
  /** The top-k after this stage. */
  topk: z.array(TopKEntry),
  logsumexp: z.number(),
});

/** A next-token distribution for one row/position of one model call, from raw logits to the processed scores. */
export const DistributionRecord = z.object({
  type: z.literal('distribution'),
  step: nonNegInt,
  /** Unique within the trace, e.g. "c12.r0.p3" (call 12, row 0, position 3). */
  distId: z.string(),
  callId: nonNegInt,
  model: ModelRole,
  row: nonNegInt,
  /** Index within the call's fed positions. */
  index: nonNegInt,
  /** Absolute position in the sequence of the token this distribution predicts. */
  position: nonNegInt,
  vocabSize: nonNegInt,
  raw: z.object({ topk: z.array(TopKEntry), logsumexp: z.number(), entropy: z.number() }),
  stages: z.array(ProcessorStage),
  processed: z.object({ topk: z.array(TopKEntry), logsumexp: z.number(), entropy: z.number(), support: nonNegInt }),
});
export type DistributionRecord = z.infer<typeof DistributionRecord>;

/** Every random number the run drew, in order: enough to replay a sampled run exactly. */
export const RngDrawRecord = z.object({
  type: z.literal('rng_draw'),
  step: nonNegInt,
  /** 0-based index of this draw in the run's stream. */
  index: nonNegInt,
  purpose: z.enum(['sample', 'accept', 'residual', 'draft', 'other']),
  u: z.number().min(0).lt(1),
});

/** A token picked from a distribution: by argmax, or by a draw u against the cumulative processed distribution. */
export const ChoiceRecord = z.object({
  type: z.literal('choice'),
  step: nonNegInt,
  distId: z.string(),
  tokenId: nonNegInt,
  rule: z.enum(['argmax', 'sample', 'residual', 'forced']),
  u: z.number().min(0).lt(1).optional(),
  /** Cumulative processed probability before this token in the sampling order (u landed in [cumBefore, cumBefore+prob)). */
  cumBefore: z.number().optional(),
  prob: z.number(),
  logprob: z.number().nullable(),
  rank: nonNegInt,
});

export const TokenSource = z.enum(['target', 'accepted', 'resampled', 'bonus', 'prompt', 'forced']);
export type TokenSource = z.infer<typeof TokenSource>;

/** Tokens appended to the output in one step. A step ends with its commit. */
export const CommitRecord = z.object({
  type: z.literal('commit'),
  step: nonNegInt,
  /** Output position (0 = first generated token) of the first committed token. */
  outputIndex: nonNegInt,
  tokens: z.array(z.object({ id: nonNegInt, source: TokenSource, distId: z.string().optional() })),
  targetForwardPasses: nonNegInt,
  finish: z.enum(['eos', 'length']).optional(),
});
export type CommitRecord = z.infer<typeof CommitRecord>;

export const CacheOpRecord = z.object({
  type: z.literal('cache_op'),
  step: nonNegInt,
  model: ModelRole,
  op: z.enum(['append', 'crop', 'gather', 'expand', 'reorder']),
  lenBefore: nonNegInt,
  lenAfter: nonNegInt,
  /** gather: kept positions; reorder/expand: source batch row per new row. */
  indices: z.array(nonNegInt).optional(),
});

/** Draft proposals as a tree (a chain is a tree with one path). Node 0..n-1; parent -1 = the root (last committed token). */
export const DraftRecord = z.object({
  type: z.literal('draft'),
  step: nonNegInt,
  model: ModelRole,
  kind: z.enum(['chain', 'tree']),
  source: z.string(),
  nodes: z.array(
    z.object({
      node: nonNegInt,
      parent: int.min(-1),
      tokenId: nonNegInt,
      depth: nonNegInt,
      q: z.number().optional(),
      score: z.number().optional(),
      distId: z.string().optional(),
    }),
  ),
});

/** The acceptance decision for each examined draft node. */
export const VerifyRecord = z.object({
  type: z.literal('verify'),
  step: nonNegInt,
  rule: z.string(),
  decisions: z.array(
    z.object({
      node: nonNegInt,
      tokenId: nonNegInt,
      p: z.number(),
      q: z.number().optional(),
      ratio: z.number().optional(),
      u: z.number().optional(),
      accepted: z.boolean(),
      reason: z.string(),
      targetDistId: z.string().optional(),
    }),
  ),
  acceptedLength: nonNegInt,
  /** Top-k of norm(max(0, p − q)) when a correction was drawn from it. */
  residual: z.array(z.object({ id: nonNegInt, prob: z.number() })).optional(),
});

/**
 * Beam search: the candidate table of one step and which beams survive. 1.4.0: beam sampling (do_sample) lists the
 * candidates in draw order, each with its probability under the softmax over all beams × vocabulary and the draw
 * that picked it: u·massLeft (massLeft = probability not yet drawn) fell in [cumBefore, cumBefore + prob) along
 * the undrawn entries in descending score order.
 */
export const BeamRecord = z.object({
  type: z.literal('beam'),
  step: nonNegInt,
  candidates: z.array(
    z.object({
      beam: nonNegInt,
      tokenId: nonNegInt,
      logprob: z.number(),
      score: z.number(),
      kept: z.boolean(),
      finished: z.boolean(),
      prob: z.number().min(0).max(1).optional(),
      u: z.number().min(0).lt(1).optional(),
      massLeft: z.number().min(0).optional(),
      cumBefore: z.number().min(0).optional(),
    }),
  ),
  beams: z.array(z.object({ tokens: z.array(nonNegInt), score: z.number(), parent: nonNegInt })),
  finished: z.array(z.object({ tokens: z.array(nonNegInt), score: z.number() })),
});

/** Contrastive search: each candidate's confidence, degeneration penalty and final score. */
export const ContrastiveRecord = z.object({
  type: z.literal('contrastive'),
  step: nonNegInt,
  alpha: z.number(),
  candidates: z.array(
    z.object({ tokenId: nonNegInt, prob: z.number(), penalty: z.number(), mostSimilarPosition: nonNegInt, score: z.number() }),
  ),
  chosen: nonNegInt,
});

/**
 * 1.1.0. Jacobi-family decoding (jacobi, jacobi-kv, sjd): one row of the iterations × block-positions grid.
 * Row 0 is the initial guess; row t the guesses after the t-th forward pass on the block. Cell (t, i) was computed
 * from cells (t−1, j < i) plus the committed context. Greedy methods prove a prefix final; SJD accepts it.
 */
export const JacobiIterRecord = z.object({
  type: z.literal('jacobi_iter'),
  step: nonNegInt,
  /** 0 = initial guess; t = after the t-th forward pass on this block. */
  iteration: nonNegInt,
  /** Output index (0 = first generated token) of block position 0. */
  blockStart: nonNegInt,
  blockSize: nonNegInt,
  /** Block position of tokens[0]: 0 for plain Jacobi; grows as converged tokens leave the block (KV reuse, SJD). */
  offset: nonNegInt,
  tokens: z.array(nonNegInt),
  /** Per entry of tokens: differs from the previous row at the same block position (all false in row 0). */
  changed: z.array(z.boolean()),
  /** Block positions [0, convergedPrefix) are final after this row. Never decreases within a block. */
  convergedPrefix: nonNegInt,
  /** Tokens committed after this row (the next block positions in order), when any. */
  committed: z.array(nonNegInt).optional(),
  /** The model_call that produced this row (absent in row 0). */
  callId: nonNegInt.optional(),
  /** Per entry: probability of the token under the processed distribution it was picked from. */
  probs: z.array(z.number()).optional(),
  /** Row 0 / refilled entries: how guesses were made (repeat-last, pad, random-context, carried-over). */
  init: z.string().optional(),
});
export type JacobiIterRecord = z.infer<typeof JacobiIterRecord>;

/**
 * 1.1.0. One lookahead-decoding step (Fu et al.): the 2-D window that was fed, the n-grams collected into the pool,
 * the candidates verified for the last committed token, and how much of the best one was accepted.
 */
export const LookaheadRecord = z.object({
  type: z.literal('lookahead'),
  step: nonNegInt,
  callId: nonNegInt.optional(),
  /** N (n-gram size), W (window), G (n-grams kept per key). */
  config: z.object({ level: nonNegInt, window: nonNegInt, guessSetSize: nonNegInt }),
  phase: z.enum(['fill', 'full']),
  /** 'single': one pass with the 4-D lookahead mask; 'separate': window and verification as causal batch rows. */
  passes: z.enum(['single', 'separate']),
  /** The last committed token (pool key) and its position p. */
  last: z.object({ id: nonNegInt, position: nonNegInt }),
  /** Window levels as fed: level 0 starts at position p+1, level ℓ ≥ 1 at p+ℓ. */
  window: z.array(z.object({ level: nonNegInt, startPosition: nonNegInt, tokens: z.array(nonNegInt) })),
  /** The model's picks at the top level: the window's new top level. */
  newLevel: z.array(nonNegInt),
  poolInsertions: z.array(
    z.object({ key: nonNegInt, ngram: z.array(nonNegInt), action: z.enum(['added', 'refreshed']), evicted: z.array(nonNegInt).optional() }),
  ),
  /** N-grams stored after this step, over all keys. */
  poolSize: nonNegInt,
  /** The pool hits for the last token, in verification order, with how many leading tokens matched. */
  candidates: z.array(z.object({ ngram: z.array(nonNegInt), source: z.enum(['pool']), matchLength: nonNegInt })),
  /** The accepted candidate (−1: none) and its accepted length; the step commits acceptedLength + 1 tokens. */
  verified: z.object({ candidate: int.min(-1), acceptedLength: nonNegInt }),
});
export type LookaheadRecord = z.infer<typeof LookaheadRecord>;

/** A large tensor stored in the binary sidecar (little-endian), recorded only when asked for. */
export const TensorRef = z.object({
  name: z.string(),
  dtype: z.enum(['float32', 'float16', 'int64', 'int32']),
  shape: z.array(nonNegInt),
  offset: nonNegInt,
  byteLength: nonNegInt,
});
export const TensorRecord = z.object({ type: z.literal('tensor'), step: nonNegInt, callId: nonNegInt, ref: TensorRef });

/**
 * Logit lens (schema 1.2): for one fed position of a model call, the top-k of every layer's early-exit logits
 * (final norm + LM head on that layer's hidden state); the last entry is the model's own final logits.
 * Recorded when RunRequest.record.logitLens is set and the model has exit_logits.* outputs.
 */
export const LayerTopKRecord = z.object({
  type: z.literal('layer_topk'),
  step: nonNegInt,
  callId: nonNegInt,
  /** Absolute position (cache index) of the fed token whose next-token predictions these are. */
  position: nonNegInt,
  layers: z.array(z.object({ layer: nonNegInt, topk: z.array(TopKEntry) })),
});
export type LayerTopKRecord = z.infer<typeof LayerTopKRecord>;

/**
 * Attention probabilities of one layer for one model call, inline (schema 1.2), so live runs without a sidecar
 * still carry them: weights[h][q][k] flattened row-major, q over the call's fed positions, k over cacheLenIn + fed.
 * Recorded when RunRequest.record.attentions is set and the host has no tensor sidecar.
 */
export const AttentionRecord = z.object({
  type: z.literal('attention'),
  step: nonNegInt,
  callId: nonNegInt,
  layer: nonNegInt,
  heads: nonNegInt,
  queries: nonNegInt,
  keys: nonNegInt,
  weights: z.array(z.number()),
});
export type AttentionRecord = z.infer<typeof AttentionRecord>;

/** Things the user did during a live run (pause, resume, a forced token); shown on the timeline. */
export const NoteRecord = z.object({ type: z.literal('note'), step: nonNegInt, kind: z.string(), message: z.string() });

export const Summary = z.object({
  text: z.string(),
  tokenIds: z.array(nonNegInt),
  newTokens: nonNegInt,
  targetForwardPasses: nonNegInt,
  draftForwardPasses: nonNegInt,
  /** Tokens committed per step (Spec-Bench accept_lengths): 1 for plain decoding. */
  acceptLengths: z.array(nonNegInt),
  /** Mean tokens committed per target forward pass, bonus included (τ). */
  tau: z.number(),
  /** Accepted drafted tokens / drafted tokens; null for methods that draft nothing. */
  acceptanceRate: z.number().nullable(),
  wallMs: z.number(),
  tokensPerSecond: z.number(),
  finishReason: z.enum(['eos', 'length', 'cancelled', 'error']),
});
export type Summary = z.infer<typeof Summary>;

export const FooterRecord = z.object({
  type: z.literal('footer'),
  status: z.enum(['completed', 'cancelled', 'error']),
  error: z.string().optional(),
  summary: Summary,
});

export const EventRecord = z.discriminatedUnion('type', [
  TokensRecord,
  ModelCallRecord,
  DistributionRecord,
  RngDrawRecord,
  ChoiceRecord,
  CommitRecord,
  CacheOpRecord,
  DraftRecord,
  VerifyRecord,
  BeamRecord,
  ContrastiveRecord,
  TensorRecord,
  NoteRecord,
  JacobiIterRecord,
  LookaheadRecord,
  LayerTopKRecord,
  AttentionRecord,
]);
export type EventRecord = z.infer<typeof EventRecord>;

export const TraceRecord = z.discriminatedUnion('type', [HeaderRecord, FooterRecord, ...EventRecord.options]);
export type TraceRecord = z.infer<typeof TraceRecord>;
export type FooterRecord = z.infer<typeof FooterRecord>;
export type TokensRecord = z.infer<typeof TokensRecord>;
export type RngDrawRecord = z.infer<typeof RngDrawRecord>;
export type ChoiceRecord = z.infer<typeof ChoiceRecord>;
export type CacheOpRecord = z.infer<typeof CacheOpRecord>;
export type DraftRecord = z.infer<typeof DraftRecord>;
export type VerifyRecord = z.infer<typeof VerifyRecord>;
export type BeamRecord = z.infer<typeof BeamRecord>;
export type ContrastiveRecord = z.infer<typeof ContrastiveRecord>;
export type TensorRef = z.infer<typeof TensorRef>;
export type NoteRecord = z.infer<typeof NoteRecord>;

/** Every record type this version knows; readers skip (and report) others of the same major version. */
export const KNOWN_RECORD_TYPES: ReadonlySet<string> = new Set(TraceRecord.options.map((o) => o.shape.type.value));
