/** What every strategy gets for one run. */
import type { LoadedModel } from '../model/loader';
import type { TraceEmitter } from '../trace/emitter';
import type { ProcessorConfig } from '../logits/pipeline';
import type { UniformSource } from '../logits/rng';
import type { GenerationParams } from '../trace/schema';

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
  record: { attentions: boolean; hiddenStates: boolean };
  /** Entries per top-k list in distribution records. */
  topk: number;
}
