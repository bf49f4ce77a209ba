/** What every strategy gets for one run. */
import type { LoadedModel } from '../model/loader';
import type { TraceEmitter } from '../trace/emitter';
import type { ProcessorConfig } from '../logits/pipeline';
import type { UniformSource } from '../logits/rng';
import type { GenerationParams, TensorRef } from '../trace/schema';

export type TensorSink = (name: string, data: Float32Array, shape: readonly number[]) => TensorRef;

/** Between forward passes: throws when cancelled, waits while paused. */
export interface RunGate {
  checkpoint(): Promise<void>;
  /** Called after every commit; pauses here when the run is single-stepping. */
  endStep(): void;
}

export interface RunContext {
  model: LoadedModel;
  /** Draft model for speculative methods (resolved by the runner when the method needs one). */
  draft?: LoadedModel;
  emitter: TraceEmitter;
  /** Parameters as recorded in the header (HF names, defaults filled in). */
  params: GenerationParams;
  processors: ProcessorConfig;
  rng: UniformSource;
  gate: RunGate;
  promptIds: number[];
  eos: ReadonlySet<number>;
  /** Output index -> token id to force there (what-if forks). */
  forced: ReadonlyMap<number, number>;
  maxNewTokens: number;
  record: { attentions: boolean; hiddenStates: boolean; logitLens?: boolean };
  /** Stores a large tensor (sidecar) and returns its reference; present when the host records tensors. */
  tensorSink?: TensorSink;
  /** Entries per top-k list in distribution records. */
  topk: number;
}
